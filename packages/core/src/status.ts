// The deploy lifecycle's states, in lifecycle order.
export const STATUSES = ["initiated", "building", "deploying", "live", "failed", "rolled_back"] as const;
export type DeployStatus = (typeof STATUSES)[number];

export const HEALTH_STATUSES = ["unknown", "pending", "passing", "failing"] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

/** Statuses after which a deploy is finished (has completed_at). */
export const TERMINAL_STATUSES: readonly DeployStatus[] = ["live", "failed", "rolled_back"];
