// One delivery attempt of an outbound event: a JSON POST signed exactly like a wire-protocol request (the
// subscription's secret as key, the receiver URL's path and query signed), so receivers verify with core's verify().
import { HOOK_DELIVERY_ID_HEADER, HOOK_EVENT_TYPE_HEADER, type HookEvent, type HookFormat, signedHeaders } from "@cuitty/core";
import { describeFetchError } from "../health/probe.js";
import { type OutboundFetch, defaultOutboundFetch } from "../outboundFetch.js";
import { slackText } from "./slackText.js";

export interface DeliveryAttempt {
  delivered: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export function deliveryBody(payload: string, format: HookFormat): string {
  if (format === "json") return payload;
  return JSON.stringify({ text: slackText(JSON.parse(payload) as HookEvent) });
}

export async function deliverEvent(
  target: { url: string; secret: string; projectId: string; format: HookFormat },
  event: { id: number; type: string; payload: string },
  opts: { timeoutMs: number; stopSignal: AbortSignal; fetch?: OutboundFetch },
): Promise<DeliveryAttempt> {
  const body = deliveryBody(event.payload, target.format);
  const url = new URL(target.url);
  const headers = {
    "content-type": "application/json",
    "user-agent": "cuitty-deploys/1",
    ...(await signedHeaders({ projectId: target.projectId, apiKey: target.secret }, { method: "POST", pathAndQuery: url.pathname + url.search, body })),
    [HOOK_EVENT_TYPE_HEADER]: event.type,
    [HOOK_DELIVERY_ID_HEADER]: String(event.id),
  };
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  try {
    const res = await (opts.fetch ?? defaultOutboundFetch())(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.stopSignal]),
    });
    const text = await res.text().catch(() => "");
    if (res.status >= 200 && res.status < 300) return { delivered: true, status: res.status, error: null, durationMs: took() };
    return { delivered: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`, durationMs: took() };
  } catch (error) {
    if (opts.stopSignal.aborted) throw error;
    return { delivered: false, status: null, error: describeFetchError(error, opts.timeoutMs), durationMs: took() };
  }
}
