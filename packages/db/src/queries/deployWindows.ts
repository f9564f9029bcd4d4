// The before/after windows of docs/design.md §5 around a deploy's go-live time t, as a SQL fragment shared by
// deploys.regression and deploys.correlations (both must see exactly the same snapshots).
import { CuittyError } from "@cuitty/core";
import type { Database, ModuleName } from "../connection.js";

/** One hour, the widest a window reaches on either side of the go-live time. */
const WINDOW_SECONDS = 3600;

/**
 * `WITH w AS (...)`: one row for the deploy (id ?1, project ?2) with `t` (go-live), `env` (name),
 * `lo` = max(t − 1 h, previous go-live in the environment) and `hi` = min(t + 1 h, next go-live).
 * `t`, `lo` and `hi` are null when the deploy never went live. No row when it does not exist.
 * Previous/next go-live use the deploys_env_live_idx index (env_id, live_at).
 */
export function deployWindowsCte(schemas: Record<ModuleName, string>): string {
  const d = schemas.deploys;
  return `
w0 AS (
  SELECT dp.id AS id, dp.live_at AS t, dp.commit_sha AS commit_sha, dp.env_id AS env_id, e.name AS env,
    (SELECT MAX(p.live_at) FROM ${d}.deploys p WHERE p.env_id = dp.env_id AND p.live_at < dp.live_at) AS prev_live,
    (SELECT MIN(n.live_at) FROM ${d}.deploys n WHERE n.env_id = dp.env_id AND n.live_at > dp.live_at) AS next_live
  FROM ${d}.deploys dp JOIN ${d}.environments e ON e.id = dp.env_id
  WHERE dp.id = ?1 AND dp.project_id = ?2
),
w AS (
  SELECT w0.*,
    MAX(t - ${WINDOW_SECONDS}, COALESCE(prev_live, t - ${WINDOW_SECONDS})) AS lo,
    MIN(t + ${WINDOW_SECONDS}, COALESCE(next_live, t + ${WINDOW_SECONDS})) AS hi
  FROM w0
)`;
}

/** A deploy's environment and windows as deployWindowsCte computes them (for sources outside SQL, e.g. Prometheus). */
interface DeployWindows {
  deployId: number;
  environment: string;
  envId: number;
  /** Go-live time; null (and lo, hi null) when the deploy never went live. */
  t: number | null;
  lo: number | null;
  hi: number | null;
}

export async function deployWindows(db: Database, projectId: string, deployId: number): Promise<DeployWindows> {
  await db.cross.ensureAttached();
  const { rows } = await db.cross.client.execute({
    sql: `WITH ${deployWindowsCte(db.cross.schemas)} SELECT id, env, env_id, t, lo, hi FROM w`,
    args: [deployId, projectId],
  });
  const r = rows[0];
  if (!r) throw new CuittyError("NOT_FOUND", `deploy #${deployId} does not exist in this project`);
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { deployId, environment: String(r.env), envId: Number(r.env_id), t: n(r.t), lo: n(r.lo), hi: n(r.hi) };
}
