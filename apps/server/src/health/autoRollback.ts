// The auto-rollback of a deploy whose health checks failed: roll back to the default target (DESIGN §2),
// write an audit entry saying why, and queue the environment's rollback hooks. Safe to repeat.
import { CuittyError } from "@cuitty/core";
import { type Database, enqueueRollbackHooks, getDeploy, listHealthChecks, recordAuditEntries, rollbackDeploy } from "@cuitty/db";

export const HEALTH_ACTOR = "cuitty:health-check";

export type AutoRollbackOutcome =
  | { kind: "rolled_back"; targetId: number | null; reason: string }
  | { kind: "no_target"; reason: string }
  | { kind: "already_done" };

/** "3 consecutive failed health probes (last: HTTP 503)": the reason kept on the deploy, its event and the audit. */
export function failureReason(checks: { ok: boolean; statusCode: number | null; error: string | null }[]): string {
  let streak = 0;
  for (let i = checks.length - 1; i >= 0 && !checks[i]!.ok; i--) streak++;
  const last = checks.at(-1);
  const lastText = last ? (last.error ?? (last.statusCode !== null ? `HTTP ${last.statusCode}` : "failed")) : "no probe";
  return `health checks failed: ${streak} consecutive failed probe${streak === 1 ? "" : "s"} (last: ${lastText})`;
}

export async function autoRollback(
  db: Database,
  projectId: string,
  deployId: number,
  opts: { nowMs: number; githubApiUrl: string },
): Promise<AutoRollbackOutcome> {
  const now = Math.floor(opts.nowMs / 1000);
  const checks = await listHealthChecks(db, deployId);
  const reason = failureReason(checks);
  const before = await getDeploy(db, projectId, deployId);
  let outcome: AutoRollbackOutcome;
  try {
    const result = await rollbackDeploy(db, projectId, { deployId, reason, actor: HEALTH_ACTOR }, now);
    outcome = { kind: "rolled_back", targetId: result.deploy.rollbackTargetId, reason };
  } catch (error) {
    if (!(error instanceof CuittyError)) throw error;
    if (error.code === "INVALID_TRANSITION") return { kind: "already_done" }; // another server or an admin was first
    if (error.code !== "INVALID_ROLLBACK_TARGET") throw error;
    outcome = { kind: "no_target", reason: `${reason}; not rolled back: ${error.message}` };
  }
  await recordAuditEntries(
    db,
    projectId,
    [
      {
        // A fixed id: a repeat after a crash or by another server is deduplicated.
        id: `cuitty:auto-rollback:${deployId}`,
        environment: before.environment,
        actor: HEALTH_ACTOR,
        action: outcome.kind === "rolled_back" ? "deploy.auto_rollback" : "deploy.auto_rollback_skipped",
        target: `deploy:${deployId}`,
        occurredAt: now,
        deployId,
        commitSha: before.commitSha ?? undefined,
        metadata: {
          reason: outcome.reason,
          rollbackTargetId: outcome.kind === "rolled_back" ? outcome.targetId : null,
          probes: checks.slice(-10),
        },
      },
    ],
    now,
  );
  if (outcome.kind === "rolled_back") {
    await enqueueRollbackHooks(db, projectId, deployId, { automatic: true, nowMs: opts.nowMs, githubApiUrl: opts.githubApiUrl });
  }
  return outcome;
}
