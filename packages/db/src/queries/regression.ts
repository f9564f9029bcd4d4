// deploys.regression (docs/design.md §5): p99 before vs after a deploy's go-live, per metric, in one SQL query
// across deploys.db and perf.db (attached); the verdict rules below serve every source (snapshots, Prometheus).
import { CuittyError } from "@cuitty/core";
import type { Database, ModuleName } from "../connection.js";
import { deployWindowsCte } from "./deployWindows.js";

const REGRESSION_VERDICTS = ["regressed", "improved", "unchanged", "insufficient_data"] as const;
type RegressionVerdict = (typeof REGRESSION_VERDICTS)[number];

/** Fewer samples than this on either side make a metric `insufficient_data`. */
const MIN_SAMPLES_PER_SIDE = 100;

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

/** Where the numbers came from: pushed perf snapshots, or the environment's Prometheus. */
type RegressionSource = "snapshots" | "prometheus";

export interface RegressionResult {
  deployId: number;
  verdict: RegressionVerdict;
  source: RegressionSource;
  /** Why there is nothing to compare when the source could not answer (Prometheus down, slow, an error); else null. */
  reason: string | null;
  threshold: number;
  /** The go-live time t (null if the deploy never went live: then there is nothing to compare). */
  liveAt: number | null;
  /** The windows used: before = [before.from, before.to), after = [after.from, after.to). */
  windows: { before: { from: number; to: number }; after: { from: number; to: number } } | null;
  metrics: MetricRegression[];
}

/**
 * The one query. ?1 deploy id, ?2 project id, ?3 metric (or null for all).
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
)
SELECT w.id AS deploy_id, w.t AS live_at, w.lo AS lo, w.hi AS hi,
  m.metric AS metric, m.samples_before AS samples_before, m.samples_after AS samples_after,
  m.p99_before AS p99_before, m.p99_after AS p99_after
FROM w LEFT JOIN m ON 1
ORDER BY m.metric`;
}

/** A metric's verdict (docs/design.md §5): too few samples on a side, else by deltaPercent against ±threshold. */
export function metricVerdict(
  m: Pick<MetricRegression, "samplesBefore" | "samplesAfter" | "p99Before" | "p99After" | "deltaPercent">,
  threshold: number,
): RegressionVerdict {
  if (m.samplesBefore < MIN_SAMPLES_PER_SIDE || m.samplesAfter < MIN_SAMPLES_PER_SIDE) return "insufficient_data";
  if (m.p99Before === null || m.p99After === null) return "insufficient_data";
  if (m.p99Before === 0) return m.p99After > 0 ? "regressed" : "unchanged";
  const delta = m.deltaPercent ?? 0;
  if (delta >= threshold) return "regressed";
  if (delta <= -threshold) return "improved";
  return "unchanged";
}

/** (after − before) / before × 100; null when a side is missing or before is 0. */
export function deltaPercent(before: number | null, after: number | null): number | null {
  return before === null || after === null || !(before > 0) ? null : ((after - before) * 100) / before;
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
    args: [input.id, projectId, input.metric ?? null],
  });
  const first = rows[0];
  if (!first) throw new CuittyError("NOT_FOUND", `deploy #${input.id} does not exist in this project`);
  const liveAt = num(first.live_at);
  const metrics: MetricRegression[] = rows
    .filter((r) => r.metric !== null)
    .map((r) => {
      const p99Before = num(r.p99_before);
      const p99After = num(r.p99_after);
      const m = {
        metric: String(r.metric),
        p99Before,
        p99After,
        deltaPercent: deltaPercent(p99Before, p99After),
        samplesBefore: Number(r.samples_before),
        samplesAfter: Number(r.samples_after),
      };
      return { ...m, verdict: metricVerdict(m, threshold) };
    });
  const lo = num(first.lo);
  const hi = num(first.hi);
  return {
    deployId: input.id,
    verdict: overallVerdict(metrics.map((m) => m.verdict)),
    source: "snapshots",
    reason: null,
    threshold,
    liveAt,
    windows: liveAt === null || lo === null || hi === null ? null : { before: { from: lo, to: liveAt }, after: { from: liveAt, to: hi } },
    metrics,
  };
}
