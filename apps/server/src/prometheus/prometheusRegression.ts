// deploys.regression from an environment's Prometheus: p99 and sample count per metric over the same
// windows as the snapshots (deployWindows), judged by the same verdict rules (metricVerdict).
import {
  DEFAULT_PROMETHEUS_COUNT_QUERY,
  DEFAULT_PROMETHEUS_LATENCY_QUERY,
  type PromSample,
  type RegressionQuery,
  renderPromQL,
  seriesName,
} from "@cuitty/core";
import {
  type Database,
  type MetricRegression,
  type RegressionResult,
  deltaPercent,
  deployWindows,
  metricVerdict,
  overallVerdict,
  prometheusSettings,
} from "@cuitty/db";
import { type PromQueryOptions, promQuery } from "./prometheusQuery.js";

/** The URL to name in reasons, without any credentials written into it. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}

const byName = (samples: PromSample[]) => new Map(samples.map((s) => [seriesName(s.labels), s.value]));
const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);

/**
 * The verdict from Prometheus, or null when the deploy's environment has no Prometheus URL (then the
 * snapshots answer). Prometheus failing gives `insufficient_data` with the reason, never an error.
 */
export async function prometheusRegression(
  db: Database,
  projectId: string,
  input: RegressionQuery,
  options: PromQueryOptions & { nowSeconds?: () => number } = {},
): Promise<RegressionResult | null> {
  const w = await deployWindows(db, projectId, input.id);
  const settings = await prometheusSettings(db, projectId, w.envId);
  if (!settings) return null;
  const threshold = input.threshold;
  const empty = (reason: string | null): RegressionResult => ({
    deployId: input.id,
    verdict: "insufficient_data",
    source: "prometheus",
    reason,
    threshold,
    liveAt: w.t,
    windows: w.t === null || w.lo === null || w.hi === null ? null : { before: { from: w.lo, to: w.t }, after: { from: w.t, to: w.hi } },
    metrics: [],
  });
  if (w.t === null || w.lo === null || w.hi === null) return empty(null);
  const t = w.t;
  // The after window ends at the next go-live or t + 1 h, and no later than now while it is still open.
  const afterEnd = Math.max(t + 1, Math.min(w.hi, (options.nowSeconds ?? (() => Math.floor(Date.now() / 1000)))()));
  const sides = [
    { side: "before", at: t, seconds: t - w.lo },
    { side: "after", at: afterEnd, seconds: afterEnd - t },
  ] as const;
  const queries = [
    { kind: "latency", template: settings.latencyQuery ?? DEFAULT_PROMETHEUS_LATENCY_QUERY },
    { kind: "count", template: settings.countQuery ?? DEFAULT_PROMETHEUS_COUNT_QUERY },
  ] as const;
  const asked = sides.flatMap((s) => queries.map((q) => ({ ...s, ...q })));
  const answers = await Promise.all(
    asked.map((a) =>
      promQuery(settings, renderPromQL(a.template, { environment: w.environment, windowSeconds: a.seconds }), a.at, options),
    ),
  );
  const failed = answers.findIndex((a) => !a.ok);
  if (failed >= 0) {
    const a = asked[failed]!;
    const answer = answers[failed] as { ok: false; reason: string };
    return empty(`Prometheus at ${shownUrl(settings.url)} did not answer the ${a.kind} query of the ${a.side} window: ${answer.reason}`);
  }
  const [latBefore, cntBefore, latAfter, cntAfter] = answers.map((a) => byName((a as { samples: PromSample[] }).samples));
  const names = [...new Set([...latBefore!.keys(), ...latAfter!.keys()])]
    .filter((n) => input.metric === undefined || n === input.metric)
    .sort();
  const metrics: MetricRegression[] = names.map((metric) => {
    const before = finite(latBefore!.get(metric));
    const after = finite(latAfter!.get(metric));
    const m = {
      metric,
      // The queries answer seconds; the verdict, like the snapshots, is in milliseconds.
      p99Before: before === null ? null : before * 1000,
      p99After: after === null ? null : after * 1000,
      deltaPercent: deltaPercent(before, after),
      samplesBefore: Math.round(finite(cntBefore!.get(metric)) ?? 0),
      samplesAfter: Math.round(finite(cntAfter!.get(metric)) ?? 0),
    };
    return { ...m, verdict: metricVerdict(m, threshold) };
  });
  return { ...empty(null), verdict: overallVerdict(metrics.map((m) => m.verdict)), metrics };
}
