// Which deploys may be rolled back, and to what: the one rule the rollback writes enforce and the deploy view
// reports (`rollbackable`), so clients offer rollback exactly where the server accepts it.
//
// A rollback moves the environment's current deploy to the target, so it only makes sense for the deploy that
// is in charge: a live deploy only while it is the environment's current deploy; a failed deploy only while no
// deploy of its environment went live after it started. The target must have gone live before the deploy (its
// go-live, or its start for a failed deploy); ties in the same second go by id, the order deploys were created.
import { CuittyError, type DeployStatus, decideTransition } from "@cuitty/core";
import { type SqlExecutor, firstRow } from "./sqlViews.js";

export interface RollbackStanding {
  id: number;
  envId: number;
  environment: string;
  status: DeployStatus;
  startedAt: number | null;
  /** The go-live time, or the start of a deploy that never went live: targets must predate it. */
  since: number;
  currentDeployId: number | null;
  /** The latest deploy of the environment that went live after `since` (null: none). */
  laterLiveId: number | null;
  /** The target a rollback without one goes to (docs/design.md §2, restricted to earlier go-lives). */
  defaultTargetId: number | null;
}

/** `o` went live before the deploy `d` (by `since`, then by id). */
const EARLIER = (o: string) => `(${o}.live_at < s.since OR (${o}.live_at = s.since AND ${o}.id < s.id))`;
const LATER = (o: string) => `(${o}.live_at > s.since OR (${o}.live_at = s.since AND ${o}.id > s.id))`;

export async function rollbackStanding(ex: SqlExecutor, projectId: string, deployId: number): Promise<RollbackStanding | undefined> {
  return firstRow<RollbackStanding>(ex, {
    sql: `WITH s AS (
            SELECT d.id, d.env_id, d.status, d.started_at, coalesce(d.live_at, d.started_at, 0) AS since,
              e.name, e.current_deploy_id
            FROM deploys d JOIN environments e ON e.id = d.env_id WHERE d.id = ?1 AND d.project_id = ?2)
          SELECT s.id, s.env_id AS envId, s.name AS environment, s.status, s.started_at AS startedAt, s.since,
            s.current_deploy_id AS currentDeployId,
            (SELECT o.id FROM deploys o WHERE o.env_id = s.env_id AND o.id != s.id AND o.live_at IS NOT NULL AND ${LATER("o")}
              ORDER BY o.live_at DESC, o.id DESC LIMIT 1) AS laterLiveId,
            (SELECT t.id FROM deploys t WHERE t.env_id = s.env_id AND t.id != s.id AND t.live_at IS NOT NULL
              AND t.status != 'rolled_back' AND t.marked_bad_at IS NULL AND ${EARLIER("t")}
              ORDER BY t.live_at DESC, t.id DESC LIMIT 1) AS defaultTargetId
          FROM s`,
    args: [deployId, projectId],
  });
}

/** Why the deploy may not be rolled back now (status or superseded), or null when it may. */
export function rollbackRefusal(s: RollbackStanding): CuittyError | null {
  if (decideTransition(s.status, "rolled_back").kind !== "advance") {
    return new CuittyError("INVALID_TRANSITION", `deploy #${s.id} cannot go from ${s.status} to rolled_back`, {
      from: s.status,
      to: "rolled_back",
    });
  }
  const superseded = s.status === "live" ? s.currentDeployId !== s.id : s.laterLiveId !== null;
  if (!superseded) return null;
  const current = s.currentDeployId === null ? "none" : `#${s.currentDeployId}`;
  return new CuittyError(
    "INVALID_TRANSITION",
    `deploy #${s.id} cannot go from ${s.status} to rolled_back: a later deploy of ${s.environment} superseded it ` +
      `(current deploy: ${current}); roll back the current deploy instead`,
    { from: s.status, to: "rolled_back", currentDeployId: s.currentDeployId },
  );
}

/** Refuses a target that went live after the deploy (or at all later than it started, for a failed one). */
export function checkTargetPredates(s: RollbackStanding, target: { id: number; liveAt: number }): void {
  if (target.liveAt > s.since || (target.liveAt === s.since && target.id > s.id)) {
    throw new CuittyError(
      "INVALID_ROLLBACK_TARGET",
      `rollback target #${target.id} went live after deploy #${s.id}; a rollback goes back to an earlier deploy`,
    );
  }
}
