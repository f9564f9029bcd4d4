// HTTP over a raw socket, for requests an HTTP client refuses to send (bad targets, bodies never sent, odd headers).
import { connect } from "node:net";
import type { ResponseBody } from "../src/testing.js";

/** B: what the test reads the JSON answer as; by default the tRPC body (`result`, or a refusal's `error`). */
export interface RawResponse<B = ResponseBody<unknown>> {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The answer parsed as JSON, or the text when it is not JSON. */
  body: B;
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000 && at < data.length; guard++) {
    const eol = data.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = Number.parseInt(data.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parse<B>(data: Buffer): RawResponse<B> {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete HTTP answer: ${JSON.stringify(data.toString("latin1").slice(0, 200))}`);
  const [statusLine = "", ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(end + 4);
  const text = (headers["transfer-encoding"] === "chunked" ? dechunk(rest) : rest).toString("utf8");
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: Number(statusLine.split(" ")[1]), headers, text, body: body as B };
}

/**
 * Writes `request` as is and reads until the server closes the connection (send `connection: close`, or a request
 * the server answers by closing). `localAddress` sends from another loopback address, i.e. as another client.
 */
export function rawRequest<B = ResponseBody<unknown>>(
  port: number,
  request: string | Buffer,
  opts: { localAddress?: string; timeoutMs?: number } = {},
): Promise<RawResponse<B>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress: opts.localAddress });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 80))}`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer (the server closing on an unread body) still leaves the answer to read.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parse<B>(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A one-request HTTP/1.1 message that asks the server to close afterwards. */
export function httpMessage(method: string, target: string, headers: Record<string, string> = {}, body = ""): string {
  const all: Record<string, string> = { host: "127.0.0.1", connection: "close", ...headers };
  if (body && !("content-length" in all)) all["content-length"] = String(Buffer.byteLength(body));
  return `${method} ${target} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n${body}`;
}
