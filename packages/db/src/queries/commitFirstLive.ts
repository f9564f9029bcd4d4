// Each commit's first go-live per environment (table commit_first_live), which lead time reads (dora.ts): kept
// by every transition that makes a (deploy, commit) pair both live and known, so the order events arrive in
// does not matter. Go-lives are entered once (a deploy's live_at never changes), so the minimum is final.
import type { SqlExecutor } from "./sqlViews.js";

/**
 * Records the commits of deploy ?1, if it went live, at its go-live where that is the earliest in its environment
 * (a tie goes to the lower deploy id). One constant statement, so the hot path prepares it once; migration 0010
 * fills the table with the same rule.
 */
const record = (deploys: string) => `INSERT INTO commit_first_live (project_id, env_id, sha, committed_at, live_at, deploy_id)
  SELECT c.project_id, d.env_id, c.sha, c.committed_at, d.live_at, d.id
    FROM deploys d JOIN deploy_commits c ON c.deploy_id = d.id WHERE d.id ${deploys} AND d.live_at IS NOT NULL
  ON CONFLICT (env_id, sha) DO UPDATE SET live_at = excluded.live_at, committed_at = excluded.committed_at, deploy_id = excluded.deploy_id
    WHERE excluded.live_at < commit_first_live.live_at
       OR (excluded.live_at = commit_first_live.live_at AND excluded.deploy_id < commit_first_live.deploy_id)`;
const RECORD = record("= ?1");
/** The same for a list of deploys given as a JSON array (one statement for a batch; the rule keeps the minimum, so order does not matter). */
const RECORD_MANY = record("IN (SELECT value FROM json_each(?1))");

export async function recordFirstLiveIn(tx: SqlExecutor, deployId: number): Promise<void> {
  await tx.execute({ sql: RECORD, args: [deployId] });
}

export async function recordFirstLiveManyIn(tx: SqlExecutor, deployIds: number[]): Promise<void> {
  if (deployIds.length > 0) await tx.execute({ sql: RECORD_MANY, args: [JSON.stringify(deployIds)] });
}
