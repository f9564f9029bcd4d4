// One health probe: a GET of the health URL, bounded by the policy's timeout, judged by the expected status.
import { readCappedBody } from "../responseBody.js";
import type { ProbeResult } from "@cuitty/db";
import { type OutboundFetch, OutboundBlockedError, defaultOutboundFetch } from "../outboundFetch.js";

/** A short reason for a failed request: the system error code when there is one (ECONNREFUSED, ENOTFOUND…). */
export function describeFetchError(error: unknown, timeoutMs?: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return timeoutMs === undefined ? "aborted" : `timeout after ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause instanceof OutboundBlockedError) return cause.message;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message.slice(0, 300);
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** A health answer is a status and a few bytes; one past this is refused (a failed probe). */
const MAX_HEALTH_ANSWER_BYTES = 1024 * 1024;

export async function probe(
  url: string,
  policy: { timeoutMs: number; expectStatus: number },
  stopSignal: AbortSignal,
  nowMs: () => number = Date.now,
  outbound: OutboundFetch = defaultOutboundFetch(),
): Promise<ProbeResult> {
  const startedMs = nowMs();
  const started = performance.now();
  const signal = AbortSignal.any([AbortSignal.timeout(policy.timeoutMs), stopSignal]);
  try {
    // Redirects are not followed: a health URL that redirects (to a login page, say) is not healthy.
    const res = await outbound(url, { signal, redirect: "manual", headers: { "user-agent": "cuitty-health-check/1" } });
    const latencyMs = Math.round(performance.now() - started);
    // Within the same timeout: a body that never ends is a failed probe, and so is one past the cap.
    const { truncated } = await readCappedBody(res, MAX_HEALTH_ANSWER_BYTES);
    const ok = res.status === policy.expectStatus && !truncated;
    const error = truncated
      ? `health answer larger than ${MAX_HEALTH_ANSWER_BYTES} bytes`
      : ok
        ? null
        : `expected HTTP ${policy.expectStatus}, got ${res.status}`;
    return { ok, statusCode: res.status, latencyMs, error, startedMs };
  } catch (error) {
    if (stopSignal.aborted) throw error; // the server is stopping: this probe is not recorded
    return {
      ok: false,
      statusCode: null,
      latencyMs: Math.round(performance.now() - started),
      error: describeFetchError(error, policy.timeoutMs),
      startedMs,
    };
  }
}
