// The HTTP front: /healthz, /trpc/* (limits, raw target and body kept for signatures), extra routes, dashboard.
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { Socket } from "node:net";
import type { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { type ApiHooks, type Logger, type RateLimits, appRouter } from "@cuitty/api";
import {
  CuittyError,
  MAX_CALLS_PER_REQUEST,
  MAX_JSON_DEPTH,
  type OutboundPolicy,
  bodyLimitForPath,
  callsInPath,
  jsonDepthExceeds,
} from "@cuitty/core";
import type { Database } from "@cuitty/db";
import { clientAddressKey } from "./clientAddress.js";
import { callDirect } from "./directCall.js";
import { BodyTooLargeError, readBody } from "./readBody.js";
import { RateLimiter } from "./rateLimiter.js";
import { sendRefusal } from "./refusal.js";
import { parseRequestTarget } from "./requestTarget.js";
import { serveStatic } from "./staticFiles.js";

/**
 * A route outside tRPC (e.g. POST /webhooks/github). It calls `limits.chargeProject` once it has verified a
 * signature; a request that never does is charged to its client address instead.
 */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL, limits: RateLimits) => Promise<void>;

export interface HttpServerOptions {
  db: Database;
  log: Logger;
  hooks: ApiHooks;
  /** Calls per second per project, charged after the signature verifies; 0: off. */
  rateLimit: number;
  /** What health URLs and hook targets may name (checked when they are set). */
  outboundPolicy?: OutboundPolicy;
  /** Unauthenticated or failing requests per second per client address; 0: off. */
  addressRateLimit: number;
  dashboardDir?: string;
  routes?: Record<string, ExtraRoute>;
  now?: () => number;
  /** Single calls straight into their procedure (default); false sends every call through tRPC's fetch adapter. */
  directCalls?: boolean;
}

const TRPC_METHODS = "GET, POST";

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";", 1)[0]?.trim().toLowerCase() === "application/json";
}

