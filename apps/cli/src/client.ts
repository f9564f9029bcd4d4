// The typed client every server-facing command uses: the SDK's signed tRPC client over a fetch that tells outages apart.
import type { FetchLike } from "@cuitty/core";
import { type CuittyTrpcClient, createCuittyTrpcClient } from "@cuitty/sdk";
import type { Connection } from "./config.js";

export type ApiClient = CuittyTrpcClient;

/** No answer at all, or a proxy's 5xx page instead of the server's: the tracking service is down. */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

/** An answer that is not from a Cuitty server (e.g. an HTML 404): the portal URL is wrong. */
export class NotCuittyError extends Error {
  override readonly name = "NotCuittyError";
  constructor(readonly status: number) {
    super(`HTTP ${status} without a Cuitty answer`);
  }
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if ((error as Error)?.name === "TimeoutError") return "no answer in time";
  if (cause?.message) return cause.message;
  return (error as Error)?.message ?? String(error);
}

/** Turns transport failures into typed errors so callers can tell an outage from a refusal (the SDK adds the timeout). */
const classifyingFetch: FetchLike = async (input, init = {}) => {
  let res: Response;
  try {
    res = await globalThis.fetch(input, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } })?.cause?.code;
    const known = (code && NETWORK_CODES.has(code)) || (error as Error)?.name === "TimeoutError" || error instanceof TypeError;
    if (known) throw new UnreachableError(describeNetworkError(error), { cause: error });
    throw error;
  }
  // tRPC always answers JSON; anything else came from a proxy or a different service.
  if (!(res.headers.get("content-type") ?? "").includes("json")) {
    if (res.status >= 500) throw new UnreachableError(`HTTP ${res.status} from a proxy or load balancer`);
    throw new NotCuittyError(res.status);
  }
  return res;
};

export interface ClientOptions {
  /** Per-request budget; reporting commands keep it short so CI is never held up for long. */
  timeoutMs?: number;
}

export function createApiClient(conn: Connection, opts: ClientOptions = {}): ApiClient {
  return createCuittyTrpcClient({ ...conn, fetch: classifyingFetch, requestTimeoutMs: opts.timeoutMs ?? 10_000 });
}
