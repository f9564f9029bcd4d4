// Rollback hooks: the per-environment signing secret and an outbox of hook calls (webhook or GitHub
// workflow_dispatch), claimed under a lease and retried with backoff by whichever server runs the worker.
import { randomBytes } from "node:crypto";
import { CuittyError } from "@cuitty/core";
import type { Database } from "../connection.js";
import type { RollbackHook } from "../schema/deploys.js";
import { LEASE_GIVEN_BACK, type LeasedTable, leaseClaimStatement, leaseFence, releaseLeases } from "./leases.js";
import { type SqlExecutor, deployViewById, firstRow } from "./sqlViews.js";
import type { DeployView } from "./views.js";

/**
 * The secret an environment's rollback webhooks are signed with (created on first use). The receiver
 * verifies `x-cuitty-signature` with `verify()` of @cuitty/core using this secret as the key.
 */
export async function rollbackHookSecret(
  db: Database,
  projectId: string,
  environment: string,
  opts: { rotate?: boolean } = {},
): Promise<string> {
  const env = await db.clients.deploys.execute({
    sql: `SELECT id FROM environments WHERE project_id = ?1 AND name = ?2`,
    args: [projectId, environment],
  });
  const envId = env.rows[0]?.id;
  if (envId === undefined) throw new CuittyError("NOT_FOUND", `environment "${environment}" does not exist`);
  const fresh = `whsec_${randomBytes(24).toString("base64url")}`;
  const { rows } = await db.clients.deploys.execute({
    sql: opts.rotate
      ? `INSERT INTO rollback_hook_secrets (env_id, project_id, secret) VALUES (?1, ?2, ?3)
         ON CONFLICT (env_id) DO UPDATE SET secret = excluded.secret, created_at = unixepoch() RETURNING secret`
      : `INSERT INTO rollback_hook_secrets (env_id, project_id, secret) VALUES (?1, ?2, ?3)
         ON CONFLICT (env_id) DO UPDATE SET secret = secret RETURNING secret`,
    args: [Number(envId), projectId, db.secrets.seal(fresh)],
  });
  return db.secrets.open(String(rows[0]!.secret));
}

/** The JSON body of a rollback webhook (the GitHub dispatch carries the same facts as workflow inputs). */
interface RollbackHookPayload {
  type: "rollback";
  projectId: string;
  environment: string;
  /** True when the health checks rolled it back; false for a rollback someone asked for. */
  automatic: boolean;
  reason: string | null;
  occurredAt: number;
  deploy: DeployView;
  target: DeployView | null;
}

export interface RollbackHookFacts {
  /** True when the health checks rolled it back; false for a rollback someone asked for. */
  automatic: boolean;
  /** When the rollback happened (its deploy_events row) and why. */
  occurredAt: number;
  reason: string | null;
}

