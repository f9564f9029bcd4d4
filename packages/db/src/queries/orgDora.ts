// DORA across services: each service's figures for one environment from the per-environment query
// (doraMetrics, the same definitions), and the organisation's figures combined from the same samples.
import { type ORG_DORA_SORTS, doraBands } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type DoraMetrics, doraMetrics, leadTimeSamples, restoreSamples } from "./dora.js";
import { rowsOf } from "./sqlViews.js";

type OrgDoraSort = (typeof ORG_DORA_SORTS)[number];

/** Median as the per-environment figures take it (mean of the middle one or two) and p90 by nearest rank. */
function stats(values: number[]) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { medianSeconds: null, p90Seconds: null, samples: 0 };
  const median = n % 2 === 1 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  return { medianSeconds: median, p90Seconds: v[Math.floor((9 * n + 9) / 10) - 1]!, samples: n };
}

/** Runs `fn` over `items` a few at a time: one project's figures are a handful of indexed queries. */
async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

const noSeries = <T extends { series: unknown }>({ series: _, ...rest }: T): Omit<T, "series"> => rest;
/** A service's four figures and bands for the range, without the per-bucket series. */
const figuresOf = (m: DoraMetrics) => ({
  deploymentFrequency: noSeries(m.deploymentFrequency),
  leadTime: noSeries(m.leadTime),
  changeFailureRate: noSeries(m.changeFailureRate),
  timeToRestore: noSeries(m.timeToRestore),
  bands: m.bands,
});
type ServiceFigures = ReturnType<typeof figuresOf>;

/** Worst first for each figure; a service without a value comes last. */
const SORT_VALUE: Record<Exclude<OrgDoraSort, "service">, (f: ServiceFigures) => number | null> = {
  deploymentFrequency: (f) => f.deploymentFrequency.perDay,
  leadTime: (f) => (f.leadTime.medianSeconds === null ? null : -f.leadTime.medianSeconds),
  changeFailureRate: (f) => (f.changeFailureRate.rate === null ? null : -f.changeFailureRate.rate),
  timeToRestore: (f) => (f.timeToRestore.medianSeconds === null ? null : -f.timeToRestore.medianSeconds),
};

export async function orgDora(db: Database, input: { environment: string; from?: number; to?: number; sort: OrgDoraSort }, now: number) {
  const envs = rowsOf<{ envId: number; projectId: string; service: string }>(
    await db.clients.deploys.execute({
      sql: `SELECT e.id AS envId, p.id AS projectId, p.name AS service FROM environments e JOIN projects p ON p.id = e.project_id
            WHERE e.name = ? ORDER BY lower(p.name), p.id`,
      args: [input.environment],
    }),
  );
  const to = input.to ?? now;
  const from = input.from ?? to - 30 * 86_400;
  const perService = await inBatches(envs, 4, async (e) => {
    const m = await doraMetrics(db, e.projectId, { environment: input.environment, from, to, bucket: "week" }, now);
    const values = async (ctes: string, args: (string | number)[]) =>
      rowsOf<{ v: number }>(await db.clients.deploys.execute({ sql: `WITH ${ctes} SELECT v FROM samples`, args })).map((r) => Number(r.v));
    const [lead, restore] = await Promise.all([
      values(leadTimeSamples("week"), [Number(e.envId), from, to, e.projectId]),
      values(restoreSamples("week"), [Number(e.envId), from, to]),
    ]);
    return { projectId: e.projectId, service: e.service, figures: figuresOf(m), lead, restore };
  });

  // The organisation's figures: counts are summed, medians and p90 taken over the union of every service's
  // samples (not a median of medians), the failure rate is the sum of failures over the sum of go-lives.
  const days = (to - from) / 86_400;
  const count = perService.reduce((s, x) => s + x.figures.deploymentFrequency.count, 0);
  const failures = perService.reduce((s, x) => s + x.figures.changeFailureRate.failures, 0);
  const total = perService.reduce((s, x) => s + x.figures.changeFailureRate.total, 0);
  const failedRuns = perService.reduce((s, x) => s + x.figures.changeFailureRate.failedRuns, 0);
  const open = perService.flatMap((x) => (x.figures.timeToRestore.openSince === null ? [] : [x.figures.timeToRestore.openSince]));
  const leadTime = stats(perService.flatMap((x) => x.lead));
  const timeToRestore = stats(perService.flatMap((x) => x.restore));
  const perDay = count / days;
  // The frequency band is the typical service's: deploys per day per service (a sum over many services would
  // make any large organisation elite).
  const perServicePerDay = perService.length === 0 ? 0 : perDay / perService.length;
  const rate = total > 0 ? failures / total : null;
  const org = {
    services: perService.length,
    deploymentFrequency: { count, perDay, perServicePerDay },
    leadTime,
    changeFailureRate: { rate, failures, total, failedRuns },
    timeToRestore: { ...timeToRestore, unrestored: open.length, openSince: open.length ? Math.min(...open) : null },
    bands: doraBands({
      deploysPerDay: perServicePerDay,
      leadTimeSeconds: leadTime.medianSeconds,
      changeFailureRate: rate,
      timeToRestoreSeconds: timeToRestore.medianSeconds,
    }),
  };

  const services = perService.map(({ projectId, service, figures }) => ({ projectId, service, ...figures }));
  if (input.sort !== "service") {
    const value = SORT_VALUE[input.sort];
    // Array.sort is stable: ties keep the order by name.
    services.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va === null || vb === null) return (va === null ? 1 : 0) - (vb === null ? 1 : 0);
      return va - vb;
    });
  }
  return { environment: input.environment, from, to, sort: input.sort, org, services };
}
