// perf.record deduplicates snapshots by id per project, so a retried or rerun batch does not skew deploys.regression.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../src/testing.js";

const t = Math.floor(Date.now() / 1000) - 7200;

describe("perf.record with snapshot ids", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const snapshot = (id: string | undefined, environment: string, windowStart: number, p99: number, samples: number) => ({
    ...(id === undefined ? {} : { id }),
    environment,
    metric: "GET /api/orders",
    p99,
    samples,
    windowStart,
    windowEnd: windowStart + 60,
  });

  async function record(snapshots: unknown[]) {
    const res = await server.request("perf.record", { key: server.keys.ingest, input: { snapshots } });
    expect(res.status).toBe(200);
    return res.body.result.data;
  }

  async function liveDeploy(environment: string): Promise<number> {
    const res = await server.request("deploys.emit", {
      key: server.keys.ingest,
      input: { id: `evt-${environment}`, type: "deploy", deploy: `${environment}-1`, status: "live", environment, occurredAt: t },
    });
    expect(res.status).toBe(200);
    return res.body.result.data.deploy.id;
  }

  async function regressionMetric(id: number) {
    const res = await server.request("deploys.regression", { key: server.keys.read, input: { id, threshold: 20 } });
    expect(res.status).toBe(200);
    expect(res.body.result.data.metrics).toHaveLength(1);
    return res.body.result.data.metrics[0];
  }

  async function rows(environment: string): Promise<number> {
    const { rows } = await server.db.clients.perf.execute({
      sql: "SELECT count(*) AS n FROM perf_snapshots WHERE environment = ?",
      args: [environment],
    });
    return Number(rows[0]!.n);
  }

  it("stores a snapshot id once when the same batch is sent again, and deploys.regression counts its samples once", async () => {
    const id = await liveDeploy("retry");
    const batch = [snapshot("perf_a", "retry", t - 600, 100, 500), snapshot("perf_b", "retry", t + 600, 130, 500)];
    expect(await record(batch)).toEqual({ accepted: 2, duplicates: 0 });
    const first = await regressionMetric(id);
    expect(first).toMatchObject({ samplesBefore: 500, samplesAfter: 500, p99Before: 100, p99After: 130, verdict: "regressed" });

    // The client never heard the answer and sends the batch again.
    expect(await record(batch)).toEqual({ accepted: 0, duplicates: 2 });
    expect(await rows("retry")).toBe(2);
    expect(await regressionMetric(id)).toEqual(first);
  });

  it("stores a snapshot id repeated within one batch once, alongside the batch's new snapshots", async () => {
    const id = await liveDeploy("within");
    const before = snapshot("perf_w1", "within", t - 600, 100, 400);
    const after = snapshot("perf_w2", "within", t + 600, 150, 200);
    expect(await record([before, before, after, before])).toEqual({ accepted: 2, duplicates: 2 });
    expect(await rows("within")).toBe(2);
    expect(await regressionMetric(id)).toMatchObject({ samplesBefore: 400, samplesAfter: 200, p99Before: 100, p99After: 150 });

    // A later batch mixing a repeat with a new snapshot writes only the new one.
    const more = snapshot("perf_w3", "within", t + 900, 150, 200);
    expect(await record([after, more])).toEqual({ accepted: 1, duplicates: 1 });
    expect(await rows("within")).toBe(3);
    expect(await regressionMetric(id)).toMatchObject({ samplesBefore: 400, samplesAfter: 400, p99Before: 100, p99After: 150 });
  });

  it("still accepts snapshots without an id, recording each one sent (the wire stays backwards compatible)", async () => {
    const plain = snapshot(undefined, "no-id", t + 600, 90, 100);
    expect(await record([plain])).toEqual({ accepted: 1, duplicates: 0 });
    expect(await record([plain, plain])).toEqual({ accepted: 2, duplicates: 0 });
    expect(await rows("no-id")).toBe(3);
  });

  it("refuses an id that is empty or longer than 200 characters, naming the field and writing nothing", async () => {
    for (const bad of ["", "x".repeat(201)]) {
      const res = await server.request("perf.record", {
        key: server.keys.ingest,
        input: { snapshots: [snapshot("perf_ok", "bad-id", t, 1, 1), snapshot(bad, "bad-id", t, 1, 1)] },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
      expect(res.body.error.data.fields).toEqual(["snapshots.1.id"]);
    }
    expect(await rows("bad-id")).toBe(0);
  });
});
