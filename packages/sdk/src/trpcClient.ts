// createCuittyTrpcClient: the signed, typed tRPC client alone, for services that call any procedure (docs/design.md §1, §5).
import type { FetchLike } from "@cuitty/core";
import { type CredentialOptions, resolveCredentials } from "./credentials.js";
import { type CuittyTrpcClient, createTransport } from "./transport.js";

export interface CuittyTrpcClientOptions extends CredentialOptions {
  /** Per-request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** A fetch to use instead of the global one. */
  fetch?: FetchLike;
}

/**
 * Every procedure of the router with its input and output types, each request signed with the key.
 * Unlike `createCuittyClient` it has no queue and no retries: a call's refusal or outage rejects it
 * with a `TRPCClientError` (its `data.cuittyCode` names the refusal).
 */
export function createCuittyTrpcClient(options: CuittyTrpcClientOptions = {}): CuittyTrpcClient {
  const creds = resolveCredentials(options, "createCuittyTrpcClient");
  return createTransport(creds, { fetch: options.fetch, timeoutMs: options.requestTimeoutMs ?? 10_000 });
}
