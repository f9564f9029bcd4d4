// The four DORA metrics of one environment over a range, each as a figure and a series per UTC bucket, in SQL
// over the deploys indexes (env_id, live_at), the partial ones of migration 0011 (failed changes, failed runs,
// deploys without listed commits) and commit_first_live. The definitions: README, "DORA metrics".
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
import { RANGE_KEY, bucketSql, pack, packSql, packedStats } from "./metricStats.js";
import { rowsOf } from "./sqlViews.js";

/** Failed runs with these reasons were stopped, not broken (docs/design.md §6): not change failures, not finished changes. */
const NOT_A_CHANGE = `(d.status = 'failed' AND d.marked_bad_at IS NULL AND coalesce(d.reason, '') IN (${NOT_A_CHANGE_REASONS.map((r) => `'${r}'`).join(", ")}))`;
/**
 * A deploy that went live and was later rolled back, marked bad, or failed its health checks. Written as the
 * condition of the partial index deploys_env_failed_change_idx (schema/deploys.ts), so a query that has it as a
 * term of its WHERE reads only the failed changes.
 */
const FAILED_CHANGE = (d: string) => `(${d}.status = 'rolled_back' OR ${d}.marked_bad_at IS NOT NULL OR ${d}.health_status = 'failing')`;
/** Stands for "no end yet" inside min(); SQLite's min(a, b) is null when either is. */
const NEVER = "9223372036854775807";

/**
 * Lead time per commit (Four Keys), in one environment (?1 env id, ?2 from, ?3 to, ?4 project id): each commit at
 * its first go-live in the environment, from its commit time to that go-live (a rolled back change counts where it
 * first went live), read from commit_first_live (commitFirstLive.ts). A deploy that listed no commits
 * (`commits_listed` 0: no rows in deploy_commits) stands for its head commit. Two sources, each `[alias, FROM …]`,
 * both read from a covering index; `live_at` and `committed_at` are the go-live and the commit time.
 */
const LEAD_SOURCES = [
  ["f", "FROM commit_first_live f WHERE f.env_id = ?1 AND f.live_at >= ?2 AND f.live_at < ?3 AND f.project_id = ?4"],
  [
    "d",
    "FROM deploys d WHERE d.env_id = ?1 AND d.commits_listed = 0 AND d.live_at >= ?2 AND d.live_at < ?3 AND d.committed_at IS NOT NULL",
  ],
] as const;
const leadSeconds = (t: string) => `max(0, ${t}.live_at - ${t}.committed_at)`;

/** Lead time samples `(b, v)` (LEAD_SOURCES), as a CTE `samples`: the org roll-up reads them. */
export function leadTimeSamples(bucket: MetricBucket): string {
  const select = ([t, from]: (typeof LEAD_SOURCES)[number]) =>
    `SELECT ${bucketSql(`${t}.live_at`, bucket)} AS b, ${leadSeconds(t)} AS v ${from}`;
  return `samples AS (${LEAD_SOURCES.map(select).join(" UNION ALL ")})`;
}

/**
 * Lead time's stats per bucket and over the range: each source's samples packed (metricStats.ts, PACK) as one JSON
 * array, read straight from its index (no CTE between: a compound query's rows cost more to pass on than to read).
 */
async function leadTimeStats(db: Database, r: MetricRange & { envId: number; starts: number[] }, projectId: string) {
  const first = r.starts[0] ?? 0;
  const arrays = LEAD_SOURCES.map(
    ([t, from]) => `(SELECT json_group_array(${packSql(leadSeconds(t), `${t}.live_at`, first, r.bucket)}) ${from})`,
  );
  const { rows } = await db.clients.deploys.execute({ sql: `SELECT ${arrays.join(", ")}`, args: [r.envId, r.from, r.to, projectId] });
  const samples = LEAD_SOURCES.flatMap((_, i) => JSON.parse(String(rows[0]?.[i] ?? "[]")) as number[]);
  return packedStats(samples, r.starts);
}

