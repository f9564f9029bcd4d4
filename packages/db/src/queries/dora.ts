// The four DORA metrics of one environment over a range, each as a figure and a series per UTC bucket, in SQL
// over the deploys indexes (env_id, live_at) and (env_id, started_at, id).
import {
  BUCKET_SECONDS,
  CuittyError,
  type DoraBand,
  MAX_METRIC_BUCKETS,
  type MetricBucket,
  bucketStarts,
  doraBands,
} from "@cuitty/core";
import type { Database } from "../connection.js";
import { RANGE_KEY, bucketSql, sampleStats } from "./metricStats.js";
import { rowsOf } from "./sqlViews.js";

/** How far before the range a failure may lie and still count for a restore inside it. */
export const RESTORE_LOOKBACK_SECONDS = 90 * 86_400;

/** Failed runs with these reasons were stopped, not broken (DESIGN §6): not change failures, not finished changes. */
export const NOT_A_CHANGE_REASONS = ["cancelled", "skipped"] as const;
const NOT_A_CHANGE = `(d.status = 'failed' AND d.marked_bad_at IS NULL AND coalesce(d.reason, '') IN ('cancelled', 'skipped'))`;

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
  return { environment: input.environment, from, to, bucket: input.bucket, envId: Number(rows[0].id), starts: bucketStarts(from, to, input.bucket) };
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
  changeFailureRate: {
    rate: number | null;
    failures: number;
    total: number;
    series: { start: number; rate: number | null; failures: number; total: number }[];
  };
  timeToRestore: {
    medianSeconds: number | null;
    p90Seconds: number | null;
    samples: number;
    /** Failures in the range not yet followed by a healthy go-live (before `to`). */
    unrestored: number;
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

  // Deployment frequency and lead time: deploys that reached live in the range (index env_id, live_at).
  const live = await sampleStats(
    db,
    `samples AS (SELECT ${bLive} AS b, max(0, d.live_at - d.committed_at) AS v FROM deploys d
       WHERE d.env_id = ?1 AND d.live_at >= ?2 AND d.live_at < ?3 AND d.committed_at IS NOT NULL)`,
    args,
  );
  const freq = rowsOf<{ b: number; n: number }>(
    await db.clients.deploys.execute({
      sql: `SELECT ${bLive} AS b, count(*) AS n FROM deploys d WHERE d.env_id = ?1 AND d.live_at >= ?2 AND d.live_at < ?3 GROUP BY 1`,
      args,
    }),
  );

  // Change failure rate per finished deploy, at its finish time: go-live for those that went live (index
  // env_id, live_at), else failure time (index prefix env_id, live_at IS NULL).
  const finished = `finished AS (
      SELECT d.live_at AS t, (d.status = 'rolled_back' OR d.marked_bad_at IS NOT NULL) AS bad FROM deploys d
        WHERE d.env_id = ?1 AND d.live_at >= ?2 AND d.live_at < ?3
      UNION ALL
      SELECT d.completed_at AS t, 1 AS bad FROM deploys d
        WHERE d.env_id = ?1 AND d.live_at IS NULL AND d.status IN ('failed', 'rolled_back')
          AND d.completed_at >= ?2 AND d.completed_at < ?3 AND NOT ${NOT_A_CHANGE})`;
  const cfr = rowsOf<{ b: number; total: number; failures: number }>(
    await db.clients.deploys.execute({
      sql: `WITH ${finished} SELECT ${bucketSql("t", r.bucket)} AS b, count(*) AS total, sum(bad) AS failures FROM finished GROUP BY 1
            UNION ALL SELECT ${RANGE_KEY}, count(*), coalesce(sum(bad), 0) FROM finished`,
      args,
    }),
  );

  // Time to restore: failures (a failed run, a rollback, a go-live later marked bad), each restored by the
  // next healthy go-live in the environment; failures restored by the same go-live form one incident, timed
  // from its first failure. Samples are incidents restored inside the range.
  const restoreCtes = `failures AS (
      SELECT d.completed_at AS t FROM deploys d
        WHERE d.env_id = ?1 AND d.live_at IS NULL AND d.status IN ('failed', 'rolled_back')
          AND d.completed_at >= ?4 AND d.completed_at < ?3 AND NOT ${NOT_A_CHANGE}
      UNION ALL
      SELECT CASE WHEN d.status = 'rolled_back' THEN coalesce((SELECT max(ev.occurred_at) FROM deploy_events ev
                WHERE ev.deploy_id = d.id AND ev.to_status = 'rolled_back'), d.live_at) ELSE d.live_at END AS t
        FROM deploys d WHERE d.env_id = ?1 AND d.live_at >= ?4 AND d.live_at < ?3
          AND (d.status = 'rolled_back' OR d.marked_bad_at IS NOT NULL)),
    incidents AS (
      SELECT f.t, (SELECT min(h.live_at) FROM deploys h WHERE h.env_id = ?1 AND h.live_at >= f.t
          AND h.status != 'rolled_back' AND h.marked_bad_at IS NULL AND h.health_status != 'failing') AS restored
      FROM failures f WHERE f.t < ?3),
    restores AS (SELECT restored, min(t) AS first FROM incidents WHERE restored >= ?2 AND restored < ?3 GROUP BY restored)`;
  const restoreArgs = [...args, r.from - RESTORE_LOOKBACK_SECONDS];
  const ttr = await sampleStats(
    db,
    `${restoreCtes}, samples AS (SELECT ${bucketSql("restored", r.bucket)} AS b, restored - first AS v FROM restores)`,
    restoreArgs,
  );
  const unrestored = await db.clients.deploys.execute({
    sql: `WITH ${restoreCtes} SELECT count(*) AS n FROM incidents WHERE t >= ?2 AND (restored IS NULL OR restored >= ?3)`,
    args: restoreArgs,
  });

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
      series: r.starts.map((start) => {
        const x = cfrBy.get(start);
        return { start, rate: rate(x), failures: Number(x?.failures ?? 0), total: Number(x?.total ?? 0) };
      }),
    },
    timeToRestore: {
      medianSeconds: tr?.median ?? null,
      p90Seconds: tr?.p90 ?? null,
      samples: tr?.n ?? 0,
      unrestored: Number(unrestored.rows[0]!.n),
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
