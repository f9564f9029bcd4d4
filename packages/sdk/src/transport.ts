// The typed tRPC client over core's signing fetch, with a request timeout, and the retry classification of its failures.
import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "@cuitty/api";
import { type Credentials, type FetchLike, RETRYABLE_CODES, createSigningFetch, isCuittyError } from "@cuitty/core";
import type { CuittyClientErrorCode } from "./errors.js";

export type CuittyTrpcClient = TRPCClient<AppRouter>;

/** A response that is not tRPC's JSON (a proxy's 502/503 page): kept so its status and Retry-After survive. */
class HttpResponseError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status} without a JSON body`);
  }
}

export function createTransport(creds: Credentials, opts: { fetch?: FetchLike; timeoutMs: number }): CuittyTrpcClient {
  const base: FetchLike = opts.fetch ?? ((i, n) => globalThis.fetch(i, n));
  const timed: FetchLike = async (input, init = {}) => {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const res = await base(input, { ...init, signal });
    if (!(res.headers.get("content-type") ?? "").includes("json")) {
      await res.body?.cancel().catch(() => {});
      throw new HttpResponseError(res.status, res.headers.get("retry-after"));
    }
    return res;
  };
  const url = `${creds.portalUrl.replace(/\/+$/, "")}/trpc`;
  return createTRPCClient<AppRouter>({ links: [httpLink({ url, fetch: createSigningFetch(creds, timed) })] });
}

export interface FailureClass {
  retryable: boolean;
  code: CuittyClientErrorCode;
  message: string;
  httpStatus?: number;
  /** What the server asked for (Retry-After), in ms. */
  retryAfterMs?: number;
  fields?: string[];
}

function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** The HTTP response tRPC's link kept on the error, when the server answered. */
function responseOf(error: Error): Response | undefined {
  const response = error instanceof TRPCClientError ? error.meta?.response : undefined;
  return response instanceof Response ? response : undefined;
}

/** Decides whether a failed call may succeed later (network, timeouts, 429, 5xx) or never will. */
export function classifyFailure(error: unknown): FailureClass {
  const cause = error instanceof TRPCClientError ? error.cause : error;
  if (cause instanceof HttpResponseError) {
    const retryable = cause.status >= 500 || cause.status === 429 || cause.status === 408;
    return {
      retryable,
      code: retryable ? "NETWORK" : "HTTP_ERROR",
      message: `the portal answered HTTP ${cause.status} without a JSON body${retryable ? "" : " (check portalUrl)"}`,
      httpStatus: cause.status,
      retryAfterMs: parseRetryAfter(cause.retryAfter),
    };
  }
  if (isCuittyError(error)) {
    const { cuittyCode: code, httpStatus, fields } = error.data;
    return {
      retryable: RETRYABLE_CODES.includes(code),
      code,
      message: error.message,
      httpStatus: httpStatus ?? responseOf(error)?.status,
      retryAfterMs: parseRetryAfter(responseOf(error)?.headers.get("retry-after")),
      fields,
    };
  }
  if (error instanceof TRPCClientError) {
    const httpStatus = responseOf(error)?.status;
    if (httpStatus !== undefined && httpStatus < 500 && httpStatus !== 429 && httpStatus !== 408) {
      return { retryable: false, code: "HTTP_ERROR", message: error.message, httpStatus };
    }
  }
  const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return { retryable: true, code: "NETWORK", message: `cannot reach the portal (${message})` };
}
