// deploys.regression (DESIGN §5): p99 before vs after a deploy's go-live, per metric, in one SQL query
// across deploys.db and perf.db (attached), with the verdicts computed in the same query.
import { CuittyError } from "@cuitty/core";
import type { Database, ModuleName } from "../connection.js";
import { deployWindowsCte } from "./deployWindows.js";

export const REGRESSION_VERDICTS = ["regressed", "improved", "unchanged", "insufficient_data"] as const;
export type RegressionVerdict = (typeof REGRESSION_VERDICTS)[number];

/** Fewer samples than this on either side make a metric `insufficient_data`. */
export const MIN_SAMPLES_PER_SIDE = 100;

export interface MetricRegression {
  metric: string;
  /** Sample-weighted mean of the snapshots' p99 (ms); null when the side has no samples. */
  p99Before: number | null;
  p99After: number | null;
  /** (after − before) / before × 100; null when either side is empty or before is 0. */
  deltaPercent: number | null;
  samplesBefore: number;
  samplesAfter: number;
  verdict: RegressionVerdict;
}

export interface RegressionResult {
  deployId: number;
  verdict: RegressionVerdict;
  threshold: number;
  /** The go-live time t (null if the deploy never went live: then there is nothing to compare). */
  liveAt: number | null;
  /** The windows used: before = [before.from, before.to), after = [after.from, after.to). */
  windows: { before: { from: number; to: number }; after: { from: number; to: number } } | null;
  metrics: MetricRegression[];
}

/**
 * The one query. ?1 deploy id, ?2 project id, ?3 metric (or null for all), ?4 threshold in percent.
 * The join on perf_snapshots is a range scan of perf_snapshots_env_window_idx
 * (project_id, environment, window_start, …) over [lo, hi).
 */
export function regressionSql(schemas: Record<ModuleName, string>): string {
  return `
WITH ${deployWindowsCte(schemas)},
m AS (
  SELECT s.metric AS metric,
    COALESCE(SUM(CASE WHEN s.window_start < w.t THEN s.samples END), 0) AS samples_before,
    COALESCE(SUM(CASE WHEN s.window_start >= w.t THEN s.samples END), 0) AS samples_after,
    SUM(CASE WHEN s.window_start < w.t THEN s.p99 * s.samples END) * 1.0
      / NULLIF(SUM(CASE WHEN s.window_start < w.t THEN s.samples END), 0) AS p99_before,
    SUM(CASE WHEN s.window_start >= w.t THEN s.p99 * s.samples END) * 1.0
      / NULLIF(SUM(CASE WHEN s.window_start >= w.t THEN s.samples END), 0) AS p99_after
  FROM w JOIN ${schemas.perf}.perf_snapshots s
    ON s.project_id = ?2 AND s.environment = w.env AND s.window_start >= w.lo AND s.window_start < w.hi
  WHERE ?3 IS NULL OR s.metric = ?3
  GROUP BY s.metric
),
v AS (
  SELECT m.*, CASE WHEN p99_before > 0 THEN (p99_after - p99_before) * 100.0 / p99_before END AS delta_percent
  FROM m
)
SELECT w.id AS deploy_id, w.t AS live_at, w.lo AS lo, w.hi AS hi,
  v.metric AS metric, v.samples_before AS samples_before, v.samples_after AS samples_after,
  v.p99_before AS p99_before, v.p99_after AS p99_after, v.delta_percent AS delta_percent,
  CASE
    WHEN v.metric IS NULL THEN NULL
    WHEN v.samples_before < ${MIN_SAMPLES_PER_SIDE} OR v.samples_after < ${MIN_SAMPLES_PER_SIDE} THEN 'insufficient_data'
    WHEN v.p99_before = 0 THEN CASE WHEN v.p99_after > 0 THEN 'regressed' ELSE 'unchanged' END
    WHEN v.delta_percent >= ?4 THEN 'regressed'
    WHEN v.delta_percent <= -?4 THEN 'improved'
    ELSE 'unchanged'
  END AS verdict
FROM w LEFT JOIN v ON 1
ORDER BY v.metric`;
}

/** Overall verdict: regressed if any metric regressed, else improved if any improved, else unchanged, else insufficient_data. */
export function overallVerdict(verdicts: RegressionVerdict[]): RegressionVerdict {
  for (const v of ["regressed", "improved", "unchanged"] as const) if (verdicts.includes(v)) return v;
  return "insufficient_data";
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function deployRegression(
  db: Database,
  projectId: string,
  input: { id: number; metric?: string; threshold?: number },
): Promise<RegressionResult> {
  const threshold = input.threshold ?? 10;
  await db.cross.ensureAttached();
  const { rows } = await db.cross.client.execute({
    sql: regressionSql(db.cross.schemas),
    args: [input.id, projectId, input.metric ?? null, threshold],
  });
  const first = rows[0];
  if (!first) throw new CuittyError("NOT_FOUND", `deploy #${input.id} does not exist in this project`);
  const liveAt = num(first.live_at);
  const metrics: MetricRegression[] = rows
    .filter((r) => r.metric !== null)
    .map((r) => ({
      metric: String(r.metric),
      p99Before: num(r.p99_before),
      p99After: num(r.p99_after),
      deltaPercent: num(r.delta_percent),
      samplesBefore: Number(r.samples_before),
      samplesAfter: Number(r.samples_after),
      verdict: r.verdict as RegressionVerdict,
    }));
  const lo = num(first.lo);
  const hi = num(first.hi);
  return {
    deployId: input.id,
    verdict: overallVerdict(metrics.map((m) => m.verdict)),
    threshold,
    liveAt,
    windows:
      liveAt === null || lo === null || hi === null
        ? null
        : { before: { from: lo, to: liveAt }, after: { from: liveAt, to: hi } },
    metrics,
  };
}
