// The direct path (directCall.ts) answers byte for byte as tRPC's fetch adapter does. Two servers over copies of
// one data directory, one with direct calls and one without, get the same requests in the same order with the
// same clock; every answer (status, headers, body) must be the same, errors included.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { type Server, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApiHooks } from "@cuitty/api";
import { signedHeaders } from "@cuitty/core";
import { type Database, openDatabase } from "@cuitty/db";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHttpServer } from "../src/httpServer.js";
import { createLogger } from "../src/logger.js";
import { startTestServer } from "../src/testing.js";

const NOW = Math.floor(Date.now() / 1000);
const dirs: string[] = [];
const running: { server: Server; db: Database }[] = [];
let projectId: string;
let keys: { admin: string; read: string; ingest: string };

async function serve(dataDir: string, directCalls: boolean, rateLimit: number): Promise<string> {
  const db = await openDatabase({ dataDir });
  const hooks: ApiHooks = {};
  const server = createHttpServer({ db, log: createLogger("silent"), hooks, rateLimit, addressRateLimit: 0, now: () => NOW, directCalls });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  running.push({ server, db });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Two servers, stock and direct, over identical copies of one data directory. */
async function pair(rateLimit: number): Promise<[string, string]> {
  const base = dirs[0]!;
  const copies = [mkdtempSync(join(tmpdir(), "cuitty-direct-")), mkdtempSync(join(tmpdir(), "cuitty-direct-"))];
  for (const c of copies) cpSync(base, c, { recursive: true }), dirs.push(c);
  return [await serve(copies[0]!, false, rateLimit), await serve(copies[1]!, true, rateLimit)];
}

interface Req {
  name: string;
  method: string;
  target: string;
  body?: string;
  key?: keyof typeof keys | "none" | "wrong";
  project?: string;
  timestamp?: number;
  contentType?: string;
}

async function send(url: string, r: Req) {
  const body = r.body ?? "";
  const signed =
    r.key === "none"
      ? {}
      : await signedHeaders(
          { projectId: r.project ?? projectId, apiKey: r.key === "wrong" ? "cdk_ingest_not-a-key" : keys[r.key ?? "admin"] },
          { method: r.method, pathAndQuery: r.target, body, timestamp: r.timestamp ?? NOW },
        );
  // node:http, so the headers are compared as sent: names, values and order (only Date differs by nature).
  const answer = await new Promise<{ status: number; headers: string[]; body: string }>((resolve, reject) => {
    const req = request(url + r.target, {
      method: r.method,
      headers: { ...signed, ...(r.method === "GET" ? {} : { "content-type": r.contentType ?? "application/json" }) },
    });
    req.once("error", reject);
    req.once("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("end", () => {
        const headers = res.rawHeaders.flatMap((v, i, all) => (i % 2 === 0 && v.toLowerCase() !== "date" ? [`${v}: ${all[i + 1]}`] : []));
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
      });
    });
    req.end(r.method === "GET" ? undefined : body);
  });
  return answer;
}

async function compare(urls: [string, string], requests: Req[]) {
  for (const r of requests) {
    const stock = await send(urls[0], r);
    const direct = await send(urls[1], r);
    expect(direct, r.name).toEqual(stock);
  }
}

const ev = (deploy: string, status: string, extra: object = {}) =>
  JSON.stringify({
    id: `evt-${deploy}-${status}`,
    type: "deploy",
    deploy,
    status,
    environment: "production",
    occurredAt: NOW - 100,
    ...extra,
  });
