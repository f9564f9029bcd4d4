// Wire limits of DESIGN §4, shared by the server (enforcing) and clients (pre-checking).

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
  return procedures.length > 0 && procedures.every((p) => BATCH_PROCEDURES.includes(p))
    ? MAX_BATCH_BODY_BYTES
    : MAX_BODY_BYTES;
}
