// One instant query against an environment's Prometheus (GET /api/v1/query), bounded by a timeout.
// It never throws for Prometheus' sake: down, slow, an error answer or invalid JSON come back as a reason.
import { PROMETHEUS_TIMEOUT_MS, type PromSample, samplesOf } from "@cuitty/core";
import type { PrometheusSettings } from "@cuitty/db";
import { describeFetchError } from "../health/probe.js";
import { type OutboundFetch, defaultOutboundFetch } from "../outboundFetch.js";
import { readCappedBody } from "../responseBody.js";

/** An instant vector of a few hundred series is well under a megabyte; this leaves room for thousands. */
const MAX_PROMETHEUS_ANSWER_BYTES = 16 * 1024 * 1024;

export type PromAnswer = { ok: true; samples: PromSample[] } | { ok: false; reason: string };

export interface PromQueryOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Under the outbound policy like every other outbound request (default: the built-in policy). */
  fetch?: OutboundFetch;
}

function authorization(s: Pick<PrometheusSettings, "bearerToken" | "basicAuth">): Record<string, string> {
  if (s.bearerToken) return { authorization: `Bearer ${s.bearerToken}` };
  if (s.basicAuth) return { authorization: `Basic ${Buffer.from(s.basicAuth).toString("base64")}` };
  return {};
}

/** Evaluates `promql` at unix second `time`. */
export async function promQuery(
  settings: Pick<PrometheusSettings, "url" | "bearerToken" | "basicAuth">,
  promql: string,
  time: number,
  options: PromQueryOptions = {},
): Promise<PromAnswer> {
  const timeoutMs = options.timeoutMs ?? PROMETHEUS_TIMEOUT_MS;
  const url = new URL("api/v1/query", settings.url.endsWith("/") ? settings.url : `${settings.url}/`);
  url.searchParams.set("query", promql);
  url.searchParams.set("time", String(time));
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  try {
    const res = await (options.fetch ?? defaultOutboundFetch())(url, {
      signal: AbortSignal.any(signals),
      redirect: "manual",
      headers: { accept: "application/json", "user-agent": "cuitty-deploys/1", ...authorization(settings) },
    });
    // Within the same timeout: a body that never ends is Prometheus being slow; one past the cap is refused.
    const { text, truncated } = await readCappedBody(res, MAX_PROMETHEUS_ANSWER_BYTES);
    if (truncated) return { ok: false, reason: `HTTP ${res.status}, answer larger than ${MAX_PROMETHEUS_ANSWER_BYTES} bytes` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, reason: `HTTP ${res.status}, not JSON` };
    }
    const answer = samplesOf(body);
    if (!answer.ok) return { ok: false, reason: res.ok ? answer.reason : `HTTP ${res.status}: ${answer.reason}` };
    if (!res.ok) return { ok: false, reason: `HTTP ${res.status}` };
    return answer;
  } catch (error) {
    if (options.signal?.aborted) throw error; // the server is stopping: nothing to report
    return { ok: false, reason: describeFetchError(error, timeoutMs) };
  }
}
