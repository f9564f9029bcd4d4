// cuitty.audit() and cuitty.perf() against a real server: what they record, read back through deploys.correlations.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { type AuditEntryInput, type CuittyClientError, createCuittyClient } from "../src/index.js";
import { waitFor } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const now = () => Math.floor(Date.now() / 1000);

/** A deploy that went live `ago` seconds before now in its own environment, so its windows hold only this test's data. */
async function liveDeploy(environment: string, ago = 600): Promise<number> {
  const res = await server.request("deploys.emit", {
    input: { type: "deploy", deploy: `${environment}-1`, status: "live", environment, occurredAt: now() - ago },
    key: server.keys.ingest,
  });
  if (res.status !== 200) throw new Error(`deploys.emit answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data.deploy.id;
}

async function correlations(id: number) {
  const res = await server.request("deploys.correlations", { input: { id }, key: server.keys.read });
  if (res.status !== 200) throw new Error(`deploys.correlations answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

function client(opts: { portalUrl?: string; apiKey?: string; errors?: CuittyClientError[] } = {}) {
  return createCuittyClient({
    portalUrl: opts.portalUrl ?? server.url,
    projectId: server.projectId,
    apiKey: opts.apiKey ?? server.keys.ingest,
    retry: { baseMs: 10, maxMs: 100 },
    requestTimeoutMs: 2_000,
    onError: (e) => opts.errors?.push(e),
  });
}

describe("cuitty.audit and cuitty.perf", () => {
  it("record single items and arrays, sent by stop(), visible in the deploy's correlations", async () => {
    const deployId = await liveDeploy("sdk-happy");
    const errors: CuittyClientError[] = [];
    const cuitty = client({ errors });
    await cuitty.audit({
      environment: "sdk-happy",
      actor: "alice",
      action: "flag.enable",
      target: "new-checkout",
      deployId,
      metadata: { percent: 10 },
    });
    await cuitty.audit([
      { environment: "sdk-happy", actor: "bob", action: "config.change", occurredAt: now() - 60 },
      { environment: "sdk-happy", actor: "carol", action: "cache.flush", id: "fixed-id-1" },
    ]);
    await cuitty.perf({
      environment: "sdk-happy",
      metric: "GET /checkout",
      p50: 40,
      p95: 90,
      p99: 120,
      errorRate: 0.01,
      samples: 500,
      windowStart: now() - 300,
      windowEnd: now() - 240,
    });
    await cuitty.perf([
      { environment: "sdk-happy", metric: "GET /checkout", p99: 100, samples: 400, windowStart: now() - 1200, windowEnd: now() - 1140 },
      { environment: "sdk-happy", metric: "GET /home", p99: 30, samples: 200, windowStart: now() - 120, windowEnd: now() - 60 },
    ]);
    expect(await cuitty.stop({ timeoutMs: 10_000 })).toEqual({ undelivered: 0 });
    expect(errors).toEqual([]);
    expect(cuitty.stats().audit).toMatchObject({ sent: 3, queued: 0, refused: 0 });
    expect(cuitty.stats().perf).toMatchObject({ sent: 3, queued: 0, refused: 0 });

    const c = await correlations(deployId);
    expect(c.audit.map((a) => a.action).sort()).toEqual(["cache.flush", "config.change", "flag.enable"]);
    const flag = c.audit.find((a) => a.action === "flag.enable");
    expect(flag).toMatchObject({ actor: "alice", target: "new-checkout", deployId, metadata: { percent: 10 } });
    expect(flag!.id).toMatch(/^aud_/); // filled in, so a retried batch is recognised
    expect(c.audit.find((a) => a.action === "cache.flush")!.id).toBe("fixed-id-1");
    expect(c.perf.before).toEqual([expect.objectContaining({ metric: "GET /checkout", p99: 100, samples: 400 })]);
    expect(c.perf.after.map((p) => `${p.metric} ${p.p99} ${p.samples}`).sort()).toEqual(["GET /checkout 120 500", "GET /home 30 200"]);
    expect(c.perf.after.find((p) => p.metric === "GET /checkout")).toMatchObject({ p50: 40, p95: 90, errorRate: 0.01 });
  });

  it("report invalid items through onError without throwing, and still send the valid ones of the same call", async () => {
    const deployId = await liveDeploy("sdk-invalid");
    const errors: CuittyClientError[] = [];
    const cuitty = client({ errors });
    await expect(
      cuitty.audit([
        { environment: "sdk-invalid", actor: "dave", action: "ok.one" },
        { environment: "sdk-invalid", actor: "", action: "bad" } as never,
      ]),
    ).resolves.toBeUndefined();
    await cuitty.perf({ environment: "sdk-invalid", metric: "m", p99: 5, samples: 1, windowStart: now(), windowEnd: now() - 10 });
    await cuitty.stop({ timeoutMs: 10_000 });
    expect(errors.map((e) => [e.code, e.details.fields])).toEqual([
      ["VALIDATION_FAILED", ["actor"]],
      ["VALIDATION_FAILED", ["windowEnd"]],
    ]);
    expect((await correlations(deployId)).audit.map((a) => a.action)).toEqual(["ok.one"]);
  });

  it("report a batch the server refuses through onError: only the named entry is dropped, the others are recorded", async () => {
    const deployId = await liveDeploy("sdk-refused");
    const errors: CuittyClientError[] = [];
    const cuitty = client({ errors });
    // Valid locally; the server refuses entries naming a deploy the project does not have.
    await cuitty.audit([
      { environment: "sdk-refused", actor: "erin", action: "before", deployId },
      { environment: "sdk-refused", actor: "erin", action: "unknown-deploy", deployId: 999_999 },
      { environment: "sdk-refused", actor: "erin", action: "after", deployId },
    ]);
    await cuitty.stop({ timeoutMs: 10_000 });
    expect(errors).toHaveLength(1);
    // The first entry may leave in a batch of its own, so the refused index is not fixed; the item is.
    expect(errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fields: [expect.stringMatching(/^entries\.\d+\.deployId$/)] },
    });
    // An audit call's error carries the entries it dropped.
    expect((errors[0]!.details.items as AuditEntryInput[]).map((i) => i.action)).toEqual(["unknown-deploy"]);
    expect(cuitty.stats().audit).toMatchObject({ sent: 2, refused: 1 });
    expect((await correlations(deployId)).audit.map((a) => a.action)).toEqual(["before", "after"]);
  });

  it("report a key without the ingest scope as FORBIDDEN_SCOPE through onError, without retrying", async () => {
    const errors: CuittyClientError[] = [];
    const cuitty = client({ apiKey: server.keys.read, errors });
    await cuitty.perf({ environment: "sdk-scope", metric: "m", p99: 1, samples: 1, windowStart: now() - 60, windowEnd: now() });
    expect(await cuitty.stop({ timeoutMs: 10_000 })).toEqual({ undelivered: 0 });
    expect(errors.map((e) => e.code)).toEqual(["FORBIDDEN_SCOPE"]);
    expect(errors[0]!.details.items).toHaveLength(1);
    expect(cuitty.stats().perf).toMatchObject({ sent: 0, refused: 1, retries: 0 });
  });

  it("record each item once when called while the server is unreachable and it comes back before stop()", { timeout: 30_000 }, async () => {
    const deployId = await liveDeploy("sdk-outage");
    const port = await freePort();
    const errors: CuittyClientError[] = [];
    const cuitty = client({ portalUrl: `http://127.0.0.1:${port}`, errors });
    await cuitty.audit([1, 2, 3].map((i) => ({ environment: "sdk-outage", actor: "ci", action: `step-${i}`, deployId })));
    await cuitty.perf({
      environment: "sdk-outage",
      metric: "GET /",
      p99: 80,
      samples: 150,
      windowStart: now() - 100,
      windowEnd: now() - 40,
    });
    await waitFor("failed attempts while nothing listens", () => cuitty.stats().audit!.retries >= 2 && cuitty.stats().perf!.retries >= 2);
    expect(cuitty.stats().audit).toMatchObject({ queued: 3, sent: 0 });

    const proxy = await forward(port, server.url);
    try {
      expect(await cuitty.stop({ timeoutMs: 15_000 })).toEqual({ undelivered: 0 });
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
    expect(errors).toEqual([]);
    const c = await correlations(deployId);
    expect(c.audit.map((a) => a.action)).toEqual(["step-1", "step-2", "step-3"]);
    expect(c.perf.after).toHaveLength(1);
  });

  it("record a perf batch once when its answer is lost and the client sends it again, so deploys.regression counts each sample once", {
    timeout: 30_000,
  }, async () => {
    const deployId = await liveDeploy("sdk-lost-answer");
    const lossy = await loseFirstAnswer("/trpc/perf.record", server.url);
    const errors: CuittyClientError[] = [];
    const cuitty = client({ portalUrl: lossy.url, errors });
    try {
      await cuitty.perf([
        {
          environment: "sdk-lost-answer",
          metric: "GET /checkout",
          p99: 100,
          samples: 400,
          windowStart: now() - 1200,
          windowEnd: now() - 1140,
        },
        {
          environment: "sdk-lost-answer",
          metric: "GET /checkout",
          p99: 130,
          samples: 300,
          windowStart: now() - 300,
          windowEnd: now() - 240,
          id: "own-id-1",
        },
      ]);
      expect(await cuitty.stop({ timeoutMs: 15_000 })).toEqual({ undelivered: 0 });
    } finally {
      await lossy.close();
    }
    expect(errors).toEqual([]);
    expect(lossy.forwarded()).toBeGreaterThanOrEqual(2); // the server saw the batch at least twice
    expect(cuitty.stats().perf).toMatchObject({ sent: 2, queued: 0, refused: 0 });
    expect(cuitty.stats().perf!.retries).toBeGreaterThanOrEqual(1);

    const c = await correlations(deployId);
    expect(c.perf.before.map((p) => `${p.p99} ${p.samples}`)).toEqual(["100 400"]);
    expect(c.perf.after.map((p) => `${p.p99} ${p.samples}`)).toEqual(["130 300"]);
    const regression = await server.request("deploys.regression", { input: { id: deployId }, key: server.keys.read });
    expect(regression.body.result.data.metrics).toEqual([
      expect.objectContaining({ metric: "GET /checkout", samplesBefore: 400, samplesAfter: 300 }),
    ]);
    const { rows } = await server.db.clients.perf.execute({
      sql: "SELECT snapshot_id FROM perf_snapshots WHERE environment = ? ORDER BY window_start",
      args: ["sdk-lost-answer"],
    });
    expect(rows.map((r) => String(r.snapshot_id))).toEqual([expect.stringMatching(/^perf_[0-9a-f-]{36}$/), "own-id-1"]);
  });
});

/**
 * A proxy that forwards everything to `target`, but for the first request to `path` lets the server answer
 * and then cuts the connection instead of passing the answer on: the batch is recorded, the client hears nothing.
 */
async function loseFirstAnswer(
  path: string,
  target: string,
): Promise<{ url: string; forwarded: () => number; close: () => Promise<void> }> {
  let forwarded = 0;
  const proxy = createServer((req, res) => {
    const hit = req.url === path;
    const lose = hit && forwarded === 0;
    if (hit) forwarded++;
    const up = httpRequest(target + (req.url ?? "/"), { method: req.method, headers: req.headers }, (upRes) => {
      if (lose) {
        upRes.resume();
        upRes.on("end", () => res.destroy());
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => forwarded,
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A plain forwarding proxy on `port`: the server "comes back" at the address the client was given. */
function forward(port: number, target: string): Promise<Server> {
  const proxy = createServer((req, res) => {
    const up = httpRequest(target + (req.url ?? "/"), { method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  return new Promise((resolve) => proxy.listen(port, "127.0.0.1", () => resolve(proxy)));
}
