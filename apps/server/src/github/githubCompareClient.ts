// GitHub's compare API for the webhook receiver: what a go-live ships between the previous live commit and
// its own. Conditional requests through an ETag cache (a 304 is free of GitHub's rate limit), a timeout, and
// no calls at all while GitHub says the rate limit is spent: the caller then falls back to the head commit.
import { readCappedBody } from "../responseBody.js";
import { type GithubCompare, compareBasehead } from "@cuitty/core";

const MAX_CACHED = 256;
const TIMEOUT_MS = 5_000;

/** A compare of 250 commits with their files runs to a few megabytes; past this the head commit alone is sent. */
const MAX_COMPARE_ANSWER_BYTES = 16 * 1024 * 1024;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface GithubCompareClient {
  /** The compare answer, or undefined when GitHub cannot or may not answer now (unknown commit, limit, outage). */
  compare(repo: string, base: string, head: string): Promise<GithubCompare | undefined>;
}

export function createGithubCompareClient(opts: { apiUrl: string; token?: string; fetch?: typeof globalThis.fetch }): GithubCompareClient {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const cache = new Map<string, { etag: string; data: GithubCompare }>();
  let limitedUntilMs = 0;

  return {
    async compare(repo, base, head) {
      if (Date.now() < limitedUntilMs || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
      const url = `${opts.apiUrl.replace(/\/+$/, "")}/repos/${repo}/compare/${compareBasehead(base, head)}`;
      const cached = cache.get(url);
      const headers: Record<string, string> = {
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "cuitty-server",
      };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (cached) headers["if-none-match"] = cached.etag;
      let res: Response;
      try {
        res = await fetchFn(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch {
        return undefined;
      }
      if (res.status === 304 && cached) return cached.data;
      if (
        (res.status === 403 || res.status === 429) &&
        (res.headers.get("x-ratelimit-remaining") === "0" || res.headers.has("retry-after"))
      ) {
        const retryAfter = Number(res.headers.get("retry-after"));
        const reset = Number(res.headers.get("x-ratelimit-reset"));
        limitedUntilMs = retryAfter > 0 ? Date.now() + retryAfter * 1000 : reset > 0 ? reset * 1000 : Date.now() + 60_000;
        return undefined;
      }
      if (res.status !== 200) return undefined;
      const body = await readCappedBody(res, MAX_COMPARE_ANSWER_BYTES).catch(() => undefined);
      const data = body && !body.truncated ? (parseJson(body.text) as GithubCompare | undefined) : undefined;
      const etag = res.headers.get("etag");
      if (data && etag) {
        cache.delete(url);
        cache.set(url, { etag, data });
        if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
      }
      return data;
    },
  };
}
