// Test support for every package: a real server on a random port over real libSQL files in a temp dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppRouter, appRouter } from "@cuitty/api";
import { type CuittyErrorData, signedHeaders } from "@cuitty/core";
import type { inferRouterOutputs } from "@trpc/server";
import { createApiKey } from "@cuitty/db";
import { loadConfig, type ServerConfig } from "./config.js";
import { type ExtensionFactory, type RunningServer, startServer } from "./startServer.js";

export { type CommandResult, runCommand } from "./runCommand.js";

/** Queries go as GET, mutations as POST, as @trpc/client sends them. */
function procedureType(path: string): string | undefined {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } } | undefined>;
  return procedures[path]?._def.type;
}

type Outputs = inferRouterOutputs<AppRouter>;

/** Every procedure of the router by its wire name, e.g. "deploys.list". */
export type ProcedurePath = { [R in keyof Outputs & string]: `${R}.${keyof Outputs[R] & string}` }[keyof Outputs & string];

/** The answer of a procedure, from the router's own types. */
export type ProcedureOutput<P extends ProcedurePath> = P extends `${infer R extends keyof Outputs & string}.${infer N}`
  ? N extends keyof Outputs[R]
    ? Outputs[R][N]
    : never
  : never;

/**
 * A response body as the server sends it: `result` when the call succeeded, `error` (the error formatter's shape)
 * when it was refused. Exactly one is present and the status says which, so tests read either without narrowing.
 */
export interface ResponseBody<T> {
  result: { data: T };
  error: { message: string; code: number; data: CuittyErrorData };
}

export interface SignedRequestOptions {
  input?: unknown;
  method?: "GET" | "POST";
  key?: string;
  projectId?: string;
  timestamp?: number;
  rawBody?: string;
}

/** A raw signed request, exactly as any client would send it (default key: admin). */
export interface SignedRequest {
  /** A procedure: the body is typed by the router. */
  <P extends ProcedurePath>(procedure: P, opts?: SignedRequestOptions): Promise<{ status: number; body: ResponseBody<ProcedureOutput<P>> }>;
  /** Anything else (an unknown procedure, a batch, a crafted target): the envelope, its data unknown. */
  (procedure: string, opts?: SignedRequestOptions): Promise<{ status: number; body: ResponseBody<unknown> }>;
}

export function signedRequester(url: string, projectId: string, defaultKey: string): SignedRequest {
  // One implementation behind both signatures: the typed one is the router's answer as the wire sends it.
  return (async (procedure: string, opts: SignedRequestOptions = {}) => {
    const method = opts.method ?? (procedureType(procedure) === "query" ? "GET" : "POST");
    const body = opts.rawBody ?? (method === "POST" ? JSON.stringify(opts.input ?? {}) : "");
    const pathAndQuery =
      method === "GET" && opts.input !== undefined
        ? `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(opts.input))}`
        : `/trpc/${procedure}`;
    const headers = await signedHeaders(
      { projectId: opts.projectId ?? projectId, apiKey: opts.key ?? defaultKey },
      { method, pathAndQuery, body, timestamp: opts.timestamp },
    );
    const res = await fetch(url + pathAndQuery, {
      method,
      headers: { ...headers, "content-type": "application/json" },
      body: method === "POST" ? body : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed };
  }) as SignedRequest;
}

export interface TestServer extends RunningServer {
  dataDir: string;
  projectId: string;
  keys: { admin: string; read: string; ingest: string };
  request: SignedRequest;
  /** Stops the server and deletes the temp dir (unless keepData). */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startTestServer(
  options: { dataDir?: string; config?: Partial<ServerConfig>; extensions?: ExtensionFactory[] } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "cuitty-test-"));
  // GitHub's API defaults to a closed local port, so no test ever reaches the real GitHub.
  const config = loadConfig(
    {},
    {
      port: 0,
      host: "127.0.0.1",
      dataDir,
      logLevel: "silent",
      rateLimit: 0,
      addressRateLimit: 0,
      githubApiUrl: "http://127.0.0.1:9",
      ...options.config,
    },
  );
  const server = await startServer(config, { extensions: options.extensions ?? [] });
  const url = `http://127.0.0.1:${server.port}`;
  const creds = server.firstStart.credentials!;
  const projectId = creds.projectId;
  const keys = {
    admin: creds.apiKey,
    read: (await createApiKey(server.db, projectId, "read", "test")).apiKey,
    ingest: (await createApiKey(server.db, projectId, "ingest", "test")).apiKey,
  };
  return {
    ...server,
    url,
    dataDir,
    projectId,
    keys,
    request: signedRequester(url, projectId, keys.admin),
    async stop(stopOpts = {}) {
      await server.close();
      if (!stopOpts.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
