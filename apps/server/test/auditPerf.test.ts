import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../src/testing.js";

const t = Math.floor(Date.now() / 1000) - 7200;

describe("audit.record, perf.record, deploys.regression and deploys.correlations on the wire", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const snapshot = (windowStart: number, p99: number, samples = 500, metric = "GET /api/orders") => ({
    environment: "production",
    metric,
    p50: 10,
    p95: 50,
    p99,
    errorRate: 0.001,
    samples,
    windowStart,
    windowEnd: windowStart + 60,
  });

  it("accepts perf snapshots and audit entries with an ingest key and answers the counts", async () => {
    const perf = await server.request("perf.record", {
      key: server.keys.ingest,
      input: { snapshots: [snapshot(t - 600, 100), snapshot(t + 600, 130)] },
    });
    expect(perf.status).toBe(200);
    expect(perf.body.result.data).toEqual({ accepted: 2, duplicates: 0 });
    const entries = [
      { id: "aud_1", environment: "production", actor: "alice", action: "flag.update", target: "checkout-v2", occurredAt: t + 60 },
    ];
    const first = await server.request("audit.record", { key: server.keys.ingest, input: { entries } });
    expect(first.body.result.data).toEqual({ accepted: 1, duplicates: 0 });
    const again = await server.request("audit.record", { key: server.keys.ingest, input: { entries } });
    expect(again.body.result.data).toEqual({ accepted: 0, duplicates: 1 });
  });

  it("refuses a read key, a batch over 500 and an invalid snapshot, writing nothing", async () => {
    const read = await server.request("perf.record", { key: server.keys.read, input: { snapshots: [snapshot(t, 1)] } });
    expect(read.status).toBe(403);
    expect(read.body.error.data.cuittyCode).toBe("FORBIDDEN_SCOPE");
    const big = await server.request("perf.record", {
      key: server.keys.ingest,
      input: { snapshots: Array.from({ length: 501 }, () => snapshot(t, 1)) },
    });
    expect(big.status).toBe(400);
    expect(big.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
    const bad = await server.request("perf.record", {
      key: server.keys.ingest,
      input: { snapshots: [snapshot(t, 1), { ...snapshot(t, 1), windowEnd: t - 1 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.data.fields).toEqual(["snapshots.1.windowEnd"]);
    const future = await server.request("audit.record", {
      key: server.keys.ingest,
      input: { entries: [{ environment: "production", actor: "a", action: "x", occurredAt: t + 100_000 }] },
    });
    expect(future.status).toBe(400);
    expect(future.body.error.data.fields).toEqual(["entries.0.occurredAt"]);
    const { rows } = await server.db.clients.perf.execute("SELECT count(*) AS n FROM perf_snapshots");
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it("answers the regression verdict and the correlations of a deploy to a read key", async () => {
    const emit = await server.request("deploys.emit", {
      key: server.keys.ingest,
      input: { id: "evt-wire-1", type: "deploy", deploy: "wire-1", status: "live", environment: "production", occurredAt: t },
    });
    const id = emit.body.result.data.deploy.id;
    const regression = await server.request("deploys.regression", { key: server.keys.read, input: { id, threshold: 20 } });
    expect(regression.status).toBe(200);
    expect(regression.body.result.data).toMatchObject({
      deployId: id,
      verdict: "regressed",
      metrics: [
        {
          metric: "GET /api/orders",
          p99Before: 100,
          p99After: 130,
          deltaPercent: 30,
          samplesBefore: 500,
          samplesAfter: 500,
          verdict: "regressed",
        },
      ],
    });
    const correlations = await server.request("deploys.correlations", { key: server.keys.read, input: { id } });
    expect(correlations.status).toBe(200);
    expect(correlations.body.result.data.audit.map((e) => e.id)).toEqual(["aud_1"]);
    expect(correlations.body.result.data.perf.before).toHaveLength(1);
    expect(correlations.body.result.data.perf.after).toHaveLength(1);
    const missing = await server.request("deploys.regression", { key: server.keys.read, input: { id: 987654 } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.data.cuittyCode).toBe("NOT_FOUND");
  });
});
