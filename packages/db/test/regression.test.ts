import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CuittyError } from "@cuitty/core";
import { deployRegression, regressionSql } from "../src/queries/regression.js";
import { deployAt, perfAt, tempDatabase } from "./fixtures.js";

// Three deploys in production: A at t0, B two hours later, C half an hour after B.
// B's windows: before [t1 − 1 h, t1) (A is older than an hour), after [t1, t2) (C cuts the hour short).
const t0 = 1_700_000_000;
const t1 = t0 + 7200;
const t2 = t1 + 1800;

describe("deploys.regression on synthetic data with known answers", () => {
  let ctx: Awaited<ReturnType<typeof tempDatabase>>;
  let a = 0;
  let b = 0;
  let c = 0;
  let neverLive = 0;

  beforeAll(async () => {
    ctx = await tempDatabase();
    const { db, projectId } = ctx;
    a = await deployAt(db, projectId, t0);
    b = await deployAt(db, projectId, t1);
    c = await deployAt(db, projectId, t2);
    neverLive = await deployAt(db, projectId, t2 + 10, { status: "building" });
    const p = (metric: string, at: number, p99: number, samples: number, env?: string) =>
      perfAt(db, projectId, metric, at, p99, samples, env);
    // A clear regression: before (100×200 + 120×200)/400 = 110, after (150×300 + 170×100)/400 = 155 → +40.909 %.
    await p("GET /slow", t1 - 1800, 100, 200);
    await p("GET /slow", t1 - 60, 120, 200);
    await p("GET /slow", t1, 150, 300);
    await p("GET /slow", t1 + 600, 170, 100);
    // Outside B's windows, so ignored for B: older than an hour, at C's go-live, another environment.
    await p("GET /slow", t1 - 3601, 10_000, 10_000);
    await p("GET /slow", t2, 10_000, 10_000);
    await p("GET /slow", t1 + 60, 10_000, 10_000, "staging");
    // An improvement: 200 → 150 = −25 %.
    await p("GET /fast", t1 - 300, 200, 500);
    await p("GET /fast", t1 + 300, 150, 500);
    // No change: 100 → 105 = +5 %.
    await p("GET /same", t1 - 300, 100, 1000);
    await p("GET /same", t1 + 300, 105, 1000);
    // Too few samples before: 50 + 40 = 90 < 100.
    await p("GET /rare", t1 - 300, 100, 50);
    await p("GET /rare", t1 - 200, 100, 40);
    await p("GET /rare", t1 + 300, 500, 1000);
    // Before A (the first deploy): its before window is the full hour.
    await p("GET /first", t0 - 3000, 100, 500);
    await p("GET /first", t0 + 100, 130, 500);
  });
  afterAll(() => ctx.close());

  it("finds a clear regression, an improvement, no change and too few samples, each with the exact numbers", async () => {
    const r = await deployRegression(ctx.db, ctx.projectId, { id: b });
    expect(r.verdict).toBe("regressed");
    expect(r.liveAt).toBe(t1);
    expect(r.windows).toEqual({ before: { from: t1 - 3600, to: t1 }, after: { from: t1, to: t2 } });
    const by = Object.fromEntries(r.metrics.map((m) => [m.metric, m]));
    expect(Object.keys(by)).toEqual(["GET /fast", "GET /rare", "GET /same", "GET /slow"]);
    expect(by["GET /slow"]).toMatchObject({ p99Before: 110, p99After: 155, samplesBefore: 400, samplesAfter: 400, verdict: "regressed" });
    expect(by["GET /slow"]!.deltaPercent).toBeCloseTo(40.909_090_9, 5);
    expect(by["GET /fast"]).toMatchObject({ p99Before: 200, p99After: 150, deltaPercent: -25, verdict: "improved" });
    expect(by["GET /same"]).toMatchObject({ p99Before: 100, p99After: 105, verdict: "unchanged" });
    expect(by["GET /same"]!.deltaPercent).toBeCloseTo(5, 9);
    expect(by["GET /rare"]).toMatchObject({ samplesBefore: 90, samplesAfter: 1000, verdict: "insufficient_data" });
  });

  it("applies the threshold on both sides and filters by metric", async () => {
    const wide = await deployRegression(ctx.db, ctx.projectId, { id: b, threshold: 50 });
    expect(wide.verdict).toBe("unchanged");
    expect(wide.metrics.map((m) => m.verdict)).toEqual(["unchanged", "insufficient_data", "unchanged", "unchanged"]);
    const exact = await deployRegression(ctx.db, ctx.projectId, { id: b, threshold: 25 });
    expect(exact.metrics.find((m) => m.metric === "GET /fast")!.verdict).toBe("improved"); // delta ≤ −threshold
    const fast = await deployRegression(ctx.db, ctx.projectId, { id: b, metric: "GET /fast" });
    expect(fast.verdict).toBe("improved");
    expect(fast.metrics).toHaveLength(1);
    const rare = await deployRegression(ctx.db, ctx.projectId, { id: b, metric: "GET /rare" });
    expect(rare.verdict).toBe("insufficient_data");
  });

  it("uses the full hour before a deploy that has no previous deploy", async () => {
    const r = await deployRegression(ctx.db, ctx.projectId, { id: a, metric: "GET /first" });
    expect(r.windows).toEqual({ before: { from: t0 - 3600, to: t0 }, after: { from: t0, to: t0 + 3600 } });
    expect(r.metrics).toEqual([
      {
        metric: "GET /first",
        p99Before: 100,
        p99After: 130,
        deltaPercent: 30,
        samplesBefore: 500,
        samplesAfter: 500,
        verdict: "regressed",
      },
    ]);
  });

  it("starts the before window at the previous go-live when that is less than an hour back", async () => {
    const r = await deployRegression(ctx.db, ctx.projectId, { id: c, metric: "GET /slow" });
    expect(r.windows!.before).toEqual({ from: t1, to: t2 });
    // Before C: only B's after-window snapshots (150×300, 170×100, and +60 s is staging); after C: the 10 000 at t2.
    expect(r.metrics[0]).toMatchObject({ samplesBefore: 400, p99Before: 155, samplesAfter: 10_000, p99After: 10_000 });
  });

  it("answers insufficient_data with no metrics for a deploy that never went live", async () => {
    const r = await deployRegression(ctx.db, ctx.projectId, { id: neverLive });
    expect(r).toMatchObject({ verdict: "insufficient_data", liveAt: null, windows: null, metrics: [] });
  });

  it("refuses a deploy of another project or one that does not exist with NOT_FOUND", async () => {
    await expect(deployRegression(ctx.db, "prj_other", { id: b })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deployRegression(ctx.db, ctx.projectId, { id: 999_999 })).rejects.toBeInstanceOf(CuittyError);
  });

  it("plans the query as index searches, never a scan of perf_snapshots or deploys", async () => {
    const { rows } = await ctx.db.cross.client.execute({
      sql: `EXPLAIN QUERY PLAN ${regressionSql(ctx.db.cross.schemas)}`,
      args: [b, ctx.projectId, null],
    });
    const plan = rows.map((r) => String(r.detail));
    expect(
      plan.some((d) =>
        /SEARCH s USING INDEX perf_snapshots_env_window_idx \(project_id=\? AND environment=\? AND window_start>\? AND window_start<\?\)/.test(
          d,
        ),
      ),
    ).toBe(true);
    expect(plan.some((d) => /SEARCH [pn] USING COVERING INDEX deploys_env_live_idx/.test(d))).toBe(true);
    expect(plan.some((d) => /SEARCH dp USING INTEGER PRIMARY KEY/.test(d))).toBe(true);
    expect(plan.filter((d) => /^SCAN (s|dp|p|n|perf_snapshots|deploys)\b/.test(d))).toEqual([]);
  });
});
