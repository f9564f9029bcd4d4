// The HTTP front: /healthz, /trpc/* (body limit, rate limit, raw body kept for signatures), extra routes, dashboard.
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type ApiHooks, type Logger, appRouter } from "@cuitty/api";
import { HEADER_PROJECT, type OutboundPolicy, bodyLimitForPath } from "@cuitty/core";
import type { Database } from "@cuitty/db";
import { BodyTooLargeError, readBody } from "./readBody.js";
import { RateLimiter } from "./rateLimiter.js";
import { sendRefusal } from "./refusal.js";
import { serveStatic } from "./staticFiles.js";

/** A route outside tRPC (e.g. POST /webhooks/github), given the raw body. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface HttpServerOptions {
  db: Database;
  log: Logger;
  hooks: ApiHooks;
  rateLimit: number;
  /** What health URLs and hook targets may name (checked when they are set). */
  outboundPolicy?: OutboundPolicy;
  dashboardDir?: string;
  routes?: Record<string, ExtraRoute>;
  now?: () => number;
}

export function createHttpServer(opts: HttpServerOptions) {
  const limiter = new RateLimiter(opts.rateLimit);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));

  async function handleTrpc(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const project = String(req.headers[HEADER_PROJECT] ?? "");
    const wait = limiter.take(project);
    if (wait > 0) {
      sendRefusal(res, url, "RATE_LIMITED", `too many requests for project ${project}; retry in ${wait} s`, {
        "retry-after": String(wait),
      });
      return 429;
    }
    const limit = bodyLimitForPath(url.pathname);
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendRefusal(res, url, "PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes for this procedure`, {
        connection: "close",
      });
      return 413;
    }
    const method = req.method ?? "GET";
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(url, {
      method,
      headers,
      body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body),
    });
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req: request,
      router: appRouter,
      createContext: () => ({
        db: opts.db,
        req: { method, pathAndQuery: url.pathname + url.search, body: new Uint8Array(body), headers },
        now,
        hooks: opts.hooks,
        log: opts.log,
        outbound: opts.outboundPolicy,
      }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") {
          opts.log.error("procedure failed", { path, error: String(error.cause ?? error), stack: error.cause instanceof Error ? error.cause.stack : undefined });
        }
      },
    });
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => (out[k] = v));
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
    return response.status;
  }

  const server = createServer(async (req, res) => {
    const started = performance.now();
    let status = 500;
    const url = new URL(req.url ?? "/", "http://localhost");
    try {
      if (url.pathname === "/healthz") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, time: now() }));
        status = 200;
      } else if (url.pathname.startsWith("/trpc/")) {
        status = await handleTrpc(req, res, url);
      } else if (opts.routes?.[url.pathname]) {
        await opts.routes[url.pathname]!(req, res, url);
        status = res.statusCode;
      } else if (req.method === "GET" || req.method === "HEAD") {
        await serveStatic(opts.dashboardDir, url.pathname, res);
        status = 200;
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found", data: { cuittyCode: "NOT_FOUND", httpStatus: 404 } } }));
        status = 404;
      }
    } catch (error) {
      opts.log.error("request failed", { path: url.pathname, error: String(error) });
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "internal error", data: { cuittyCode: "INTERNAL", httpStatus: 500 } } }));
      } else res.destroy();
    } finally {
      if (url.pathname !== "/healthz" && !url.pathname.startsWith("/assets/")) {
        opts.log.info("request", { method: req.method, path: url.pathname, status, ms: Math.round(performance.now() - started) });
      }
    }
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 30_000;
  return server;
}
