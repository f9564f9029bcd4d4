// One delivery attempt of an outbound event: a JSON POST signed exactly like a wire-protocol request (the
// subscription's secret as key, the receiver URL's path and query signed), so receivers verify with core's verify().
import type { HookEvent, HookFormat } from "@cuitty/core";
import type { OutboundFetch } from "../outboundFetch.js";
import { type PostOutcome, postOnce, signedDeliveryHeaders } from "../outboundPost.js";
import { slackText } from "./slackText.js";

export type DeliveryAttempt = PostOutcome;

function deliveryBody(payload: string, format: HookFormat): string {
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
  const headers = await signedDeliveryHeaders(url, {
    projectId: target.projectId,
    secret: target.secret,
    body,
    eventType: event.type,
    deliveryId: event.id,
  });
  return postOnce(url, headers, body, opts);
}
