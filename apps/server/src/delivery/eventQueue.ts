// Outbound events as a delivery queue: hooks.db's outbox (fed from deploy_events) read per subscription after
// its cursor. A subscription is one lane, leased across its retries (renewed every tick), so two servers never
// deliver to one receiver at once and every deploy's events arrive in order. Each event is a JSON POST signed
// exactly like a wire-protocol request (the subscription's secret as key), so receivers verify with core's verify().
import type { Logger } from "@cuitty/api";
import type { HookEvent, HookFormat } from "@cuitty/core";
import {
  type Database,
  type HookSubscription,
  claimHookSubscriptions,
  feedOutbox,
  nextHookEvent,
  pruneOutbox,
  reconcileDeployMarks,
  recordHookDelivery,
  releaseHookSubscriptions,
} from "@cuitty/db";
import { slackText } from "../hooks/slackText.js";
import { signedDeliveryHeaders } from "../outboundPost.js";
import { retryBusy } from "../retryBusy.js";
import type { DeliveryLane, DeliveryQueue, DeliveryRecord, DeliveryRequest } from "./deliveryQueue.js";
import type { RetryPolicy } from "./retryPolicy.js";

export interface EventQueueOptions {
  policy: RetryPolicy;
  timeoutMs: number;
  /** A subscription's lease, renewed every tick; it must exceed the longest delivery. */
  leaseMs: number;
  /** Events delivered to one subscription per turn before others get one. */
  burst: number;
  /** Delivered events are forgotten after this many seconds. */
  retentionSeconds: number;
  now: () => number;
}

type OutboxEvent = NonNullable<Awaited<ReturnType<typeof nextHookEvent>>>;

function eventBody(payload: string, format: HookFormat): string {
  if (format === "json") return payload;
  return JSON.stringify({ text: slackText(JSON.parse(payload) as HookEvent) });
}

async function eventRequest(target: HookSubscription, event: OutboxEvent): Promise<DeliveryRequest> {
  const body = eventBody(event.payload, target.format);
  const url = new URL(target.url);
  const headers = await signedDeliveryHeaders(url, {
    projectId: target.projectId,
    secret: target.secret,
    body,
    eventType: event.type,
    deliveryId: event.id,
  });
  return { url, headers, body };
}

export function eventQueue(db: Database, log: Logger, o: EventQueueOptions): DeliveryQueue {
  let lastPruneMs = 0;

  async function record(s: HookSubscription, event: OutboxEvent, owner: string, r: DeliveryRecord): Promise<boolean> {
    const outcome = r.verdict === "retry" ? "failed" : r.verdict;
    const kept = await recordHookDelivery(db, owner, {
      subscriptionId: s.id,
      projectId: s.projectId,
      event,
      attempt: r.attempt,
      outcome,
      statusCode: r.status,
      error: r.error,
      durationMs: r.durationMs,
      nowMs: r.nowMs,
      nextAttemptMs: r.nowMs + r.retryInMs,
    });
    if (!kept) return false; // another server took the subscription over (or it was removed)
    if (outcome === "failed") {
      log.warn("hooks: delivery failed, will retry", {
        hook: s.id,
        event: event.id,
        attempt: r.attempt,
        error: r.error,
        retryInMs: r.retryInMs,
      });
    } else if (outcome === "gave_up") {
      log.error("hooks: gave up on an event", { hook: s.id, event: event.id, attempts: r.attempt });
    }
    return true;
  }

  function lane(s: HookSubscription, owner: string): DeliveryLane {
    return {
      key: `subscription:${s.id}`,
      dueMs: s.nextAttemptMs,
      attempts: s.attempts,
      burst: o.burst,
      fields: { hook: s.id },
      async next() {
        const event = await nextHookEvent(db, s.id);
        if (!event) return undefined;
        return { request: await eventRequest(s, event), record: (r) => record(s, event, owner, r) };
      },
    };
  }

  return {
    policy: o.policy,
    timeoutMs: o.timeoutMs,
    stepFailed: "hooks: delivery failed",
    async prepare() {
      if (lastPruneMs === 0) await retryBusy(() => reconcileDeployMarks(db, Math.floor(o.now() / 1000)));
      await retryBusy(() => feedOutbox(db));
      const now = o.now();
      if (now - lastPruneMs > 60_000) {
        lastPruneMs = now;
        await retryBusy(() => pruneOutbox(db, Math.floor(now / 1000) - o.retentionSeconds));
      }
    },
    // Every subscription is claimed or renewed, whatever the room: a lease is held across retries.
    claim: async (owner, nowMs) => (await claimHookSubscriptions(db, owner, nowMs, o.leaseMs)).map((s) => lane(s, owner)),
    release: (owner) => releaseHookSubscriptions(db, owner),
  };
}
