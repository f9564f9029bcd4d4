// One attempt at a rollback hook call: a signed JSON POST to the environment's webhook (signed like the wire
// protocol, with the environment's hook secret as key) or a GitHub workflow_dispatch; the outcome decides retries.
import { signedHeaders } from "@cuitty/core";
import type { ClaimedHook } from "@cuitty/db";
import { type OutboundFetch, OutboundBlockedError, defaultOutboundFetch } from "../outboundFetch.js";
import { describeFetchError } from "./probe.js";

export interface HookAttemptOptions {
  githubToken?: string;
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

export const HOOK_EVENT_HEADER = "x-cuitty-event";
export const HOOK_DELIVERY_HEADER = "x-cuitty-delivery";

export async function deliverHook(hook: ClaimedHook, opts: HookAttemptOptions): Promise<HookAttempt> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "cuitty-deploys/1",
  };
  if (hook.kind === "webhook") {
    if (!hook.secret) return { delivered: false, permanent: true, status: null, error: "environment has no hook secret" };
    const url = new URL(hook.url);
    Object.assign(
      headers,
      await signedHeaders(
        { projectId: hook.projectId, apiKey: hook.secret },
        { method: "POST", pathAndQuery: url.pathname + url.search, body: hook.body },
      ),
      { [HOOK_EVENT_HEADER]: "rollback", [HOOK_DELIVERY_HEADER]: String(hook.id) },
    );
  } else {
    if (!opts.githubToken) {
      return { delivered: false, permanent: true, status: null, error: "no GitHub token configured for workflow_dispatch" };
    }
    Object.assign(headers, {
      authorization: `Bearer ${opts.githubToken}`,
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
    });
  }
  try {
    const res = await (opts.fetch ?? defaultOutboundFetch())(hook.url, {
      method: "POST",
      headers,
      body: hook.body,
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.stopSignal]),
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return { delivered: true, permanent: false, status: res.status, error: null };
    const permanent = res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status);
    return { delivered: false, permanent, status: res.status, error: `HTTP ${res.status}: ${text.slice(0, 300)}` };
  } catch (error) {
    if (opts.stopSignal.aborted) throw error;
    // The policy does not change while the server runs: retrying a refused target cannot succeed.
    const blocked = (error as { cause?: unknown }).cause instanceof OutboundBlockedError;
    return { delivered: false, permanent: blocked, status: null, error: describeFetchError(error, opts.timeoutMs) };
  }
}
