// The one outbound POST shared by rollback hooks and outbound events: JSON POSTs signed exactly like a
// wire-protocol request (a secret as key, the receiver URL's path and query signed) with the event type and a
// delivery id the receiver deduplicates by. The retry policy is delivery/retryPolicy.ts.
import { HOOK_DELIVERY_ID_HEADER, HOOK_EVENT_TYPE_HEADER, signedHeaders } from "@cuitty/core";
import { describeFetchError } from "./health/probe.js";
import { readCappedBody } from "./responseBody.js";
import { OutboundBlockedError, type OutboundFetch, defaultOutboundFetch } from "./outboundFetch.js";

const BASE_HEADERS = { "content-type": "application/json", "user-agent": "cuitty-deploys/1" };

/** Headers of a signed delivery: the wire protocol's three signature headers plus event type and delivery id. */
export async function signedDeliveryHeaders(
  url: URL,
  d: { projectId: string; secret: string; body: string; eventType: string; deliveryId: string | number },
): Promise<Record<string, string>> {
  return {
    ...BASE_HEADERS,
    ...(await signedHeaders(
      { projectId: d.projectId, apiKey: d.secret },
      { method: "POST", pathAndQuery: url.pathname + url.search, body: d.body },
    )),
    [HOOK_EVENT_TYPE_HEADER]: d.eventType,
    [HOOK_DELIVERY_ID_HEADER]: String(d.deliveryId),
  };
}

export interface PostOutcome {
  delivered: boolean;
  /** HTTP status, or null when no answer came (network error, timeout). */
  status: number | null;
  /** `HTTP 503: <first 300 bytes>` or the network error; null when delivered. */
  error: string | null;
  durationMs: number;
  /** The outbound policy refused the target: retrying cannot succeed while the server runs. */
  blocked: boolean;
}

/** One POST attempt: no redirects followed, bounded by `timeoutMs`; a stop aborts it and throws. */
export async function postOnce(
  url: string | URL,
  headers: Record<string, string>,
  body: string,
  opts: { timeoutMs: number; stopSignal: AbortSignal; fetch?: OutboundFetch },
): Promise<PostOutcome> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await (opts.fetch ?? defaultOutboundFetch())(url, {
      method: "POST",
      headers: { ...BASE_HEADERS, ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.stopSignal]),
    });
    // Only the start of a refusal is kept (300 bytes in the delivery log): the rest is never read.
    const text = (await readCappedBody(res, 4096).catch(() => ({ text: "" }))).text;
    if (res.status >= 200 && res.status < 300)
      return { delivered: true, status: res.status, error: null, durationMs: took(), blocked: false };
    return {
      delivered: false,
      status: res.status,
      error: `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`,
      durationMs: took(),
      blocked: false,
    };
  } catch (error) {
    if (opts.stopSignal.aborted) throw error;
    const blocked = (error as { cause?: unknown }).cause instanceof OutboundBlockedError;
    return { delivered: false, status: null, error: describeFetchError(error, opts.timeoutMs), durationMs: took(), blocked };
  }
}
