// DORA metrics and phase timings over a synthetic history with known answers, through a real server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedurePath, startTestServer, type TestServer } from "@cuitty/server/testing";

const H = 3600;
const D = 86_400;
/** Monday 2025-03-03 00:00 UTC: day and week buckets both start here. */
const T0 = 1_740_960_000;

let server: TestServer;

async function call<P extends ProcedurePath>(procedure: P, input?: unknown, key?: string) {
  const res = await server.request(procedure, { input, key });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

type Step = [status: string, at: number, extra?: Record<string, unknown>];
async function deploy(environment: string, key: string, steps: Step[], committedAt?: number): Promise<number> {
  const events = steps.map(([status, occurredAt, extra], i) => ({
    id: `${key}:${i}`,
    type: "deploy",
    deploy: key,
    environment,
    status,
    occurredAt,
    ...(committedAt !== undefined && i === 0 ? { committedAt } : {}),
    ...extra,
  }));
  const { results } = await call("deploys.emitBatch", { events });
  for (const r of results) if (!r.ok) throw new Error(`${key}: ${JSON.stringify(r.error)}`);
  const [first] = results;
  if (!first?.ok) throw new Error(`${key}: no result`);
  return first.deploy.id;
}

beforeAll(async () => {
  server = await startTestServer();
  const P = "production";
  await deploy(P, "d0", [["live", T0 - D]]);
  await deploy(
    P,
    "d1",
    [
      ["initiated", T0 + H],
      ["building", T0 + H + 60],
      ["live", T0 + 2 * H],
    ],
    T0,
  );
  await deploy(
    P,
    "d2",
    [
      ["initiated", T0 + 5 * H],
      ["live", T0 + 6 * H],
      ["rolled_back", T0 + 7 * H, { reason: "p99 doubled" }],
    ],
    T0 + 2 * H,
  );
  await deploy(
    P,
    "d3",
    [
      ["initiated", T0 + 8 * H],
      ["failed", T0 + 9 * H, { reason: "tests failed" }],
    ],
    T0 + 7 * H,
  );
  await deploy(
    P,
    "d4",
    [
      ["initiated", T0 + 10 * H],
      ["live", T0 + 11 * H],
    ],
    T0 + 9 * H,
  );
  await deploy(P, "d5", [
    ["initiated", T0 + 12 * H],
    ["failed", T0 + 12 * H + 600, { reason: "cancelled" }],
  ]);
  // Starts on day 0, goes live on day 1 (counted there), later marked bad.
  const d6 = await deploy(
    P,
    "d6",
    [
      ["initiated", T0 + D - 600],
      ["live", T0 + D + 600],
    ],
    T0 + D - H,
  );
  await deploy(
    P,
    "d7",
    [
      ["initiated", T0 + D + 4 * H],
      ["live", T0 + D + 5 * H],
    ],
    T0 + D + 3 * H,
  );
  await deploy(P, "d8", [["live", T0 + 2 * D + H]]);
  await deploy(P, "d10", [["live", T0 + 2 * D + 2 * H]], T0 + 2 * D + H);
  await deploy(P, "d9", [
    ["initiated", T0 + 2 * D + 2 * H + 60],
    ["failed", T0 + 2 * D + 3 * H],
  ]);
  // After the range: neither counted nor a restore of d9 inside it.
  await deploy(P, "d11", [["live", T0 + 3 * D + H]]);
  await call("deploys.markBad", { id: d6, reason: "checkout broken for EU users" });
});
afterAll(() => server?.stop());

describe("metrics.dora", () => {
  it("computes the four figures, per-day series with sample counts and the bands on a known history", async () => {
    const m = await call("metrics.dora", { environment: "production", from: T0, to: T0 + 3 * D, bucket: "day" });
    expect(m.deploymentFrequency.count).toBe(7);
    expect(m.deploymentFrequency.perDay).toBeCloseTo(7 / 3);
    expect(m.deploymentFrequency.series).toEqual([
      { start: T0, count: 3 },
      { start: T0 + D, count: 2 },
      { start: T0 + 2 * D, count: 2 },
    ]);
    // Lead times 2h, 4h, 2h (day 0), 1h10m, 2h (day 1), 1h (day 2); d8 has no commit time.
    expect(m.leadTime).toMatchObject({ medianSeconds: 7200, p90Seconds: 14_400, samples: 6 });
    expect(m.leadTime.series).toEqual([
      { start: T0, medianSeconds: 7200, samples: 3 },
      { start: T0 + D, medianSeconds: 5700, samples: 2 },
      { start: T0 + 2 * D, medianSeconds: 3600, samples: 1 },
    ]);
    // Changes that went live: d1, d2, d4 (day 0), d6, d7 (day 1), d8, d10 (day 2). Failed changes: d2 (rolled
    // back) and d6 (marked bad). d3 and d9 failed before going live: failed runs, not change failures; d5 was
    // cancelled and counts as neither.
    expect(m.changeFailureRate).toMatchObject({ failures: 2, total: 7, failedRuns: 2 });
    expect(m.changeFailureRate.rate).toBeCloseTo(2 / 7);
    expect(m.changeFailureRate.series.map((s) => [s.failures, s.total, s.failedRuns])).toEqual([
      [1, 3, 1],
      [1, 2, 0],
      [0, 2, 1],
    ]);
    // d2's outage: live 6h, rolled back to the healthy d1 at 7h: 1h. d6 (bad from its go-live at 1d 0h10m) is
    // restored by d7 going live at 1d 5h: 4h50m. d3 and d9 never reached production, so nothing is open.
    expect(m.timeToRestore).toMatchObject({ medianSeconds: 10_500, p90Seconds: 17_400, samples: 2, unrestored: 0, openSince: null });
    expect(m.timeToRestore.series).toEqual([
      { start: T0, medianSeconds: 3600, samples: 1 },
      { start: T0 + D, medianSeconds: 17_400, samples: 1 },
      { start: T0 + 2 * D, medianSeconds: null, samples: 0 },
    ]);
    expect(m.bands).toEqual({ deploymentFrequency: "elite", leadTime: "elite", changeFailureRate: "low", timeToRestore: "high" });
  });

  it("puts a whole week in one Monday-based bucket", async () => {
    const m = await call("metrics.dora", { environment: "production", from: T0, to: T0 + 3 * D, bucket: "week" });
    expect(m.deploymentFrequency.series).toEqual([{ start: T0, count: 7 }]);
    expect(m.changeFailureRate.series[0]).toMatchObject({ failures: 2, total: 7, failedRuns: 2 });
  });

  it("counts marking good again as no failure, and bad again as one", async () => {
    const d6 = (await call("deploys.list", { environment: "production", limit: 200 })).items.find((d) => d.externalKey === "d6");
    await call("deploys.markGood", { id: d6!.id });
    const good = await call("metrics.dora", { environment: "production", from: T0, to: T0 + 3 * D });
    expect(good.changeFailureRate.failures).toBe(1);
    await call("deploys.markBad", { id: d6!.id, reason: "checkout broken for EU users" });
    const bad = await call("metrics.dora", { environment: "production", from: T0, to: T0 + 3 * D });
    expect(bad.changeFailureRate.failures).toBe(2);
  });

  it("refuses an unknown environment, a reversed range and too many buckets with their codes", async () => {
    const unknown = await server.request("metrics.dora", { input: { environment: "nope", from: T0, to: T0 + D } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.data.cuittyCode).toBe("NOT_FOUND");
    const reversed = await server.request("metrics.dora", { input: { environment: "production", from: T0 + D, to: T0 } });
    expect(reversed.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
    const many = await server.request("metrics.dora", { input: { environment: "production", from: T0 - 500 * D, to: T0 } });
    expect(many.body.error.data).toMatchObject({ cuittyCode: "VALIDATION_FAILED", fields: ["bucket"] });
  });

  it("answers a read key and answers zeros for an empty range", async () => {
    const m = await call("metrics.dora", { environment: "production", from: T0 - 10 * D, to: T0 - 5 * D }, server.keys.read);
    expect(m.deploymentFrequency.count).toBe(0);
    expect(m.leadTime.medianSeconds).toBeNull();
    expect(m.changeFailureRate.rate).toBeNull();
    expect(m.bands.deploymentFrequency).toBe("low");
  });
});

describe("deploys.markBad and markGood", () => {
  it("keep the history with who and why, and a marked-bad deploy is never the default rollback target", async () => {
    const S = "staging";
    const now = Math.floor(Date.now() / 1000);
    const e1 = await deploy(S, "e1", [["live", now - 300]]);
    const e2 = await deploy(S, "e2", [["live", now - 200]]);
    const marked = await call("deploys.markBad", { id: e2, reason: "leaks memory" });
    expect(marked.changed).toBe(true);
    expect(marked.deploy).toMatchObject({ id: e2, markedBadReason: "leaks memory", markedBadBy: expect.stringMatching(/^key:/) });
    const e3 = await deploy(S, "e3", [["live", now - 100]]);
    const rolled = await call("deploys.rollback", { deployId: e3 });
    expect(rolled.rollbackTargetId).toBe(e1);
    const got = await call("deploys.get", { id: e2 });
    expect(got.status).toBe("live"); // its own history is untouched
    expect(got.markedBadAt).toBeGreaterThan(0);
    const undone = await call("deploys.markGood", { id: e2 });
    expect(undone.deploy.markedBadAt).toBeNull();
    const again = await call("deploys.markGood", { id: e2 });
    expect(again.changed).toBe(false);
    const marks = await call("deploys.marks", { id: e2 });
    expect(marks.map((m) => [m.action, m.reason])).toEqual([
      ["good", null],
      ["bad", "leaks memory"],
    ]);
    expect(marks[1]!.actor).toMatch(/^key:/);
  });

  it("needs an admin key, a reason, and a deploy of this project", async () => {
    const ingest = await server.request("deploys.markBad", { input: { id: 1, reason: "x" }, key: server.keys.ingest });
    expect(ingest.body.error.data.cuittyCode).toBe("FORBIDDEN_SCOPE");
    const noReason = await server.request("deploys.markBad", { input: { id: 1, reason: " " } });
    expect(noReason.body.error.data).toMatchObject({ cuittyCode: "VALIDATION_FAILED", fields: ["reason"] });
    const missing = await server.request("deploys.markBad", { input: { id: 99_999, reason: "x" } });
    expect(missing.body.error.data.cuittyCode).toBe("NOT_FOUND");
  });
});

describe("metrics.phases and metrics.deployPhases", () => {
  const E = "phases";
  const t = T0 + 3600;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    ids.p1 = await deploy(E, "p1", [
      ["initiated", t],
      ["building", t + 60],
      ["deploying", t + 180],
      ["live", t + 300],
    ]);
    ids.p2 = await deploy(E, "p2", [
      ["initiated", t],
      ["deploying", t + 100],
      ["live", t + 160],
    ]); // skips building
    ids.p3 = await deploy(E, "p3", [
      ["building", t],
      ["live", t + 500],
    ]); // first seen building; skips deploying
    ids.p4 = await deploy(E, "p4", [["live", t]]); // a poller that only saw the end
    ids.p5 = await deploy(E, "p5", [
      ["initiated", t],
      ["building", t + 30],
      ["failed", t + 90],
    ]);
    ids.p6 = await deploy(E, "p6", [
      ["initiated", t + 8 * D],
      ["building", t + 8 * D + 10],
      ["live", t + 8 * D + 1000],
    ]);
  });

  it("gives the median and p90 of each phase, counting skipped phases and not phases that ended in failure", async () => {
    const m = await call("metrics.phases", { environment: E, from: T0, to: T0 + 7 * D, bucket: "week" });
    const by = Object.fromEntries(m.phases.map((p) => [p.phase, p]));
    expect(by.initiated).toEqual({ phase: "initiated", medianSeconds: 60, p90Seconds: 100, samples: 3, skipped: 1 });
    expect(by.building).toEqual({ phase: "building", medianSeconds: 310, p90Seconds: 500, samples: 2, skipped: 1 });
    expect(by.deploying).toEqual({ phase: "deploying", medianSeconds: 90, p90Seconds: 120, samples: 2, skipped: 1 });
    expect(by.total).toEqual({ phase: "total", medianSeconds: 300, p90Seconds: 500, samples: 3, skipped: 0 });
    expect(m.series).toHaveLength(1);
  });

  it("puts each deploy in the bucket it started in", async () => {
    const m = await call("metrics.phases", { environment: E, from: T0, to: T0 + 14 * D, bucket: "week" });
    expect(m.series.map((s) => s.phases.find((p) => p.phase === "building")!.medianSeconds)).toEqual([310, 990]);
  });

  it("shows one deploy's phases with skipped, failed and unreached ones", async () => {
    const p2 = await call("metrics.deployPhases", { id: ids.p2 });
    expect(p2.totalSeconds).toBe(160);
    expect(p2.phases.map((p) => [p.phase, p.state, p.durationSeconds])).toEqual([
      ["initiated", "done", 100],
      ["building", "skipped", null],
      ["deploying", "done", 60],
    ]);
    const p5 = await call("metrics.deployPhases", { id: ids.p5 });
    expect(p5.phases.map((p) => [p.state, p.durationSeconds])).toEqual([
      ["done", 30],
      ["failed", 60],
      ["not_reached", null],
    ]);
    expect(p5.totalSeconds).toBeNull();
    const p4 = await call("metrics.deployPhases", { id: ids.p4 });
    expect(p4.phases.map((p) => p.state)).toEqual(["skipped", "skipped", "skipped"]);
    expect(p4.totalSeconds).toBeNull();
  });
});

describe("metrics.phases with rollbacks", () => {
  const E = "phases-rollback";
  const t = T0 + 3600;
  beforeAll(async () => {
    await deploy(E, "q1", [["live", t]]); // straight to live, kept
    await deploy(E, "q3", [
      ["initiated", t + 250],
      ["live", t + 300],
    ]); // one phase reported, kept
    await deploy(E, "q2", [
      ["live", t + 400],
      ["rolled_back", t + 450],
    ]); // straight to live, rolled back
    await deploy(E, "q4", [
      ["initiated", t + 500],
      ["live", t + 600],
      ["rolled_back", t + 700],
    ]); // one phase, rolled back
  });

  it("counts a deploy the same whether or not it was rolled back after going live", async () => {
    const m = await call("metrics.phases", { environment: E, from: T0, to: T0 + 7 * D, bucket: "week" });
    const by = Object.fromEntries(m.phases.map((p) => [p.phase, p]));
    // q3 and q4 reported initiated and went live without building and deploying: 2 skips each of those.
    // q1 and q2 reported no phase at all: no skips, no samples, both counted as straight to live.
    expect([by.initiated!.skipped, by.building!.skipped, by.deploying!.skipped]).toEqual([0, 2, 2]);
    expect(m.straightToLive).toBe(2);
    expect(by.initiated).toMatchObject({ samples: 2, medianSeconds: 75 });
    expect(by.total).toMatchObject({ samples: 2, medianSeconds: 75 });
  });
});
