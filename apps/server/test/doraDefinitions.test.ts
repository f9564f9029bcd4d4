// DORA as the README defines it, on small histories worked out by hand: time to restore (what starts and
// ends an outage, overlaps, open outages, the window), change failure rate beside failed runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedurePath, startTestServer, type TestServer } from "@cuitty/server/testing";
import { history } from "./orgHelpers.js";

const M = 60;
const H = 3600;
const D = 86_400;
/** Monday 2025-03-03 00:00 UTC. */
const T0 = 1_740_960_000;
const at = (h: number, m = 0) => T0 + h * H + m * M;

let server: TestServer;

async function call<P extends ProcedurePath>(procedure: P, input?: unknown) {
  const res = await server.request(procedure, { input });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

type Steps = Parameters<typeof history>[4];
/** One deploy's steps in this test's project, as one batch; its id. */
function deploy(environment: string, key: string, steps: Steps): Promise<number> {
  return history(server, { projectId: server.projectId, ...server.keys }, environment, key, steps);
}

/** The health worker's record of a deploy that failed its checks (probes at these times, ok or not). */
async function failedHealthChecks(deployId: number, probes: [checkedAt: number, ok: boolean][]) {
  for (const [checkedAt, ok] of probes) {
    await server.db.clients.deploys.execute({
      sql: "INSERT INTO health_checks (project_id, deploy_id, checked_at, ok, status_code) VALUES (?, ?, ?, ?, ?)",
      args: [server.projectId, deployId, checkedAt, ok ? 1 : 0, ok ? 200 : 503],
    });
  }
  await server.db.clients.deploys.execute({ sql: "UPDATE deploys SET health_status = 'failing' WHERE id = ?", args: [deployId] });
}

const dora = (environment: string, from = T0, to = T0 + D) => call("metrics.dora", { environment, from, to, bucket: "day" });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("time to restore", () => {
  it("ends an outage at a rollback to a healthy deploy: A live 10:00, B live 11:00, B rolled back to A at 11:20 is 20 minutes", async () => {
    const a = await deploy("ex1", "A", [["live", at(10)]]);
    await deploy("ex1", "B", [
      ["live", at(11)],
      ["rolled_back", at(11, 20), { rollbackTargetId: a }],
    ]);
    const m = await dora("ex1");
    expect(m.timeToRestore).toMatchObject({ medianSeconds: 20 * M, samples: 1, unrestored: 0, openSince: null });
  });

  it("times a rolled-back deploy's outage from its go-live to the rollback, not to the next deploy: 12:00 to 12:30 is 30 minutes", async () => {
    const a = await deploy("ex2", "A", [["live", at(10)]]);
    await deploy("ex2", "B", [
      ["live", at(12)],
      ["rolled_back", at(12, 30), { rollbackTargetId: a }],
    ]);
    await deploy("ex2", "C", [["live", at(14)]]);
    const m = await dora("ex2");
    expect(m.timeToRestore).toMatchObject({ medianSeconds: 30 * M, samples: 1, unrestored: 0 });
  });

  it("counts two overlapping failures later restored as one outage, from the first go-live to the healthy one", async () => {
    await deploy("ex3", "A", [["live", at(10)]]);
    const b = await deploy("ex3", "B", [["live", at(11)]]);
    const c = await deploy("ex3", "C", [["live", at(11, 30)]]);
    await deploy("ex3", "D", [["live", at(13)]]);
    await call("deploys.markBad", { id: b, reason: "slow checkout" });
    await call("deploys.markBad", { id: c, reason: "still slow" });
    const m = await dora("ex3");
    // B 11:00 .. D 13:00, with C (11:30, bad) inside it: one outage of 2 h.
    expect(m.timeToRestore).toMatchObject({ medianSeconds: 2 * H, samples: 1, unrestored: 0 });
    expect(m.changeFailureRate).toMatchObject({ failures: 2, total: 4, failedRuns: 0 });
  });

  it("counts the same two overlapping failures still open as one open outage, since the first one", async () => {
    await deploy("ex4", "A", [["live", at(10)]]);
    const b = await deploy("ex4", "B", [["live", at(11)]]);
    const c = await deploy("ex4", "C", [["live", at(11, 30)]]);
    await call("deploys.markBad", { id: b, reason: "slow checkout" });
    await call("deploys.markBad", { id: c, reason: "still slow" });
    const m = await dora("ex4");
    expect(m.timeToRestore).toMatchObject({ medianSeconds: null, samples: 0, unrestored: 1, openSince: at(11) });
  });

  it("shows an open outage that began 35 days ago in the default 30-day window", async () => {
    const now = Math.floor(Date.now() / 1000);
    await deploy("ex5", "A", [["live", now - 36 * D]]);
    const b = await deploy("ex5", "B", [["live", now - 35 * D]]);
    await call("deploys.markBad", { id: b, reason: "corrupts invoices" });
    const m = await call("metrics.dora", { environment: "ex5" });
    expect(m.timeToRestore).toMatchObject({ samples: 0, unrestored: 1, openSince: now - 35 * D });
    // Its go-live lies before the window: not a change of this window.
    expect(m.changeFailureRate).toMatchObject({ failures: 0, total: 0 });
  });

  it("does not end an outage at a rollback to a deploy that is itself bad", async () => {
    await deploy("ex6", "A", [["live", at(10)]]);
    const b = await deploy("ex6", "B", [["live", at(11)]]);
    await deploy("ex6", "C", [
      ["live", at(11, 30)],
      ["rolled_back", at(11, 40), { rollbackTargetId: b }],
    ]);
    await deploy("ex6", "D", [["live", at(13)]]);
    await call("deploys.markBad", { id: b, reason: "bad since 11:00" });
    const m = await dora("ex6");
    // B (11:00, bad) .. the rollback to B at 11:40 restores nothing .. D healthy at 13:00: one outage of 2 h.
    expect(m.timeToRestore).toMatchObject({ medianSeconds: 2 * H, samples: 1, unrestored: 0 });
  });

  it("starts the outage of a deploy that failed its health checks at its first failing probe", async () => {
    await deploy("ex7", "A", [["live", at(10)]]);
    const b = await deploy("ex7", "B", [["live", at(11)]]);
    await failedHealthChecks(b, [
      [at(11, 1), true],
      [at(11, 5), false],
      [at(11, 6), false],
    ]);
    await deploy("ex7", "C", [["live", at(12)]]);
    const m = await dora("ex7");
    // 11:05 (first failing probe) .. 12:00 (C healthy): 55 min; B counts as a change failure.
    expect(m.timeToRestore).toMatchObject({ medianSeconds: 55 * M, samples: 1, unrestored: 0 });
    expect(m.changeFailureRate).toMatchObject({ failures: 1, total: 3 });
  });

  it("counts a restored outage in the window where it ends, and as open in a window that ends before it does", async () => {
    // ex1: B's outage runs 11:00 .. 11:20.
    const ending = await dora("ex1", at(11, 10), at(12));
    expect(ending.timeToRestore).toMatchObject({ medianSeconds: 20 * M, samples: 1, unrestored: 0 });
    const during = await dora("ex1", at(10, 30), at(11, 10));
    expect(during.timeToRestore).toMatchObject({ samples: 0, unrestored: 1, openSince: at(11) });
    const after = await dora("ex1", at(12), at(13));
    expect(after.timeToRestore).toMatchObject({ samples: 0, unrestored: 0 });
  });
});

describe("change failure rate", () => {
  it("is over deploys that went live, with runs that failed before going live beside it and cancelled ones in neither", async () => {
    const a = await deploy("cfr", "A", [["live", at(10)]]);
    await deploy("cfr", "B", [
      ["initiated", at(10, 10)],
      ["failed", at(10, 20), { reason: "tests failed" }],
    ]);
    await deploy("cfr", "C", [
      ["initiated", at(10, 30)],
      ["failed", at(10, 40), { reason: "cancelled" }],
    ]);
    await deploy("cfr", "D", [
      ["live", at(11)],
      ["rolled_back", at(11, 10), { rollbackTargetId: a }],
    ]);
    const e = await deploy("cfr", "E", [
      ["initiated", at(11, 50)],
      ["live", at(12)],
    ]);
    await call("deploys.markBad", { id: e, reason: "wrong prices" });
    const m = await dora("cfr");
    // Went live: A, D, E; failed changes: D (rolled back), E (marked bad). B never reached production.
    expect(m.changeFailureRate).toMatchObject({ failures: 2, total: 3, failedRuns: 1 });
    expect(m.changeFailureRate.rate).toBeCloseTo(2 / 3);
    expect(m.changeFailureRate.series).toEqual([{ start: T0, rate: 2 / 3, failures: 2, total: 3, failedRuns: 1 }]);
  });
});

describe("lead time over commits", () => {
  const c = (n: number, h: number, m = 0) => ({ sha: `c0ffee${n}`, committedAt: at(h, m) });

  it("is the median over every commit a deploy ships, each counted at its first go-live in the environment", async () => {
    const a = await deploy("lt", "A", [["live", at(10), { commits: [c(1, 2), c(2, 4), c(3, 5), c(4, 9)] }]]);
    await deploy("lt", "B", [
      ["live", at(12), { commits: [c(5, 11, 30)] }],
      ["rolled_back", at(12, 10), { rollbackTargetId: a }],
    ]);
    const cId = await deploy("lt", "C", [["live", at(14), { commits: [c(5, 11, 30), c(6, 13)] }]]);
    const m = await dora("lt");
    // A: 8h, 6h, 5h, 1h; B: c5 30 min (live at 12:00, then rolled back); C ships c5 again (not counted twice) and
    // c6: 1h. Sorted 0.5h, 1h, 1h, 5h, 6h, 8h: median (1h + 5h) / 2 = 3h; p90 is the 6th of 6: 8h.
    expect(m.leadTime).toMatchObject({ samples: 6, medianSeconds: 3 * H, p90Seconds: 8 * H });
    const detail = await call("deploys.get", { id: cId });
    expect(detail.commits).toEqual([c(5, 11, 30), c(6, 13)]);
    const tl = await call("deploys.timeline", { environment: "lt" });
    expect(tl.items.map((d) => [d.externalKey, d.commitCount])).toEqual([
      ["lt:C", 2],
      ["lt:B", 1],
      ["lt:A", 4],
    ]);
  });

  it("falls back to the head commit of a deploy that lists none", async () => {
    await deploy("lt2", "A", [["live", at(10), { commitSha: "abc1234", committedAt: at(9, 30) }]]);
    const m = await dora("lt2");
    expect(m.leadTime).toMatchObject({ samples: 1, medianSeconds: 30 * M });
  });

  it("refuses an event listing more than 250 commits, naming the field", async () => {
    const commits = Array.from({ length: 251 }, (_, i) => ({ sha: `aa${i.toString(16).padStart(6, "0")}`, committedAt: at(1) }));
    const res = await server.request("deploys.emit", {
      input: { type: "deploy", deploy: "too-many", environment: "lt3", status: "live", occurredAt: at(10), commits },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.data.cuittyCode).toBe("VALIDATION_FAILED");
    expect(res.body.error.data.fields).toContain("commits");
  });
});
