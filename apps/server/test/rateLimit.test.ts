// Rate limits: a project's budget is spent only by requests signed for it; unauthenticated or failing traffic
// spends its client address's budget. Refusals are RATE_LIMITED with Retry-After and write nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedHeaders } from "@cuitty/core";
import { type ResponseBody, type TestServer, startTestServer } from "../src/testing.js";
import { emit, event, rowCounts, uniq } from "./helpers.js";
import { httpMessage, rawRequest } from "./rawHttp.js";

/** Another client: the same machine through another loopback address. */
const ATTACKER = "127.0.0.2";

describe("the project's budget", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimit: 1, addressRateLimit: 0 } });
  });
  afterAll(() => server.stop());

  it("should refuse requests past the burst with 429 RATE_LIMITED and a Retry-After, writing nothing", async () => {
    // Burst is twice the rate: of 12 requests at once, most must be refused whatever the machine's speed.
    const results = await Promise.all(Array.from({ length: 12 }, () => emit(server, event(uniq("rl"), "building"))));
    const refused = results.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body.error.data.cuittyCode).toBe("RATE_LIMITED");
    expect(refused[0]!.body.error.data.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    const before = await rowCounts(server);
    const body = JSON.stringify(event(uniq("rl"), "building"));
    const headers = await signedHeaders(
      { projectId: server.projectId, apiKey: server.keys.ingest },
      { method: "POST", pathAndQuery: "/trpc/deploys.emit", body },
    );
    const res = await fetch(`${server.url}/trpc/deploys.emit`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await rowCounts(server)).toEqual(before);
  });
});

describe("an unsigned flood", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimit: 2, addressRateLimit: 2 } });
  });
  afterAll(() => server.stop());

  it("should not spend the project's budget: signed requests from elsewhere still answer", async () => {
    const flood = httpMessage(
      "POST",
      "/trpc/deploys.emit",
      { "x-cuitty-project": server.projectId, "content-type": "application/json" },
      "{}",
    );
    const statuses: number[] = [];
    for (let round = 0; round < 6; round++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => rawRequest(server.port, flood, { localAddress: ATTACKER })));
      statuses.push(...answers.map((a) => a.status));
    }
    // The flooding address meets its own limit (burst 4) and is refused before authentication.
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(30);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const signed = [];
    for (let i = 0; i < 4; i++) signed.push(await emit(server, event(uniq("ok"), "building")));
    expect(signed.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it("should refuse an address over its failure budget with RATE_LIMITED and Retry-After before looking at the signature", async () => {
    const bad = httpMessage("GET", "/trpc/deploys.current", {
      "x-cuitty-project": server.projectId,
      "x-cuitty-timestamp": "1",
      "x-cuitty-signature": "v1=00",
    });
    let last = await rawRequest(server.port, bad, { localAddress: ATTACKER });
    for (let i = 0; i < 20 && last.status !== 429; i++) last = await rawRequest(server.port, bad, { localAddress: ATTACKER });
    expect(last.status).toBe(429);
    expect(last.body.error.data.cuittyCode).toBe("RATE_LIMITED");
    expect(Number(last.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });
});

describe("batched calls", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimit: 1, addressRateLimit: 0 } });
  });
  afterAll(() => server.stop());

  it("should charge every call of a batch, so one request cannot write past the budget", async () => {
    const n = 8;
    const path = `/trpc/${Array(n).fill("deploys.emit").join(",")}?batch=1`;
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, event(uniq("batch"), "building")])));
    const headers = await signedHeaders(
      { projectId: server.projectId, apiKey: server.keys.ingest },
      { method: "POST", pathAndQuery: path, body },
    );
    const res = await fetch(server.url + path, { method: "POST", body, headers: { ...headers, "content-type": "application/json" } });
    const results = (await res.json()) as ResponseBody<unknown>[];
    expect(results).toHaveLength(n);
    const limited = results.filter((r) => r.error?.data?.cuittyCode === "RATE_LIMITED");
    // Burst 2, refilling at 1/s: however slow the machine, most of the eight are refused.
    expect(limited.length).toBeGreaterThanOrEqual(n - 4);
    expect((await rowCounts(server)).deploys).toBe(n - limited.length);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});
