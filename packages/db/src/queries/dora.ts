// The four DORA metrics of one environment over a range, each as a figure and a series per UTC bucket, in SQL
// over the deploys indexes (env_id, live_at) and (env_id, started_at, id). The definitions: README, "DORA metrics".
import {
  BUCKET_SECONDS,
  CuittyError,
  type DoraBand,
  MAX_METRIC_BUCKETS,
  type MetricBucket,
  bucketStarts,
  NOT_A_CHANGE_REASONS,
  doraBands,
} from "@cuitty/core";
import type { Database } from "../connection.js";
import { RANGE_KEY, SampleGroups, bucketOf, bucketSql, sampleStats } from "./metricStats.js";
import { rowsOf } from "./sqlViews.js";

/** Failed runs with these reasons were stopped, not broken (docs/design.md §6): not change failures, not finished changes. */
const NOT_A_CHANGE = `(d.status = 'failed' AND d.marked_bad_at IS NULL AND coalesce(d.reason, '') IN (${NOT_A_CHANGE_REASONS.map((r) => `'${r}'`).join(", ")}))`;
/** A deploy that went live and was later rolled back, marked bad, or failed its health checks. */
const FAILED_CHANGE = (d: string) => `(${d}.status = 'rolled_back' OR ${d}.marked_bad_at IS NOT NULL OR ${d}.health_status = 'failing')`;
/** Stands for "no end yet" inside min(); SQLite's min(a, b) is null when either is. */
const NEVER = "9223372036854775807";

/**
 * Lead time samples `(b, v)` of one environment (?1 env id, ?2 from, ?3 to, ?4 project id), per commit
 * (Four Keys): each commit at its first go-live in the environment, from its commit time to that go-live (a rolled
 * back change counts where it first went live), read from commit_first_live (commitFirstLive.ts). A deploy that
 * listed no commits stands for its head commit. The org roll-up reads the same CTE.
 */
export function leadTimeSamples(bucket: MetricBucket): string {
  return `shipped AS (
        SELECT f.live_at, f.committed_at FROM commit_first_live f
          WHERE f.env_id = ?1 AND f.live_at >= ?2 AND f.live_at < ?3 AND f.project_id = ?4
        UNION ALL
        SELECT d.live_at, d.committed_at FROM deploys d
          WHERE d.env_id = ?1 AND d.live_at >= ?2 AND d.live_at < ?3 AND d.committed_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM deploy_commits c WHERE c.deploy_id = d.id)),
      samples AS (SELECT ${bucketSql("s.live_at", bucket)} AS b, max(0, s.live_at - s.committed_at) AS v FROM shipped s)`;
}

// Time to restore (README, DORA): an outage starts when a failed change goes live (at its first failing
// probe instead, when it failed its health checks and a probe is recorded) and ends at the first moment at or
// after that when the environment is healthy again: a healthy deploy going live, or a rollback to a healthy
// deploy. Overlapping failures share that end, so one outage is one group per end. Restored outages count
// where they end; an outage not ended before `to` is open, however long ago it began.
// Arguments: ?1 env id, ?2 from, ?3 to.
const RESTORE_CTES = `failures AS MATERIALIZED (
      SELECT CASE WHEN d.health_status = 'failing' THEN coalesce((SELECT min(h.checked_at) FROM health_checks h
                WHERE h.deploy_id = d.id AND h.ok = 0 AND h.checked_at >= d.live_at), d.live_at) ELSE d.live_at END AS s
        FROM deploys d WHERE d.env_id = ?1 AND d.live_at < ?3 AND ${FAILED_CHANGE("d")}),
    rollbacks AS MATERIALIZED (
      SELECT ev.occurred_at AS t FROM deploys d
        JOIN deploy_events ev ON ev.deploy_id = d.id AND ev.to_status = 'rolled_back'
        JOIN deploys tg ON tg.id = ev.rollback_target_id
        WHERE d.env_id = ?1 AND d.status = 'rolled_back' AND ev.occurred_at < ?3 AND NOT ${FAILED_CHANGE("tg")}),
    outages AS (
      SELECT f.s, nullif(min(
          coalesce((SELECT min(h.live_at) FROM deploys h WHERE h.env_id = ?1 AND h.live_at >= f.s AND h.live_at < ?3
            AND NOT ${FAILED_CHANGE("h")}), ${NEVER}),
          coalesce((SELECT min(rb.t) FROM rollbacks rb WHERE rb.t >= f.s), ${NEVER})), ${NEVER}) AS e
      FROM failures f WHERE f.s < ?3),
    restores AS (SELECT e, min(s) AS s FROM outages WHERE e IS NOT NULL AND e >= ?2 GROUP BY e)`;

