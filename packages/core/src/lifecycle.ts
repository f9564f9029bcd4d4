// The lifecycle table of docs/design.md §2 as one pure function.
import type { DeployStatus } from "./status.js";

export type TransitionDecision =
  | { kind: "create" }
  | { kind: "same" }
  | { kind: "advance" }
  | { kind: "refuse"; from: DeployStatus | null; to: DeployStatus };

const FORWARD: readonly DeployStatus[] = ["initiated", "building", "deploying", "live"];

/** Which targets each state may move to (excluding "same"). */
const ALLOWED: Record<DeployStatus, readonly DeployStatus[]> = {
  initiated: ["building", "deploying", "live", "failed"],
  building: ["deploying", "live", "failed"],
  deploying: ["live", "failed"],
  live: ["rolled_back"],
  failed: ["rolled_back"],
  rolled_back: [],
};

/**
 * Decide what an event moving a deploy from `from` (null: the deploy does not exist yet)
 * to `to` does. Skipping forward is allowed; going back never is.
 */
export function decideTransition(from: DeployStatus | null, to: DeployStatus): TransitionDecision {
  if (from === null) {
    return to === "rolled_back" ? { kind: "refuse", from, to } : { kind: "create" };
  }
  if (from === to) return { kind: "same" };
  return ALLOWED[from].includes(to) ? { kind: "advance" } : { kind: "refuse", from, to };
}

export function canTransition(from: DeployStatus | null, to: DeployStatus): boolean {
  return decideTransition(from, to).kind !== "refuse";
}

/** Position in the forward path, used to order phases; failed/rolled_back have none. */
export function forwardIndex(status: DeployStatus): number {
  return FORWARD.indexOf(status);
}
