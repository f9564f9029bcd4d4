// The one outbox concept of outbound deliveries. Two tables hold it: `rollback_hooks` in deploys.db (a rollback's
// hook calls must commit in the rollback's own transaction) and the per-subscription event outbox in hooks.db (fed
// from deploy_events). Each is a DeliveryQueue (claim, record, release, all under the lease protocol of
// @cuitty/db's leases.ts), and the one DeliveryWorker drains both with one attempt function and one retry policy.
import type { CrashPoint } from "../config.js";
import type { OutboundFetch } from "../outboundFetch.js";
import { type PostOutcome, postOnce } from "../outboundPost.js";
import { type DeliveryVerdict, type RetryPolicy, permanentFailure } from "./retryPolicy.js";

/** What to send: a POST with its (signed) headers, or why it cannot be sent at all (a permanent failure). */
export type DeliveryRequest = { url: string | URL; headers: Record<string, string>; body: string } | { refused: string };

export interface DeliveryAttempt extends PostOutcome {
  /** Retrying cannot change the answer (retryPolicy.ts's permanentFailure, or refused before sending). */
  permanent: boolean;
}

/** The one delivery attempt: one POST through the outbound policy (postOnce), its outcome classified. */
export async function attemptDelivery(
  request: DeliveryRequest,
  opts: { timeoutMs: number; stopSignal: AbortSignal; fetch?: OutboundFetch },
): Promise<DeliveryAttempt> {
  if ("refused" in request) {
    return { delivered: false, status: null, error: request.refused, durationMs: 0, blocked: false, permanent: true };
  }
  const outcome = await postOnce(request.url, request.headers, request.body, opts);
  return { ...outcome, permanent: permanentFailure(outcome) };
}

/** An attempt and what the queue's policy made of it, to record. */
export interface DeliveryRecord extends DeliveryAttempt {
  verdict: DeliveryVerdict;
  /** This attempt's number (1-based). */
  attempt: number;
  /** When the attempt ended (unix ms). */
  nowMs: number;
  /** The backoff before the next attempt, if the verdict is retry. */
  retryInMs: number;
}

/** One delivery handed out under a lease. */
interface Delivery {
  request: DeliveryRequest;
  /** Records the attempt (and logs it), fenced by the lease: false when the lease was lost and nothing was written. */
  record(r: DeliveryRecord): Promise<boolean>;
}

/**
 * Deliveries to one receiver that must go one at a time, in order, under one lease: a rollback hook call (one
 * delivery) or an event subscription (its events after its cursor).
 */
export interface DeliveryLane {
  /** Unique across queues: the worker's in-flight key. */
  key: string;
  /** Not attempted before this time (unix ms; a subscription held between retries). */
  dueMs: number;
  /** Failed attempts at the lane's first delivery so far. */
  attempts: number;
  /** Deliveries attempted in one turn before other lanes get one. */
  burst: number;
  /** Identifies the lane in a log line. */
  fields: Record<string, unknown>;
  next(): Promise<Delivery | undefined>;
}

export interface DeliveryQueue {
  policy: RetryPolicy;
  timeoutMs: number;
  /** The test-only crash point right after a delivery answered 2xx, before it is recorded. */
  crashAfterDelivered?: CrashPoint;
  /** The log line of a step that threw (the lease expires and the delivery is retried). */
  stepFailed: string;
  /** Work before each claim (the events queue feeds its outbox from deploy_events). */
  prepare?(): Promise<void>;
  /** Claims, under leases held by `owner`, the lanes with work; `room` is how many more may run at once. */
  claim(owner: string, nowMs: number, room: number): Promise<DeliveryLane[]>;
  /** Gives back every lease `owner` holds (a clean stop). */
  release(owner: string): Promise<void>;
}
