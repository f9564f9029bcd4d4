// The client's delivery guarantees against a real server behind a proxy that is down, then slow, then back.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { type CuittyClientError, createCuittyClient } from "../src/index.js";
import { countEvents, recordedTransitions, waitFor } from "./helpers.js";

/** A proxy on a fixed port that forwards to the server after `delayMs`, even when the client gave up. */
function startProxy(port: number, target: string, state: { delayMs: number; forwarded: number }): Promise<Server> {
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      setTimeout(() => {
        state.forwarded++;
        const up = httpRequest(target + (req.url ?? "/"), { method: req.method, headers: req.headers }, (upRes) => {
          res.on("error", () => {});
          if (res.destroyed) return upRes.resume();
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        });
        up.on("error", () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, state.delayMs);
    });
  });
  return new Promise((resolve) => proxy.listen(port, "127.0.0.1", () => resolve(proxy)));
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let server: TestServer;
let proxy: Server | undefined;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
  proxy = undefined;
  await server.stop();
});

const event = (i: number) => ({ type: "deploy" as const, deploy: `ci-${i}`, status: "live" as const, environment: "production" });

describe("delivery", () => {
  it("loses nothing and records nothing twice while the server is down, then slow, then back", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const errors: CuittyClientError[] = [];
    const client = createCuittyClient({
      portalUrl: `http://127.0.0.1:${port}`,
      projectId: server.projectId,
      apiKey: server.keys.ingest,
      batchSize: 10,
      requestTimeoutMs: 2_000,
      retry: { baseMs: 10, maxMs: 100 },
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 40; i++) await client.emit(event(i));
    // Down: nothing listens on the port; the client keeps everything queued and retries.
    await waitFor("a few failed attempts", () => client.stats().deploys!.retries >= 3);
    expect(client.stats().deploys).toMatchObject({ queued: 40, sent: 0, dropped: 0 });

    // Slow: every answer comes after the client's timeout, but the server still applies each batch.
    const state = { delayMs: 2_500, forwarded: 0 };
    proxy = await startProxy(port, server.url, state);
    await waitFor("slow batches reaching the server", () => state.forwarded >= 2);
    for (let i = 40; i < 60; i++) await client.emit(event(i));

    // Back: answers are fast again; retried batches are recognised by their event ids.
    state.delayMs = 0;
    const { undelivered } = await client.stop({ timeoutMs: 20_000 });
    expect(undelivered).toBe(0);
    expect(errors).toEqual([]);
    const { rows, distinctIds } = await countEvents(server);
    expect({ rows, distinctIds }).toEqual({ rows: 60, distinctIds: 60 });
    expect(state.forwarded).toBeGreaterThan(60 / 10); // some batches arrived twice and were deduplicated
    expect(client.stats().deploys).toMatchObject({ queued: 0, sent: 60, dropped: 0 });
  });

  it("keeps memory bounded while down by dropping the oldest events and counting them", async () => {
    const port = await freePort();
    const errors: CuittyClientError[] = [];
    const client = createCuittyClient({
      portalUrl: `http://127.0.0.1:${port}`,
      projectId: server.projectId,
      apiKey: server.keys.ingest,
      queueSize: 50,
      retry: { baseMs: 10, maxMs: 50 },
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 1_000; i++) await client.emit(event(i));
    expect(client.stats().deploys).toMatchObject({ queued: 50, dropped: 950 });
    expect(errors.filter((e) => e.code === "QUEUE_OVERFLOW").length).toBe(10);
    await waitFor("failed attempts while down", () => client.stats().deploys!.retries >= 2);
    proxy = await startProxy(port, server.url, { delayMs: 0, forwarded: 0 });
    expect((await client.stop({ timeoutMs: 10_000 })).undelivered).toBe(0);
    const recorded = await recordedTransitions(server);
    expect(recorded).toHaveLength(50);
    expect(recorded[0]).toBe("ci-950 ∅→live");
  });

  it("honours Retry-After on a 429 and sends the batch afterwards", async () => {
    let refusals = 0;
    const port = await freePort();
    const limiter = createServer((req, res) => {
      req.resume();
      if (refusals++ === 0) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
        res.end(
          JSON.stringify({
            error: { message: "slow down", code: -32029, data: { code: "TOO_MANY_REQUESTS", httpStatus: 429, cuittyCode: "RATE_LIMITED" } },
          }),
        );
        return;
      }
      const up = httpRequest(server.url + req.url, { method: req.method, headers: req.headers }, (u) => {
        res.writeHead(u.statusCode ?? 502, u.headers);
        u.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => limiter.listen(port, "127.0.0.1", r));
    proxy = limiter;
    const client = createCuittyClient({
      portalUrl: `http://127.0.0.1:${port}`,
      projectId: server.projectId,
      apiKey: server.keys.ingest,
      retry: { baseMs: 10, maxMs: 50 },
    });
    const started = Date.now();
    await client.emit(event(1));
    expect(await client.flush(5_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(refusals).toBe(2);
    await client.stop();
  });

  it("reports refusals that can never succeed through onError without retrying them", async () => {
    const errors: CuittyClientError[] = [];
    const bad = createCuittyClient({
      portalUrl: server.url,
      projectId: server.projectId,
      apiKey: "cdk_ingest_wrong",
      retry: { baseMs: 10, maxMs: 50 },
      onError: (e) => errors.push(e),
    });
    await bad.emit(event(1));
    expect(await bad.flush(5_000)).toBe(true);
    expect(errors.map((e) => e.code)).toEqual(["BAD_SIGNATURE"]);
    expect(bad.stats().deploys).toMatchObject({ sent: 0, refused: 1, retries: 0 });

    errors.length = 0;
    const good = createCuittyClient({
      portalUrl: server.url,
      projectId: server.projectId,
      apiKey: server.keys.ingest,
      onError: (e) => errors.push(e),
    });
    await good.emit({ ...event(2), status: "live" });
    await good.emit({ ...event(2), status: "building" }); // live → building is illegal
    await good.emit({ type: "deploy", deploy: "x", status: "nope", environment: "production" } as never);
    expect(await good.flush(5_000)).toBe(true);
    expect(errors.map((e) => e.code)).toEqual(["VALIDATION_FAILED", "INVALID_TRANSITION"]);
    expect(errors[1]!.message).toMatch(/cannot go from live to building/);
    expect(good.stats().deploys).toMatchObject({ sent: 1, refused: 1 });
    await bad.stop();
    await good.stop();
  });
});