export function createHttpServer(opts: HttpServerOptions) {
  const projects = new RateLimiter(opts.rateLimit);
  const addresses = new RateLimiter(opts.addressRateLimit);
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));

  async function handleTrpc(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    pathAndQuery: string,
    limits: RateLimits & { retryAfter(): number },
  ): Promise<number> {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "POST") {
      sendRefusal(res, url, "METHOD_NOT_ALLOWED", `${method} is not allowed here; queries are GET, mutations POST`, {
        allow: TRPC_METHODS,
      });
      return 405;
    }
    const calls = callsInPath(url.pathname);
    if (calls > MAX_CALLS_PER_REQUEST) {
      sendRefusal(res, url, "BATCH_TOO_LARGE", `a request may batch at most ${MAX_CALLS_PER_REQUEST} calls; this one has ${calls}`, {
        connection: "close",
      });
      return 400;
    }
    if (method === "POST" && !isJson(req.headers["content-type"])) {
      sendRefusal(res, url, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON with content-type: application/json", {
        connection: "close",
      });
      return 415;
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
    // Checked before anything parses the JSON: deep nesting overflows recursive validation and serialisation.
    if (jsonDepthExceeds(method === "GET" ? (url.searchParams.get("input") ?? "") : body, MAX_JSON_DEPTH)) {
      sendRefusal(res, url, "VALIDATION_FAILED", `JSON input nests deeper than ${MAX_JSON_DEPTH} levels`);
      return 400;
    }
    // The procedures only read headers by name: node:http's own (lower-cased) record answers that, where a fetch
    // Headers costs a validated copy of every header per request; the stock path below builds one for its Request.
    const raw = req.headers;
    const headers = {
      get(name: string): string | null {
        const v = raw[name.toLowerCase()];
        return typeof v === "string" ? v : null;
      },
    };
    const ctx = {
      db: opts.db,
      // The body as read (nothing writes to it), not a copy.
      req: { method, pathAndQuery, body, headers },
      limits,
      now,
      hooks: opts.hooks,
      log: opts.log,
      outbound: opts.outboundPolicy,
    };
    const onError = ({ error, path }: { error: TRPCError; path?: string }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        opts.log.error("procedure failed", {
          path,
          error: String(error.cause ?? error),
          stack: error.cause instanceof Error ? error.cause.stack : undefined,
        });
      }
    };
    // One call of a known procedure goes straight in (directCall.ts); everything else through tRPC's fetch adapter.
    const direct = opts.directCalls === false ? undefined : await callDirect({ method, url, body, ctx, onError });
    if (direct) {
      const wait = limits.retryAfter();
      if (wait > 0) direct.headers["retry-after"] = String(wait);
      res.writeHead(direct.status, direct.headers);
      res.end(direct.body);
      return direct.status;
    }
    const fetchHeaders = new Headers();
    for (const [k, v] of Object.entries(raw)) if (typeof v === "string") fetchHeaders.set(k, v);
    const request = new Request(url, {
      method,
      headers: fetchHeaders,
      body: method === "GET" ? undefined : new Uint8Array(body),
    });
    const response = await fetchRequestHandler({
      endpoint: "/trpc",
      req: request,
      router: appRouter,
      createContext: () => ctx,
      onError,
    });
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      out[k] = v;
    });
    const wait = limits.retryAfter();
    if (wait > 0) out["retry-after"] = String(wait);
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
    return response.status;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const address = clientAddressKey(req.socket.remoteAddress);
    let status = 500;
    let url: URL | undefined;
    // Everything but /healthz and the dashboard's files costs the client's address unless a signature verified.
    let guarded = true;
    let authenticated = false;
    let retryAfter = 0;
    const limits = {
      chargeProject(projectId: string): number {
        authenticated = true;
        const wait = projects.take(projectId);
        retryAfter = Math.max(retryAfter, wait);
        return wait;
      },
      retryAfter: () => retryAfter,
    };
    try {
      const target = parseRequestTarget(req.url ?? "/");
      url = target.url;
      const route = opts.routes?.[url.pathname];
      if (url.pathname === "/healthz") {
        guarded = false;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, time: now() }));
        status = 200;
      } else if (url.pathname.startsWith("/trpc/") || route) {
        const wait = addresses.peek(address);
        if (wait > 0) {
          sendRefusal(res, url, "RATE_LIMITED", `too many unauthenticated or failed requests from this address; retry in ${wait} s`, {
            "retry-after": String(wait),
            connection: "close",
          });
          status = 429;
        } else if (route) {
          await route(req, res, url, limits);
          status = res.statusCode;
        } else {
          status = await handleTrpc(req, res, url, target.pathAndQuery, limits);
        }
      } else if (req.method === "GET" || req.method === "HEAD") {
        guarded = false;
        await serveStatic(opts.dashboardDir, url.pathname, res);
        status = 200;
      } else {
        sendRefusal(res, url, "NOT_FOUND", "not found");
        status = 404;
      }
    } catch (error) {
      if (error instanceof CuittyError) {
        sendRefusal(res, url, error.code, error.message);
        status = error.httpStatus;
      } else if ((error as NodeJS.ErrnoException).code === "ECONNRESET") {
        // The client went away mid-body: nobody is left to answer, and it is not our failure.
        res.destroy();
        status = 499;
      } else {
        opts.log.error("request failed", { path: url?.pathname, error: String(error) });
        sendRefusal(res, undefined, "INTERNAL", "internal error");
        status = 500;
      }
    } finally {
      if (guarded && !authenticated) addresses.take(address, url ? callsInPath(url.pathname) : 1);
      if (url?.pathname !== "/healthz" && !url?.pathname.startsWith("/assets/")) {
        opts.log.info("request", {
          method: req.method,
          path: url?.pathname ?? "(unparsable target)",
          status,
          ms: Math.round(performance.now() - started),
        });
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only a failure inside the error handling itself lands here; the connection is the one thing left to end.
      opts.log.error("request handling failed", { error: String(error) });
      res.destroy();
    });
  });
  // Node's parser rejects malformed requests before any handler runs; answer them in our shape and never throw.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
    const body = JSON.stringify({
      error: { message: `malformed request: ${reason.toLowerCase()}`, data: { cuittyCode: "VALIDATION_FAILED", httpStatus: status } },
    });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 30_000;
  return server;
}
