// HMAC-SHA256 request signing of docs/design.md §4, on Web Crypto so browsers, Node and edge runtimes share it.

export const HEADER_PROJECT = "x-cuitty-project";
export const HEADER_TIMESTAMP = "x-cuitty-timestamp";
export const HEADER_SIGNATURE = "x-cuitty-signature";
export const SIGNATURE_VERSION = "v1";

export interface SignInput {
  apiKey: string;
  timestamp: number;
  method: string;
  /** Path relative to the portal URL, starting with `/trpc/`, query string included. */
  pathAndQuery: string;
  /** Raw body exactly as sent; empty for GET. */
  body: string | Uint8Array;
}

const encoder = new TextEncoder();

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/** The bytes that are signed: timestamp, method, path and raw body joined by newlines. */
export function signingBytes(input: Omit<SignInput, "apiKey">): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${input.timestamp}\n${input.method.toUpperCase()}\n${input.pathAndQuery}\n`);
  const body = toBytes(input.body);
  const out = new Uint8Array(new ArrayBuffer(head.length + body.length));
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

// Importing a key costs more than the HMAC itself; servers verify with the same few keys all day.
const keyCache = new Map<string, ReturnType<typeof globalThis.crypto.subtle.importKey>>();

function importKey(apiKey: string, usage: "sign" | "verify") {
  const cacheKey = `${usage}:${apiKey}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    if (keyCache.size >= 1000) keyCache.clear();
    key = globalThis.crypto.subtle.importKey("raw", encoder.encode(apiKey), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    keyCache.set(cacheKey, key);
  }
  return key;
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return null;
  const out = new Uint8Array(new ArrayBuffer(hex.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Sign a request; returns the header value `v1=<hex>`. */
export async function sign(input: SignInput): Promise<string> {
  const key = await importKey(input.apiKey, "sign");
  const mac = await globalThis.crypto.subtle.sign("HMAC", key, signingBytes(input));
  return `${SIGNATURE_VERSION}=${toHex(mac)}`;
}

/** Check a `v1=<hex>` header value against a key; the comparison is constant-time (HMAC verify). */
export async function verify(input: SignInput & { signature: string }): Promise<boolean> {
  const prefix = `${SIGNATURE_VERSION}=`;
  if (!input.signature.startsWith(prefix)) return false;
  const mac = fromHex(input.signature.slice(prefix.length));
  if (mac?.length !== 32) return false;
  const key = await importKey(input.apiKey, "verify");
  return globalThis.crypto.subtle.verify("HMAC", key, mac, signingBytes(input));
}

export interface Credentials {
  portalUrl: string;
  projectId: string;
  apiKey: string;
}

/** The three headers of a signed request. */
export async function signedHeaders(
  creds: Omit<Credentials, "portalUrl">,
  req: { method: string; pathAndQuery: string; body: string | Uint8Array; timestamp?: number },
): Promise<Record<string, string>> {
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    [HEADER_PROJECT]: creds.projectId,
    [HEADER_TIMESTAMP]: String(timestamp),
    [HEADER_SIGNATURE]: await sign({ apiKey: creds.apiKey, method: req.method, pathAndQuery: req.pathAndQuery, body: req.body, timestamp }),
  };
}

/** The path of `url` relative to `portalUrl` (so a proxy that strips a prefix keeps signatures valid). */
export function pathRelativeToPortal(portalUrl: string, url: string): string {
  const base = new URL(portalUrl);
  const target = new URL(url, base);
  const basePath = base.pathname.replace(/\/+$/, "");
  const path = target.pathname.startsWith(`${basePath}/`) ? target.pathname.slice(basePath.length) : target.pathname;
  return path + target.search;
}