/** A GitHub dispatch is queued as a path on the GitHub API; the worker prefixes its configured API URL. */
export function rollbackHookUrl(hook: { kind: "webhook" | "github"; url: string }, githubApiUrl: string): string {
  if (hook.kind !== "github" || /^https?:\/\//.test(hook.url)) return hook.url;
  return githubApiUrl.replace(/\/+$/, "") + hook.url;
}

/**
 * Queues the environment's rollback hooks for a deploy just rolled back, inside the rollback's own transaction
 * (so a crash can never keep the rollback and lose its hooks): one row per configured kind. A deploy is rolled
 * back at most once, so (deploy, kind) is unique and a repeat is a no-op. Returns the rows queued.
 */
export async function queueRollbackHooksIn(tx: SqlExecutor, projectId: string, deploy: DeployView, facts: RollbackHookFacts) {
  const env = await firstRow<{
    id: number;
    webhookUrl: string | null;
    githubRepo: string | null;
    githubWorkflow: string | null;
    githubRef: string | null;
  }>(tx, {
    sql: `SELECT id, rollback_webhook_url AS webhookUrl, rollback_github_repo AS githubRepo,
            rollback_github_workflow AS githubWorkflow, rollback_github_ref AS githubRef
          FROM environments WHERE project_id = ?1 AND name = ?2`,
    args: [projectId, deploy.environment],
  });
  if (!env || (env.webhookUrl === null && (env.githubRepo === null || env.githubWorkflow === null))) return 0;
  const rollbackTarget = deploy.rollbackTargetId === null ? null : await deployViewById(tx, deploy.rollbackTargetId);
  const payload: RollbackHookPayload = {
    type: "rollback",
    projectId,
    environment: deploy.environment,
    automatic: facts.automatic,
    reason: facts.reason ?? deploy.reason ?? null,
    occurredAt: facts.occurredAt,
    deploy,
    target: rollbackTarget,
  };
  const queued: { kind: "webhook" | "github"; url: string; body: string }[] = [];
  if (env.webhookUrl !== null) {
    // The secret exists before the first delivery (the same statement as rollbackHookSecret's first use).
    await tx.execute({
      sql: `INSERT INTO rollback_hook_secrets (env_id, project_id, secret) VALUES (?1, ?2, ?3) ON CONFLICT (env_id) DO NOTHING`,
      args: [env.id, projectId, `whsec_${randomBytes(24).toString("base64url")}`],
    });
    queued.push({ kind: "webhook", url: env.webhookUrl, body: JSON.stringify(payload) });
  }
  if (env.githubRepo !== null && env.githubWorkflow !== null) {
    queued.push({
      kind: "github",
      url: `/repos/${env.githubRepo}/actions/workflows/${encodeURIComponent(env.githubWorkflow)}/dispatches`,
      body: JSON.stringify({
        ref: env.githubRef ?? rollbackTarget?.branch ?? "main",
        // GitHub refuses inputs the workflow does not declare: these five are documented in the README.
        inputs: {
          environment: deploy.environment,
          commit_sha: rollbackTarget?.commitSha ?? "",
          target_deploy_id: String(rollbackTarget?.id ?? ""),
          deploy_id: String(deploy.id),
          reason: (payload.reason ?? "").slice(0, 500),
        },
      }),
    });
  }
  for (const q of queued) {
    await tx.execute({
      sql: `INSERT INTO rollback_hooks (project_id, deploy_id, env_id, kind, url, body, next_attempt_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (deploy_id, kind) DO NOTHING`,
      args: [projectId, deploy.id, env.id, q.kind, q.url, q.body, 0],
    });
  }
  return queued.length;
}

export type ClaimedHook = Pick<RollbackHook, "id" | "projectId" | "deployId" | "envId" | "kind" | "url" | "body" | "attempts"> & {
  secret: string | null;
};

/** Each hook call is leased for one attempt at a time (leases.ts). */
const HOOKS: LeasedTable = { table: "rollback_hooks", key: "id" };

/** Claims due pending hook calls under a lease (the lease protocol of leases.ts, as for health series). */
export async function claimDueHooks(db: Database, owner: string, nowMs: number, leaseMs: number, limit: number) {
  const { rows } = await db.clients.deploys.execute(
    leaseClaimStatement(HOOKS, {
      owner,
      nowMs,
      leaseMs,
      due: "state = 'pending' AND next_attempt_ms <= :now",
      orderBy: "next_attempt_ms",
      limit,
      returning: `id, project_id, deploy_id, env_id, kind, url, body, attempts,
        (SELECT secret FROM rollback_hook_secrets k WHERE k.env_id = rollback_hooks.env_id) AS secret`,
    }),
  );
  return rows.map(
    (r): ClaimedHook => ({
      id: Number(r.id),
      projectId: String(r.project_id),
      deployId: Number(r.deploy_id),
      envId: Number(r.env_id),
      kind: String(r.kind) as ClaimedHook["kind"],
      url: String(r.url),
      body: String(r.body),
      attempts: Number(r.attempts),
      secret: r.secret === null ? null : db.secrets.open(String(r.secret)),
    }),
  );
}

/**
 * Records one attempt: delivered, retry at `nextAttemptMs`, or failed for good. Fenced by the lease: false
 * (nothing written) when `owner` no longer holds it.
 */
export async function recordHookAttempt(
  db: Database,
  owner: string,
  id: number,
  outcome: { state: "delivered" | "pending" | "failed"; status: number | null; error: string | null; nextAttemptMs: number },
): Promise<boolean> {
  const r = await db.clients.deploys.execute({
    sql: `UPDATE rollback_hooks SET attempts = attempts + 1, state = ?3, last_status = ?4, last_error = ?5,
            next_attempt_ms = ?6, ${LEASE_GIVEN_BACK},
            delivered_at = CASE WHEN ?3 = 'delivered' THEN unixepoch() END
          WHERE ${leaseFence(HOOKS, "?1", "?2")}`,
    args: [id, owner, outcome.state, outcome.status, outcome.error, outcome.nextAttemptMs],
  });
  return r.rowsAffected === 1;
}

export async function releaseHookLeases(db: Database, owner: string) {
  await releaseLeases(db.clients.deploys, HOOKS, owner);
}

/** The hook calls of a deploy (for deploy detail views and tests). */
export async function listRollbackHooks(db: Database, projectId: string, deployId: number) {
  const { rows } = await db.clients.deploys.execute({
    sql: `SELECT id, kind, url, state, attempts, last_status, last_error, created_at, delivered_at
          FROM rollback_hooks WHERE project_id = ?1 AND deploy_id = ?2 ORDER BY id`,
    args: [projectId, deployId],
  });
  return rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind) as "webhook" | "github",
    url: String(r.url),
    state: String(r.state) as "pending" | "delivered" | "failed",
    attempts: Number(r.attempts),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error === null ? null : String(r.last_error),
    createdAt: Number(r.created_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  }));
}
