// The rollback hooks as a delivery queue: rows of deploys.db's `rollback_hooks`, queued in the rollback's own
// transaction, one lease per call. A call is a signed JSON POST to the environment's webhook (signed like the wire
// protocol, the environment's hook secret as key) or a GitHub workflow_dispatch.
import type { Logger } from "@cuitty/api";
import { type ClaimedHook, type Database, claimDueHooks, recordHookAttempt, releaseHookLeases, rollbackHookUrl } from "@cuitty/db";
import { signedDeliveryHeaders } from "../outboundPost.js";
import type { DeliveryLane, DeliveryQueue, DeliveryRecord, DeliveryRequest } from "./deliveryQueue.js";
import type { RetryPolicy } from "./retryPolicy.js";

export interface RollbackHookQueueOptions {
  policy: RetryPolicy;
  timeoutMs: number;
  /** The lease of one call (it must exceed the timeout). */
  leaseMs: number;
  /** Prefixed to a GitHub dispatch's queued path. */
  githubApiUrl: string;
  githubToken?: string;
}

/** The request of one hook call, or why it cannot be sent (no secret, no token: retrying cannot help). */
async function hookRequest(hook: ClaimedHook, o: RollbackHookQueueOptions): Promise<DeliveryRequest> {
  const url = rollbackHookUrl(hook, o.githubApiUrl);
  if (hook.kind === "webhook") {
    if (!hook.secret) return { refused: "environment has no hook secret" };
    const headers = await signedDeliveryHeaders(new URL(url), {
      projectId: hook.projectId,
      secret: hook.secret,
      body: hook.body,
      eventType: "rollback",
      deliveryId: hook.id,
    });
    return { url, headers, body: hook.body };
  }
  if (!o.githubToken) return { refused: "no GitHub token configured for workflow_dispatch" };
  const headers = {
    authorization: `Bearer ${o.githubToken}`,
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
  };
  return { url, headers, body: hook.body };
}

export function rollbackHookQueue(db: Database, log: Logger, o: RollbackHookQueueOptions): DeliveryQueue {
  async function record(hook: ClaimedHook, owner: string, r: DeliveryRecord): Promise<boolean> {
    const state = r.verdict === "delivered" ? "delivered" : r.verdict === "gave_up" ? "failed" : "pending";
    const kept = await recordHookAttempt(db, owner, hook.id, {
      state,
      status: r.status,
      error: r.error,
      nextAttemptMs: r.nowMs + (state === "pending" ? r.retryInMs : 0),
    });
    const fields = { hookId: hook.id, kind: hook.kind, deployId: hook.deployId, attempts: r.attempt, status: r.status, error: r.error };
    if (state === "delivered") log.info("health: rollback hook delivered", fields);
    else if (state === "failed") log.error("health: rollback hook failed for good", fields);
    else log.warn("health: rollback hook failed; retrying", { ...fields, retryInMs: r.retryInMs });
    return kept;
  }

  function lane(hook: ClaimedHook, owner: string): DeliveryLane {
    let handedOut = false;
    return {
      key: `hook:${hook.id}`,
      dueMs: 0, // claimed only when due
      attempts: hook.attempts,
      burst: 1,
      fields: { hookId: hook.id },
      async next() {
        if (handedOut) return undefined;
        handedOut = true;
        return { request: await hookRequest(hook, o), record: (r) => record(hook, owner, r) };
      },
    };
  }

  return {
    policy: o.policy,
    timeoutMs: o.timeoutMs,
    crashAfterDelivered: "hook-delivered",
    stepFailed: "health: hook delivery step failed",
    async claim(owner, nowMs, room) {
      if (room <= 0) return [];
      return (await claimDueHooks(db, owner, nowMs, o.leaseMs, room)).map((hook) => lane(hook, owner));
    },
    release: (owner) => releaseHookLeases(db, owner),
  };
}
