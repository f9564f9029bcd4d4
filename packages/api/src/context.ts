// What every procedure sees: the database, the raw request (for signature checks), the clock and hooks.
import type { DeployStatus, OutboundPolicy, RegressionQuery } from "@cuitty/core";
import type { Database, DeployView, RegressionResult } from "@cuitty/db";

export interface RawRequest {
  method: string;
  /** Path relative to the portal URL, query string included, byte for byte as received (what the client signed). */
  pathAndQuery: string;
  body: Uint8Array;
  /** The request's headers by name (case-insensitive), null when absent: a fetch `Headers` or anything with its `get`. */
  headers: Pick<Headers, "get">;
}

export interface TransitionNotice {
  projectId: string;
  deploy: DeployView;
  from: DeployStatus | null;
  to: DeployStatus;
}

/** Extension points the server (health worker, outbound events) plugs into. */
export interface ApiHooks {
  onTransition?(notice: TransitionNotice): void;
  /**
   * Answers deploys.regression from a source outside the database (the environment's Prometheus: the
   * server does the HTTP), or null when the deploy's environment has none and the snapshots answer.
   */
  regression?(projectId: string, input: RegressionQuery): Promise<RegressionResult | null>;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The host's rate limit, charged only once a request's signature has verified (see README, Limits). */
export interface RateLimits {
  /** Charges one call to the project's budget; answers the seconds to wait, 0 when the call may go ahead. */
  chargeProject(projectId: string): number;
}

export interface Context {
  db: Database;
  req: RawRequest;
  /** Absent where no limit applies (in-process callers). */
  limits?: RateLimits;
  /** Unix seconds; injectable for tests. */
  now(): number;
  hooks: ApiHooks;
  log: Logger;
  /** Which targets health URLs and hooks may name; the default policy (no link-local, no metadata) when absent. */
  outbound?: OutboundPolicy;
}
