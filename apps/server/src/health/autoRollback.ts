// The auto-rollback of a deploy whose health checks failed: roll back to the default target (docs/design.md §2),
// write an audit entry saying why, and queue the environment's rollback hooks, all in the rollback's transaction.
import { CuittyError } from "@cuitty/core";
import {
  type Database,
  type OwedAuditEntry,
  copyAuditOutbox,
  getDeploy,
  listHealthChecks,
  recordAuditEntries,
  rollbackDeploy,
} from "@cuitty/db";
import type { CrashAfter } from "../crashPoint.js";

const HEALTH_ACTOR = "cuitty:health-check";

export type AutoRollbackOutcome =
  | { kind: "rolled_back"; targetId: number | null; reason: string }
  | { kind: "no_target"; reason: string }
  | { kind: "already_done" };

/** "3 consecutive failed health probes (last: HTTP 503)": the reason kept on the deploy, its event and the audit. */
function failureReason(checks: { ok: boolean; statusCode: number | null; error: string | null }[]): string {
  let streak = 0;
  for (let i = checks.length - 1; i >= 0 && !checks[i]!.ok; i--) streak++;
  const last = checks.at(-1);
  const lastText = last ? (last.error ?? (last.statusCode !== null ? `HTTP ${last.statusCode}` : "failed")) : "no probe";
  return `health checks failed: ${streak} consecutive failed probe${streak === 1 ? "" : "s"} (last: ${lastText})`;
}

/**
 * Rolls back, and in the same transaction queues the rollback hooks and the audit entry (owed to audit.db,
 * copied right after the commit by copyAuditOutbox). A repeat after a crash, or by another server, finds the
 * deploy rolled back already: it copies whatever audit entry is still owed and reports the work as done.
 */
export async function autoRollback(
  db: Database,
  projectId: string,
  deployId: number,
  opts: { nowMs: number; crashAfter?: CrashAfter },
): Promise<AutoRollbackOutcome> {
  const crash = opts.crashAfter ?? (() => {});
  const now = Math.floor(opts.nowMs / 1000);
  const checks = await listHealthChecks(db, deployId);
  const reason = failureReason(checks);
  const before = await getDeploy(db, projectId, deployId);
  const entry = (action: string, rollbackTargetId: number | null, why: string): OwedAuditEntry => ({
    // A fixed id: a repeat after a crash or by another server is deduplicated.
    id: `cuitty:auto-rollback:${deployId}`,
    environment: before.environment,
    actor: HEALTH_ACTOR,
    action,
    target: `deploy:${deployId}`,
    occurredAt: now,
    deployId,
    commitSha: before.commitSha ?? undefined,
    metadata: { reason: why, rollbackTargetId, probes: checks.slice(-10) },
  });
  let outcome: AutoRollbackOutcome;
  try {
    const result = await rollbackDeploy(
      db,
      projectId,
      {
        deployId,
        reason,
        actor: HEALTH_ACTOR,
        automatic: true,
        audit: (rolledBack) => entry("deploy.auto_rollback", rolledBack.rollbackTargetId, reason),
      },
      now,
    );
    crash("auto-rollback");
    outcome = { kind: "rolled_back", targetId: result.deploy.rollbackTargetId, reason };
  } catch (error) {
    if (!(error instanceof CuittyError)) throw error;
    if (error.code === "INVALID_TRANSITION") {
      // Another server, an admin or this server before a crash was first: its effects committed with it.
      await copyAuditOutbox(db, now, { afterCopy: () => crash("audit-copy") });
      return { kind: "already_done" };
    }
    if (error.code !== "INVALID_ROLLBACK_TARGET") throw error;
    outcome = { kind: "no_target", reason: `${reason}; not rolled back: ${error.message}` };
    // Nothing changed, so the entry is the only write; a repeat is deduplicated by its id.
    await recordAuditEntries(db, projectId, [entry("deploy.auto_rollback_skipped", null, outcome.reason)], now);
    return outcome;
  }
  await copyAuditOutbox(db, now, { afterCopy: () => crash("audit-copy") });
  return outcome;
}
