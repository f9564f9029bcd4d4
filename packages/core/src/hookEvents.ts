// The events an outbound subscription can pick, its formats and headers: plain constants (no schemas), so
// a browser bundle that shows them does not pull in the validation library.

/** Every event an outbound subscription can receive: one per lifecycle status, health changes, marks. */
export const HOOK_EVENT_TYPES = [
  "deploy.initiated",
  "deploy.building",
  "deploy.deploying",
  "deploy.live",
  "deploy.failed",
  "deploy.rolled_back",
  "deploy.health",
  "deploy.marked_bad",
  "deploy.marked_good",
] as const;
export type HookEventType = (typeof HOOK_EVENT_TYPES)[number];

export const HOOK_FORMATS = ["json", "slack"] as const;
export type HookFormat = (typeof HOOK_FORMATS)[number];

/** Headers of an outbound delivery besides the three signature headers of the wire protocol. */
export const HOOK_EVENT_TYPE_HEADER = "x-cuitty-event";
export const HOOK_DELIVERY_ID_HEADER = "x-cuitty-delivery";