const q = (procedure: string, input?: unknown) =>
  `/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "cuitty-direct-"));
  dirs.push(dir);
  const first = await startTestServer({ dataDir: dir });
  projectId = first.projectId;
  keys = first.keys;
  await first.stop({ keepData: true });
});
afterAll(async () => {
  for (const { server, db } of running) await new Promise((r) => server.close(r)), db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

it("should answer every success, refusal, batch, GET and method mismatch exactly as tRPC's fetch adapter does", async () => {
  const urls = await pair(0);
  await compare(urls, [
    { name: "emit creates", method: "POST", target: "/trpc/deploys.emit", body: ev("a", "building"), key: "ingest" },
    { name: "emit moves", method: "POST", target: "/trpc/deploys.emit", body: ev("a", "live") },
    { name: "emit repeats an event id", method: "POST", target: "/trpc/deploys.emit", body: ev("a", "live") },
    { name: "emit of the same status", method: "POST", target: "/trpc/deploys.emit", body: ev("a", "live", { id: "evt-other" }) },
    { name: "second live deploy", method: "POST", target: "/trpc/deploys.emit", body: ev("b", "live") },
    { name: "INVALID_TRANSITION", method: "POST", target: "/trpc/deploys.emit", body: ev("a", "building", { id: "evt-back" }) },
    { name: "VALIDATION_FAILED", method: "POST", target: "/trpc/deploys.emit", body: JSON.stringify({ type: "deploy", status: "nope" }) },
    { name: "VALIDATION_FAILED (no input)", method: "POST", target: "/trpc/deploys.emit", body: "" },
    { name: "unparsable JSON", method: "POST", target: "/trpc/deploys.emit", body: "{not json" },
    {
      name: "emitBatch",
      method: "POST",
      target: "/trpc/deploys.emitBatch",
      body: JSON.stringify({
        events: [JSON.parse(ev("c", "initiated")), JSON.parse(ev("c", "building")), JSON.parse(ev("c", "initiated", { id: "x" }))],
      }),
    },
    { name: "BAD_SIGNATURE", method: "POST", target: "/trpc/deploys.emit", body: ev("d", "live"), key: "wrong" },
    { name: "BAD_SIGNATURE (unsigned)", method: "POST", target: "/trpc/deploys.emit", body: ev("d", "live"), key: "none" },
    { name: "STALE_TIMESTAMP", method: "POST", target: "/trpc/deploys.emit", body: ev("d", "live"), timestamp: NOW - 1000 },
    { name: "UNKNOWN_PROJECT", method: "POST", target: "/trpc/deploys.emit", body: ev("d", "live"), project: "prj_missing" },
    { name: "FORBIDDEN_SCOPE", method: "POST", target: "/trpc/deploys.emit", body: ev("d", "live"), key: "read" },
    {
      name: "FORBIDDEN_SCOPE (rollback with ingest)",
      method: "POST",
      target: "/trpc/deploys.rollback",
      body: JSON.stringify({ deployId: 2 }),
      key: "ingest",
    },
    { name: "NOT_FOUND", method: "GET", target: q("deploys.get", { id: 999 }), key: "read" },
    {
      name: "INVALID_ROLLBACK_TARGET",
      method: "POST",
      target: "/trpc/deploys.rollback",
      body: JSON.stringify({ deployId: 2, targetId: 2 }),
    },
    { name: "rollback", method: "POST", target: "/trpc/deploys.rollback", body: JSON.stringify({ deployId: 2, reason: "bad" }) },
    { name: "GET with input", method: "GET", target: q("deploys.list", { limit: 2 }), key: "read" },
    { name: "GET one deploy", method: "GET", target: q("deploys.get", { id: 1 }), key: "read" },
    { name: "GET without input", method: "GET", target: q("deploys.current"), key: "read" },
    { name: "GET with unparsable input", method: "GET", target: "/trpc/deploys.list?input=%7Bnope", key: "read" },
    { name: "GET with invalid input", method: "GET", target: q("deploys.list", { limit: "many" }), key: "read" },
    {
      name: "batch of queries",
      method: "GET",
      target: `/trpc/deploys.list,deploys.current?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { limit: 1 } }))}`,
      key: "read",
    },
    {
      name: "batch of mutations",
      method: "POST",
      target: "/trpc/deploys.emit,deploys.emit?batch=1",
      body: JSON.stringify({ 0: JSON.parse(ev("e", "live")), 1: JSON.parse(ev("e", "failed")) }),
    },
    { name: "GET on a mutation", method: "GET", target: q("deploys.emit", JSON.parse(ev("f", "live"))) },
    { name: "POST on a query", method: "POST", target: "/trpc/deploys.list", body: "{}" },
    { name: "unknown procedure", method: "POST", target: "/trpc/deploys.nope", body: "{}" },
    { name: "unknown procedure (GET)", method: "GET", target: q("nope") },
    { name: "encoded procedure path", method: "POST", target: "/trpc/deploys%2Eemit", body: ev("g", "live") },
    { name: "METHOD_NOT_ALLOWED", method: "PUT", target: "/trpc/deploys.emit", body: ev("h", "live") },
    { name: "UNSUPPORTED_MEDIA_TYPE", method: "POST", target: "/trpc/deploys.emit", body: ev("h", "live"), contentType: "text/plain" },
    { name: "PAYLOAD_TOO_LARGE", method: "POST", target: "/trpc/deploys.emit", body: JSON.stringify({ pad: "x".repeat(70_000) }) },
  ]);
});

it("should answer RATE_LIMITED, with its Retry-After, exactly as tRPC's fetch adapter does", async () => {
  const urls = await pair(1);
  const requests: Req[] = Array.from({ length: 4 }, (_, i) => ({
    name: `emit ${i} at a limit of 1 a second (burst 2)`,
    method: "POST",
    target: "/trpc/deploys.emit",
    body: ev(`r${i}`, "live"),
  }));
  // Each server gets the same four calls back to back, so both are refused from the third on.
  const stock = [];
  for (const r of requests) stock.push(await send(urls[0], r));
  const direct = [];
  for (const r of requests) direct.push(await send(urls[1], r));
  expect(stock.map((a) => a.status)).toEqual([200, 200, 429, 429]);
  expect(direct).toEqual(stock);
});