// Time to restore (README, DORA): an outage starts when a failed change goes live (at its first failing
// probe instead, when it failed its health checks and a probe is recorded) and ends at the first moment at or
// after that when the environment is healthy again: a healthy deploy going live, or a rollback to a healthy
// deploy. Overlapping failures share that end, so one outage is one group per end. Restored outages count
// where they end; an outage not ended before `to` is open, however long ago it began.
// The failed changes are read from their partial index; the next healthy go-live after each start is one seek in
// (env_id, live_at) (the first deploy after a failure is nearly always healthy); the next rollback to a healthy
// deploy is found by one sweep over starts and rollbacks sorted together, latest first (a rollback at the same
// second as a start comes first, so it ends that outage), keeping the earliest rollback seen so far.
// Outages that start at or before the last healthy go-live before `from` (`settled`) ended by then, before the
// range: they are left out, so the work grows with the range, not with the environment's history.
// Arguments: ?1 env id, ?2 from, ?3 to.
const RESTORE_CTES = `settled AS MATERIALIZED (
      SELECT coalesce(max(h.live_at), -1) AS l FROM deploys h WHERE h.env_id = ?1 AND h.live_at < ?2 AND NOT ${FAILED_CHANGE("h")}),
    failures AS MATERIALIZED (
      SELECT CASE WHEN d.health_status = 'failing' THEN coalesce((SELECT min(h.checked_at) FROM health_checks h
                WHERE h.deploy_id = d.id AND h.ok = 0 AND h.checked_at >= d.live_at), d.live_at) ELSE d.live_at END AS s
        FROM deploys d WHERE d.env_id = ?1 AND ${FAILED_CHANGE("d")} AND d.live_at < ?3
          AND (d.live_at > (SELECT l FROM settled) OR d.health_status = 'failing')),
    rollbacks AS MATERIALIZED (
      SELECT ev.occurred_at AS t FROM deploys d
        CROSS JOIN deploy_events ev ON ev.deploy_id = d.id AND ev.to_status = 'rolled_back'
        JOIN deploys tg ON tg.id = ev.rollback_target_id
        WHERE d.env_id = ?1 AND ${FAILED_CHANGE("d")} AND d.status = 'rolled_back' AND ev.occurred_at < ?3
          AND ev.occurred_at > (SELECT l FROM settled) AND NOT ${FAILED_CHANGE("tg")}),
    swept AS (
      SELECT t, rollback, min(CASE WHEN rollback THEN t END) OVER (ORDER BY t DESC, rollback DESC ROWS UNBOUNDED PRECEDING) AS rb
        FROM (SELECT s AS t, 0 AS rollback FROM failures WHERE s < ?3 AND s > (SELECT l FROM settled) UNION ALL SELECT t, 1 FROM rollbacks)),
    outages AS MATERIALIZED (
      SELECT f.t AS s, nullif(min(
          coalesce((SELECT min(h.live_at) FROM deploys h WHERE h.env_id = ?1 AND h.live_at >= f.t AND h.live_at < ?3
            AND NOT ${FAILED_CHANGE("h")}), ${NEVER}),
          coalesce(f.rb, ${NEVER})), ${NEVER}) AS e
      FROM swept f WHERE NOT f.rollback),
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

  // Lead time for changes, per commit (LEAD_SOURCES).
  const live = await leadTimeStats(db, r, projectId);

  // Deployment frequency and change failure rate, counted per bucket (one index range each, no sort): deploys that
  // went live (index env_id, live_at), each at its go-live, and those of them that failed later (rolled back,
  // marked bad or failing its health checks; their partial index). Runs that failed before going live (by their
  // failure time, their partial index; cancelled and skipped are not failures) never touched production: they are
  // their own figure, `failedRuns`. ?4: the bucket starts, ?5: the bucket's length; the range row is their sum.
  const within = (t: string) => `${t} >= max(?2, s.value) AND ${t} < min(?3, s.value + ?5)`;
  const counts = rowsOf<{ b: number; total: number; failures: number; runs: number }>(
    await db.clients.deploys.execute({
      sql: `SELECT s.value AS b,
              (SELECT count(*) FROM deploys d WHERE d.env_id = ?1 AND ${within("d.live_at")}) AS total,
              (SELECT count(*) FROM deploys d WHERE d.env_id = ?1 AND ${FAILED_CHANGE("d")} AND ${within("d.live_at")}) AS failures,
              (SELECT count(*) FROM deploys d INDEXED BY deploys_env_failed_runs_idx
                WHERE d.env_id = ?1 AND d.live_at IS NULL AND d.status IN ('failed', 'rolled_back')
                AND ${within("d.completed_at")} AND NOT ${NOT_A_CHANGE}) AS runs
            FROM json_each(?4) s`,
      args: [...args, JSON.stringify(r.starts), BUCKET_SECONDS[r.bucket]],
    }),
  );
  const sum = (k: "total" | "failures" | "runs") => counts.reduce((n, x) => n + Number(x[k]), 0);
  const cfr = [...counts, { b: RANGE_KEY, total: sum("total"), failures: sum("failures"), runs: sum("runs") }];

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
  const first = r.starts[0] ?? 0;
  const ttr = packedStats(
    Array.from(restoredSince, ([e, s]) => pack(e - s, e, first, r.bucket)),
    r.starts,
  );

  const byBucket = <T extends { b: number }>(rows: T[]) => new Map(rows.map((x) => [Number(x.b), x]));
  const liveBy = byBucket(live);
  const cfrBy = byBucket(cfr);
  const ttrBy = byBucket(ttr);
  const cf = cfrBy.get(RANGE_KEY);
  const count = Number(cf?.total ?? 0);
  const perDay = count / ((r.to - r.from) / 86_400);
  const rate = (x?: { total: number; failures: number }) => (x && Number(x.total) > 0 ? Number(x.failures) / Number(x.total) : null);
  const lt = liveBy.get(RANGE_KEY);
  const tr = ttrBy.get(RANGE_KEY);
  const changeFailureRate = rate(cf);
  return {
    environment: r.environment,
    from: r.from,
    to: r.to,
    bucket: r.bucket,
    deploymentFrequency: { count, perDay, series: r.starts.map((start) => ({ start, count: Number(cfrBy.get(start)?.total ?? 0) })) },
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
