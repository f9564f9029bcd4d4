// Wire limits of docs/design.md §4, shared by the server (enforcing) and clients (pre-checking).

export const MAX_CLOCK_SKEW_SECONDS = 300;
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_BATCH_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH_ITEMS = 500;
/** Commits one deploy event may list (the newest of them when a deploy ships more). */
export const MAX_EVENT_COMMITS = 250;

export const BATCH_PROCEDURES: readonly string[] = ["deploys.emitBatch", "perf.record", "audit.record"];

/** The body limit for a request path such as `/trpc/deploys.emitBatch` (or a tRPC batch `a,b`). */
export function bodyLimitForPath(pathname: string): number {
  const procedures = pathname.replace(/^.*\/trpc\//, "").split(",");
  return procedures.length > 0 && procedures.every((p) => BATCH_PROCEDURES.includes(p)) ? MAX_BATCH_BODY_BYTES : MAX_BODY_BYTES;
}

/**
 * Procedures one HTTP request may call through tRPC batching (`/trpc/a,b,c?batch=1`). The dashboard's
 * busiest page batches fewer; each call is charged to the rate limit on its own.
 */
export const MAX_CALLS_PER_REQUEST = 10;

/** How deep objects and arrays may nest in a request's JSON, counting the outermost; tRPC's batch wrapper is one level. */
export const MAX_JSON_DEPTH = 32;

/** The number of procedures a request path names (`/trpc/a,b` → 2). */
export function callsInPath(pathname: string): number {
  return pathname.replace(/^.*?\/trpc\//, "").split(",").length;
}
