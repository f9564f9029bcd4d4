// `cuitty serve` and the local administration commands, run from the built binary against real files.
import { execFile } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "@cuitty/core";
import { openDatabase } from "@cuitty/db";
import type { ProcedureOutput, ProcedurePath, ResponseBody } from "@cuitty/server/testing";
import { CLI, type ServeProcess, startServe } from "./serveProcess.js";

const run = promisify(execFile);
const cuitty = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

/** A signed POST whose promise resolves once its whole body has left this process, plus its answer. */
async function sendSigned<P extends ProcedurePath>(url: string, projectId: string, apiKey: string, procedure: P, input: unknown) {
  const body = JSON.stringify(input);
  const path = `/trpc/${procedure}`;
  const headers = await signedHeaders({ projectId, apiKey }, { method: "POST", pathAndQuery: path, body });
  let sent!: () => void;
  const flushed = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<{ status: number; body: ResponseBody<ProcedureOutput<P>> }>((resolve, reject) => {
    const req = httpRequest(url.replace("localhost", "127.0.0.1") + path, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.on("finish", sent);
    req.end(body);
  });
  return { flushed, answer };
}

async function signed<P extends ProcedurePath>(
  url: string,
  projectId: string,
  apiKey: string,
  procedure: P,
  input?: unknown,
  method = "POST",
) {
  const body = method === "POST" ? JSON.stringify(input) : "";
  const path =
    method === "GET" && input !== undefined
      ? `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `/trpc/${procedure}`;
  const headers = await signedHeaders({ projectId, apiKey }, { method, pathAndQuery: path, body });
  const res = await fetch(url.replace("localhost", "127.0.0.1") + path, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: method === "POST" ? body : undefined,
  });
  return { status: res.status, body: (await res.json()) as ResponseBody<ProcedureOutput<P>> };
}

let dir: string;
let dataDir: string;
let serve: ServeProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cuitty-serve-"));
  dataDir = join(dir, ".cuitty");
  serve = await startServe(dataDir, dir);
});
afterAll(async () => {
  if (serve.child.exitCode === null) serve.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("first start", () => {
  it("should print the project and admin key once and write them to credentials.json with mode 0600", async () => {
    // The banner goes to stderr after "listening" goes to stdout: two pipes, so wait for it.
    await until(() => serve.stderr().includes(serve.creds.apiKey), 10_000);
    expect(serve.stderr()).toContain(serve.creds.projectId);
    expect(serve.stderr()).toContain(serve.creds.apiKey);
    expect(statSync(join(dataDir, "credentials.json")).mode & 0o777).toBe(0o600);
    expect(serve.creds.portalUrl).toBe(serve.url);
  });

  it("should serve /healthz and the dashboard route", async () => {
    const health = await fetch(`${serve.url.replace("localhost", "127.0.0.1")}/healthz`);
    expect(health.status).toBe(200);
    const page = await fetch(`${serve.url.replace("localhost", "127.0.0.1")}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
  });
});

describe("keys on the data directory while the server runs", () => {
  it("should issue a read key that works at once, list it without its secret, and revoke it", async () => {
    const created = JSON.parse(
      (await cuitty(["keys", "create", "--scope", "read", "--label", "test", "--json", "--data", dataDir])).stdout,
    );
    expect(created.apiKey).toMatch(/^cdk_read_/);
    const ok = await signed(serve.url, created.projectId, created.apiKey, "deploys.current", undefined, "GET");
    expect(ok.status).toBe(200);
    const listed = (await cuitty(["keys", "list", "--json", "--data", dataDir])).stdout;
    expect(listed).toContain(created.keyId);
    expect(listed).not.toContain(created.apiKey);
    await cuitty(["keys", "revoke", created.keyId, "--data", dataDir]);
    const refused = await signed(serve.url, created.projectId, created.apiKey, "deploys.current", undefined, "GET");
    expect(refused.body.error.data.cuittyCode).toBe("BAD_SIGNATURE");
  });

  it("should refuse to revoke an unknown key with a clear message and a non-zero exit", async () => {
    const err = await cuitty(["keys", "revoke", "key_nope", "--data", dataDir]).catch((e) => e);
    expect(err.code).toBeGreaterThan(0);
    expect(err.stderr).toContain("no active key key_nope");
    expect(err.stderr).toContain("E_NOT_FOUND");
  });

  it("should create a second project whose key cannot read the first", async () => {
    const p = JSON.parse((await cuitty(["projects", "create", "payments", "--json", "--data", dataDir])).stdout);
    const res = await signed(serve.url, serve.creds.projectId, p.apiKey, "deploys.current", undefined, "GET");
    expect(res.body.error.data.cuittyCode).toBe("BAD_SIGNATURE");
  });
});

describe("backup while the server runs", () => {
  it("should write a consistent copy that opens with every deploy in it", async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ type: "deploy", deploy: `bk-${i}`, status: "live", environment: "production" }));
    const res = await signed(serve.url, serve.creds.projectId, serve.creds.apiKey, "deploys.emitBatch", { events });
    expect(res.status).toBe(200);
    const target = join(dir, "backup");
    await cuitty(["backup", target, "--data", dataDir]);
    const copy = await openDatabase({ dataDir: target });
    const n = (await copy.clients.deploys.execute("SELECT count(*) AS n FROM deploys WHERE external_key LIKE 'bk-%'")).rows[0]!.n;
    copy.close();
    expect(Number(n)).toBe(50);
  });
});

describe("graceful shutdown", () => {
  it("should finish an in-flight request on SIGTERM, close the database and exit 0, with no key in its logs", async () => {
    const events = Array.from({ length: 500 }, (_, i) => ({
      type: "deploy",
      deploy: `sig-${i}`,
      status: "building",
      environment: "staging",
    }));
    const inFlight = await sendSigned(serve.url, serve.creds.projectId, serve.creds.apiKey, "deploys.emitBatch", { events });
    await inFlight.flushed;
    serve.child.kill("SIGTERM");
    const res = await inFlight.answer;
    expect(res.status).toBe(200);
    expect(res.body.result.data.results).toHaveLength(500);
    expect(await Promise.race([serve.exited, new Promise((r) => setTimeout(() => r("timeout"), 15_000))])).toBe(0);
    const db = await openDatabase({ dataDir });
    const n = (await db.clients.deploys.execute("SELECT count(*) AS n FROM deploys WHERE external_key LIKE 'sig-%'")).rows[0]!.n;
    db.close();
    expect(Number(n)).toBe(500);
    expect(serve.stdout()).not.toContain(serve.creds.apiKey);
    expect(serve.stdout()).not.toContain("v1=");
    expect(serve.stdout()).toContain('"msg":"stopped"');
  });
});
