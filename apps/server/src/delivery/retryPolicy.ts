// The one retry policy of outbound deliveries (rollback hooks and outbound events): exponential backoff from
// `baseMs` doubling up to `maxMs`, given up after `maxAttempts`, and one rule for an answer that retrying cannot
// change. Each queue has its own instance (rollback hooks: 2 s, 5 min, 8 attempts, a permanent refusal ends them;
// events: 1 s, 10 min, 20 attempts, every failure retried).
import type { PostOutcome } from "../outboundPost.js";

export interface RetryPolicy {
  /** First retry delay, doubled per failed attempt up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** Failed attempts after which a delivery is given up. */
  maxAttempts: number;
  /** A permanent failure (permanentFailure) is given up at once rather than retried. */
  giveUpWhenPermanent: boolean;
}

/** The delay before retry number `attempts` (1 = after the first failure): doubling from `baseMs`, capped at `maxMs`. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** (attempts - 1), maxMs);
}

/** Statuses worth retrying besides 5xx and network errors. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/**
 * An outcome retrying cannot change: the outbound policy refused the target (the policy does not change while the
 * server runs), or a 4xx other than 408, 409, 425 and 429 (e.g. 401, 404, 422).
 */
export function permanentFailure(outcome: Pick<PostOutcome, "delivered" | "status" | "blocked">): boolean {
  if (outcome.delivered) return false;
  return (
    outcome.blocked || (outcome.status !== null && outcome.status >= 400 && outcome.status < 500 && !RETRYABLE_4XX.has(outcome.status))
  );
}

export type DeliveryVerdict = "delivered" | "retry" | "gave_up";

/** What becomes of a delivery after attempt number `attempt` (1-based) ended with `outcome`. */
export function deliveryVerdict(
  policy: RetryPolicy,
  attempt: number,
  outcome: { delivered: boolean; permanent: boolean },
): DeliveryVerdict {
  if (outcome.delivered) return "delivered";
  if (attempt >= policy.maxAttempts || (policy.giveUpWhenPermanent && outcome.permanent)) return "gave_up";
  return "retry";
}
