import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollbackDeploy } from "../src/queries/applyDeployEvent.js";
import { recordAuditEntries } from "../src/queries/audit.js";
import { deployCorrelations } from "../src/queries/correlations.js";
import { recordPerfSnapshots } from "../src/queries/perf.js";
import { deployAt, perfAt, tempDatabase } from "./fixtures.js";

const t0 = 1_700_000_000;

describe("deploys.correlations", () => {
  let ctx: Awaited<ReturnType<typeof tempDatabase>>;
  let a = 0;
  let b = 0;
  let c = 0;
  const entry = (id: string, occurredAt: number, extra: Record<string, unknown> = {}) => ({
    id,
    environment: "production",
    actor: "alice",
    action: "flag.update",
    target: "checkout-v2",
    occurredAt,
    ...extra,
  });

  beforeAll(async () => {
    ctx = await tempDatabase();
    const { db, projectId } = ctx;
    a = await deployAt(db, projectId, t0);
    b = await deployAt(db, projectId, t0 + 7200, { commitSha: "ABCDEF1234" });
    c = await deployAt(db, projectId, t0 + 9000);
    await rollbackDeploy(db, projectId, { deployId: c, reason: "bad" }, t0 + 9100); // B is current again, but C's go-live ended B's stint
    await recordAuditEntries(
      db,
      projectId,
      [
        entry("before-b", t0 + 7000), // A was current
        entry("during-b", t0 + 8000), // B was current
        entry("names-b", t0 + 100, { deployId: b }), // names B by id
        entry("commit-b", t0 + 200, { commitSha: "abcdef1234" }), // names B's commit
        entry("during-c", t0 + 9050), // C was current
        entry("staging", t0 + 8000, { environment: "staging" }),
      ],
      t0 + 9200,
    );
    await perfAt(db, projectId, "GET /", t0 + 7200 - 100, 100, 200);
    await perfAt(db, projectId, "GET /", t0 + 7200 + 100, 120, 200);
    await perfAt(db, projectId, "GET /", t0 + 9000, 999, 200); // C's window, not B's
  });
  afterAll(() => ctx.close());

  it("lists the entries naming the deploy and those in its environment while it was current, oldest first", async () => {
    const r = await deployCorrelations(ctx.db, ctx.projectId, b);
    expect(r.currentUntil).toBe(t0 + 9000);
    expect(r.audit.map((e) => e.id)).toEqual(["names-b", "commit-b", "during-b"]);
    expect(r.audit[0]).toMatchObject({ actor: "alice", action: "flag.update", deployId: b, environment: "production" });
  });

  it("ends a deploy's stint at its rollback", async () => {
    const r = await deployCorrelations(ctx.db, ctx.projectId, c);
    expect(r.currentUntil).toBe(t0 + 9100);
    expect(r.audit.map((e) => e.id)).toEqual(["during-c"]);
  });

  it("returns the perf snapshots of the before and after windows regression compares", async () => {
    const r = await deployCorrelations(ctx.db, ctx.projectId, b);
    expect(r.windows).toEqual({ before: { from: t0 + 3600, to: t0 + 7200 }, after: { from: t0 + 7200, to: t0 + 9000 } });
    expect(r.perf.before.map((p) => p.p99)).toEqual([100]);
    expect(r.perf.after.map((p) => p.p99)).toEqual([120]);
    expect(r.perf.after[0]).toMatchObject({ metric: "GET /", samples: 200, windowStart: t0 + 7300, windowEnd: t0 + 7360 });
  });

  it("includes every entry of the environment during the deploy's stint, even ones naming another deploy", async () => {
    const r = await deployCorrelations(ctx.db, ctx.projectId, a);
    expect(r.currentUntil).toBe(t0 + 7200);
    expect(r.audit.map((e) => e.id)).toEqual(["names-b", "commit-b", "before-b"]);
  });

  it("refuses a deploy of another project with NOT_FOUND", async () => {
    await expect(deployCorrelations(ctx.db, "prj_other", b)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("audit entries", () => {
  let ctx: Awaited<ReturnType<typeof tempDatabase>>;
  beforeAll(async () => {
    ctx = await tempDatabase();
  });
  afterAll(() => ctx.close());

  it("deduplicates entries by id per project and counts what was written", async () => {
    const e = { id: "aud_1", environment: "production", actor: "a", action: "x", occurredAt: t0 };
    expect(await recordAuditEntries(ctx.db, ctx.projectId, [e, { ...e, id: undefined }], t0)).toEqual({ accepted: 2, duplicates: 0 });
    expect(await recordAuditEntries(ctx.db, ctx.projectId, [e, { ...e, id: "aud_2" }], t0)).toEqual({ accepted: 1, duplicates: 1 });
    expect(await recordAuditEntries(ctx.db, "prj_other", [e], t0)).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("refuses the whole batch when an entry names an unknown deploy or lies in the future", async () => {
    const e = { environment: "production", actor: "a", action: "x" };
    await expect(recordAuditEntries(ctx.db, ctx.projectId, [e, { ...e, deployId: 12345 }], t0)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fields: ["entries.1.deployId"] },
    });
    await expect(recordAuditEntries(ctx.db, ctx.projectId, [{ ...e, occurredAt: t0 + 301 }], t0)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { fields: ["entries.0.occurredAt"] },
    });
  });
});

describe("perf snapshots", () => {
  let ctx: Awaited<ReturnType<typeof tempDatabase>>;
  beforeAll(async () => {
    ctx = await tempDatabase();
  });
  afterAll(() => ctx.close());

  const rowCount = async (projectId: string) =>
    Number(
      (await ctx.db.clients.perf.execute({ sql: "SELECT count(*) AS n FROM perf_snapshots WHERE project_id = ?", args: [projectId] }))
        .rows[0]!.n,
    );

  it("deduplicates snapshots by id per project, within a batch too, and records snapshots without an id every time", async () => {
    const s = { id: "perf_1", environment: "production", metric: "GET /", p99: 100, samples: 500, windowStart: t0, windowEnd: t0 + 60 };
    expect(await recordPerfSnapshots(ctx.db, ctx.projectId, [s, { ...s, id: undefined }], t0)).toEqual({ accepted: 2, duplicates: 0 });
    expect(await recordPerfSnapshots(ctx.db, ctx.projectId, [s, { ...s, id: "perf_2" }, { ...s, id: "perf_2" }], t0)).toEqual({
      accepted: 1,
      duplicates: 2,
    });
    expect(await recordPerfSnapshots(ctx.db, ctx.projectId, [{ ...s, id: undefined }], t0)).toEqual({ accepted: 1, duplicates: 0 });
    expect(await rowCount(ctx.projectId)).toBe(4);
    expect(await recordPerfSnapshots(ctx.db, "prj_other", [s], t0)).toEqual({ accepted: 1, duplicates: 0 });
    expect(await rowCount("prj_other")).toBe(1);
  });
});