/** Restored outages as samples `(b, v)`: v is the outage's length, b the bucket of its end. */
export function restoreSamples(bucket: MetricBucket): string {
  return `${RESTORE_CTES}, samples AS (SELECT ${bucketSql("e", bucket)} AS b, e - s AS v FROM restores)`;
}

export interface MetricRange {
  environment: string;
  from: number;
  to: number;
  bucket: MetricBucket;
}

/** Resolves defaults (the last 30 days), checks the range and returns the environment's id. */
export async function resolveMetricRange(
  db: Database,
  projectId: string,
  input: { environment: string; from?: number; to?: number; bucket: MetricBucket },
  now: number,
): Promise<MetricRange & { envId: number; starts: number[] }> {
  const to = input.to ?? now;
  const from = input.from ?? to - 30 * 86_400;
  if (from >= to) throw new CuittyError("VALIDATION_FAILED", `from (${from}) must be before to (${to})`, { fields: ["from"] });
  const buckets = Math.ceil((to - from) / BUCKET_SECONDS[input.bucket]) + 1;
  if (buckets > MAX_METRIC_BUCKETS) {
    throw new CuittyError("VALIDATION_FAILED", `the range spans ${buckets} ${input.bucket} buckets; at most ${MAX_METRIC_BUCKETS}`, {
      fields: ["bucket"],
    });
  }
  const { rows } = await db.clients.deploys.execute({
    sql: "SELECT id FROM environments WHERE project_id = ? AND name = ?",
    args: [projectId, input.environment],
  });
  if (!rows[0]) throw new CuittyError("NOT_FOUND", `there is no environment named ${input.environment} in this project`);
  return {
    environment: input.environment,
    from,
    to,
    bucket: input.bucket,
    envId: Number(rows[0].id),
    starts: bucketStarts(from, to, input.bucket),
  };
}

export interface DoraMetrics {
  environment: string;
  from: number;
  to: number;
  bucket: MetricBucket;
  deploymentFrequency: { count: number; perDay: number; series: { start: number; count: number }[] };
  leadTime: {
    medianSeconds: number | null;
    p90Seconds: number | null;
    samples: number;
    series: { start: number; medianSeconds: number | null; samples: number }[];
  };
  /** Over deploys that went live in the range; `failedRuns`: runs that failed before going live, beside it. */
  changeFailureRate: {
    rate: number | null;
    failures: number;
    total: number;
    failedRuns: number;
    series: { start: number; rate: number | null; failures: number; total: number; failedRuns: number }[];
  };
  timeToRestore: {
    medianSeconds: number | null;
    p90Seconds: number | null;
    samples: number;
    /** Outages not ended before `to`, whenever they began: 0 or 1, since open failures overlap into one. */
    unrestored: number;
    /** When the open outage began, if there is one. */
    openSince: number | null;
    series: { start: number; medianSeconds: number | null; samples: number }[];
  };
  bands: Record<"deploymentFrequency" | "leadTime" | "changeFailureRate" | "timeToRestore", DoraBand | null>;
}

