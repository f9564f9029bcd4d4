// One attempt at a rollback hook call: a signed JSON POST to the environment's webhook (signed like the wire
// protocol, with the environment's hook secret as key) or a GitHub workflow_dispatch; the outcome decides retries.
import { HOOK_DELIVERY_ID_HEADER, HOOK_EVENT_TYPE_HEADER } from "@cuitty/core";
import { type ClaimedHook, rollbackHookUrl } from "@cuitty/db";
import type { OutboundFetch } from "../outboundFetch.js";
import { postOnce, signedDeliveryHeaders } from "../outboundPost.js";

export interface HookAttemptOptions {
  githubToken?: string;
  /** Prefixed to a GitHub dispatch's queued path. */
  githubApiUrl: string;
  timeoutMs: number;
  stopSignal: AbortSignal;
  /** Checks every target against the outbound policy (default: the built-in policy). */
  fetch?: OutboundFetch;
}

export interface HookAttempt {
  delivered: boolean;
  /** The answer can never change by retrying (e.g. 401, 404, 422, no token configured). */
  permanent: boolean;
  status: number | null;
  error: string | null;
}

/** Statuses worth retrying besides 5xx and network errors. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** The rollback webhook's headers (the same as outbound events'): kept as names for receivers importing them. */
export const HOOK_EVENT_HEADER = HOOK_EVENT_TYPE_HEADER;
export const HOOK_DELIVERY_HEADER = HOOK_DELIVERY_ID_HEADER;

export async function deliverHook(hook: ClaimedHook, opts: HookAttemptOptions): Promise<HookAttempt> {
  const target = rollbackHookUrl(hook, opts.githubApiUrl);
  let headers: Record<string, string>;
  if (hook.kind === "webhook") {
    if (!hook.secret) return { delivered: false, permanent: true, status: null, error: "environment has no hook secret" };
    headers = await signedDeliveryHeaders(new URL(target), {
      projectId: hook.projectId,
      secret: hook.secret,
      body: hook.body,
      eventType: "rollback",
      deliveryId: hook.id,
    });
  } else {
    if (!opts.githubToken) {
      return { delivered: false, permanent: true, status: null, error: "no GitHub token configured for workflow_dispatch" };
    }
    headers = {
      authorization: `Bearer ${opts.githubToken}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
    };
  }
  const { delivered, status, error, blocked } = await postOnce(target, headers, hook.body, opts);
  // The policy does not change while the server runs: retrying a refused target cannot succeed.
  const permanent = blocked || (status !== null && status >= 400 && status < 500 && !RETRYABLE_4XX.has(status));
  return { delivered, permanent, status, error };
}
