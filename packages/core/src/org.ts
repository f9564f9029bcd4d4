// Organisation-wide view: the project header of org procedures and the overview's order of trouble. No schemas.

/**
 * The `x-cuitty-project` value that calls `org.*` procedures with an organisation key. Project ids are
 * `prj_…`, so it never names a project.
 */
export const ORG_PROJECT = "org";

/**
 * What an environment of a service needs from a platform team, most urgent first; the overview sorts by it
 * (README, "Organisation view"):
 * - `broken`: the current deploy fails its health checks or is marked bad;
 * - `failed_recently`: a run failed (not cancelled or skipped) or a deploy was rolled back in the last 24 h;
 * - `in_flight`: a deploy is initiated, building or deploying;
 * - `steady`: a deploy is live and none of the above;
 * - `no_deploy`: nothing went live yet and nothing is in flight.
 */
export const ATTENTION_LEVELS = ["broken", "failed_recently", "in_flight", "steady", "no_deploy"] as const;
export type Attention = (typeof ATTENTION_LEVELS)[number];

/** The window of "a failure or rollback lately" in the overview. */
export const RECENT_TROUBLE_SECONDS = 86_400;