export async function doraMetrics(
  db: Database,
  projectId: string,
  input: { environment: string; from?: number; to?: number; bucket: MetricBucket },
  now: number,
): Promise<DoraMetrics> {
  const r = await resolveMetricRange(db, projectId, input, now);
  const args = [r.envId, r.from, r.to];
  const bLive = bucketSql("d.live_at", r.bucket);

  // Lead time for changes, per commit (leadTimeSamples).
  const live = await sampleStats(db, leadTimeSamples(r.bucket), [...args, projectId]);
  const freq = rowsOf<{ b: number; n: number }>(
    await db.clients.deploys.execute({
      sql: `SELECT ${bLive} AS b, count(*) AS n FROM deploys d WHERE d.env_id = ?1 AND d.live_at >= ?2 AND d.live_at < ?3 GROUP BY 1`,
      args,
    }),
  );

  // Change failure rate over the changes that reached production: deploys that went live in the range (index
  // env_id, live_at), each at its go-live, failed when later rolled back, marked bad or failing its health
  // checks. Runs that failed before going live (by their failure time; cancelled and skipped are not failures)
  // never touched production: they are their own figure, `failedRuns`.
  const finished = `finished AS (
      SELECT d.live_at AS t, 1 AS went, (d.status = 'rolled_back' OR d.marked_bad_at IS NOT NULL OR d.health_status = 'failing') AS bad
        FROM deploys d WHERE d.env_id = ?1 AND d.live_at >= ?2 AND d.live_at < ?3
      UNION ALL
      SELECT d.completed_at AS t, 0 AS went, 0 AS bad FROM deploys d
        WHERE d.env_id = ?1 AND d.live_at IS NULL AND d.status IN ('failed', 'rolled_back')
          AND d.completed_at >= ?2 AND d.completed_at < ?3 AND NOT ${NOT_A_CHANGE})`;
  const cfr = rowsOf<{ b: number; total: number; failures: number; runs: number }>(
    await db.clients.deploys.execute({
      sql: `WITH ${finished}
            SELECT ${bucketSql("t", r.bucket)} AS b, sum(went) AS total, sum(bad) AS failures, sum(1 - went) AS runs FROM finished GROUP BY 1
            UNION ALL SELECT ${RANGE_KEY}, coalesce(sum(went), 0), coalesce(sum(bad), 0), coalesce(sum(1 - went), 0) FROM finished`,
      args,
    }),
  );

  // Time to restore (RESTORE_CTES). The outages are computed once and read as one JSON value; restored ones (grouped by end, from the range's
  // start on) are the samples, and the earliest start of those not ended is the open outage.
  const outages = JSON.parse(
    String(
      (await db.clients.deploys.execute({ sql: `WITH ${RESTORE_CTES} SELECT json_group_array(json_array(s, e)) FROM outages`, args }))
        .rows[0]?.[0] ?? "[]",
    ),
  ) as [number, number | null][];
  const restoredSince = new Map<number, number>();
  let open: number | null = null;
  for (const [s, e] of outages) {
    if (e === null) open = open === null ? s : Math.min(open, s);
    else if (e >= r.from) restoredSince.set(e, Math.min(restoredSince.get(e) ?? s, s));
  }
  const restores = new SampleGroups();
  for (const [e, s] of restoredSince) restores.add(null, bucketOf(e, r.bucket), e - s);
  const ttr = restores.statsRows();

  const byBucket = <T extends { b: number }>(rows: T[]) => new Map(rows.map((x) => [Number(x.b), x]));
  const liveBy = byBucket(live);
  const freqBy = byBucket(freq);
  const cfrBy = byBucket(cfr);
  const ttrBy = byBucket(ttr);
  const count = freq.reduce((s, x) => s + Number(x.n), 0);
  const perDay = count / ((r.to - r.from) / 86_400);
  const rate = (x?: { total: number; failures: number }) => (x && Number(x.total) > 0 ? Number(x.failures) / Number(x.total) : null);
  const lt = liveBy.get(RANGE_KEY);
  const tr = ttrBy.get(RANGE_KEY);
  const cf = cfrBy.get(RANGE_KEY);
  const changeFailureRate = rate(cf);
  return {
    environment: r.environment,
    from: r.from,
    to: r.to,
    bucket: r.bucket,
    deploymentFrequency: { count, perDay, series: r.starts.map((start) => ({ start, count: Number(freqBy.get(start)?.n ?? 0) })) },
    leadTime: {
      medianSeconds: lt?.median ?? null,
      p90Seconds: lt?.p90 ?? null,
      samples: lt?.n ?? 0,
      series: r.starts.map((start) => ({ start, medianSeconds: liveBy.get(start)?.median ?? null, samples: liveBy.get(start)?.n ?? 0 })),
    },
    changeFailureRate: {
      rate: changeFailureRate,
      failures: Number(cf?.failures ?? 0),
      total: Number(cf?.total ?? 0),
      failedRuns: Number(cf?.runs ?? 0),
      series: r.starts.map((start) => {
        const x = cfrBy.get(start);
        return { start, rate: rate(x), failures: Number(x?.failures ?? 0), total: Number(x?.total ?? 0), failedRuns: Number(x?.runs ?? 0) };
      }),
    },
    timeToRestore: {
      medianSeconds: tr?.median ?? null,
      p90Seconds: tr?.p90 ?? null,
      samples: tr?.n ?? 0,
      unrestored: open === null || open === undefined ? 0 : 1,
      openSince: open === null || open === undefined ? null : Number(open),
      series: r.starts.map((start) => ({ start, medianSeconds: ttrBy.get(start)?.median ?? null, samples: ttrBy.get(start)?.n ?? 0 })),
    },
    bands: doraBands({
      deploysPerDay: perDay,
      leadTimeSeconds: lt?.median ?? null,
      changeFailureRate,
      timeToRestoreSeconds: tr?.median ?? null,
    }),
  };
}
