// An Octokit for polling: throttling and retry plugins, a request timeout, and an ETag cache so an
// unchanged resource costs a 304 (which GitHub does not count against the rate limit).
import { Octokit } from "@octokit/core";
import type { Hooks } from "@octokit/core/types";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";

export interface GithubClientOptions {
  token: string;
  baseUrl: string;
  timeoutMs: number;
  /** Milliseconds per second of GitHub's waits (Retry-After, backoff); tests shrink it. */
  secondMs: number;
  /** Longest rate-limit wait taken inside a poll, in seconds; beyond it the poll fails and the poller pauses. */
  maxWaitSeconds: number;
  onLimit(kind: "primary" | "secondary", retryAfterSeconds: number): void;
  fetch?: typeof globalThis.fetch;
}

const PollingOctokit = Octokit.plugin(throttling, retry);
export type GithubClient = InstanceType<typeof PollingOctokit> & { notModified: () => number };

/** What a request hook answers (OctokitResponse). */
type OctokitResponse = Hooks["request"]["Result"];

interface CachedResponse {
  etag: string;
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

const MAX_CACHED_URLS = 256;

export function createGithubClient(opts: GithubClientOptions): GithubClient {
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const timedFetch: typeof globalThis.fetch = (input, init = {}) => {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    return baseFetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
  };
  const decide = (kind: "primary" | "secondary") => (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
    opts.onLimit(kind, retryAfter);
    return retryCount < 2 && retryAfter <= opts.maxWaitSeconds;
  };
  const octokit = new PollingOctokit({
    auth: opts.token,
    baseUrl: opts.baseUrl,
    userAgent: "cuitty-sdk",
    request: { fetch: timedFetch },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: {
      onRateLimit: decide("primary"),
      onSecondaryRateLimit: decide("secondary"),
      retryAfterBaseValue: opts.secondMs,
      fallbackSecondaryRateRetryAfter: 60,
    },
    retry: { retries: 3, retryAfterBaseValue: opts.secondMs },
  }) as GithubClient;

  const cache = new Map<string, CachedResponse>();
  let notModified = 0;
  octokit.notModified = () => notModified;
  octokit.hook.wrap("request", async (request, options) => {
    const { method, url } = octokit.request.endpoint.parse(options);
    const cached = method === "GET" ? cache.get(url) : undefined;
    if (cached) options.headers = { ...options.headers, "if-none-match": cached.etag };
    try {
      const response = await request(options);
      const etag = response.headers.etag;
      if (method === "GET" && typeof etag === "string") {
        cache.delete(url);
        cache.set(url, { etag, data: response.data, headers: response.headers });
        if (cache.size > MAX_CACHED_URLS) cache.delete(cache.keys().next().value!);
      }
      return response;
    } catch (error) {
      // A failed request is a RequestError (@octokit/request-error): GitHub's status and answer.
      const failure = error as { status?: number; response?: { headers?: OctokitResponse["headers"] } };
      if (cached && failure.status === 304) {
        notModified++;
        const response: OctokitResponse = {
          status: 304,
          url,
          headers: { ...cached.headers, ...failure.response?.headers },
          data: cached.data,
        };
        return response;
      }
      throw error;
    }
  });
  return octokit;
}
