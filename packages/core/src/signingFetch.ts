// A fetch wrapper that signs every request: the "signing link" all TypeScript clients pass to @trpc/client.
import { type Credentials, pathRelativeToPortal, signedHeaders } from "./signature.js";

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function createSigningFetch(creds: Credentials, baseFetch: FetchLike = (i, n) => globalThis.fetch(i, n)): FetchLike {
  return async (input, init = {}) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? init.body : "";
    if (init.body != null && typeof init.body !== "string") {
      throw new TypeError("createSigningFetch signs string bodies only (tRPC sends JSON strings)");
    }
    const headers = new Headers(init.headers);
    const signed = await signedHeaders(creds, { method, pathAndQuery: pathRelativeToPortal(creds.portalUrl, url), body });
    for (const [k, v] of Object.entries(signed)) headers.set(k, v);
    return baseFetch(url, { ...init, method, headers });
  };
}
