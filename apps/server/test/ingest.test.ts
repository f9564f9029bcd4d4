// Idempotency, concurrency, reads (pages, filters, timeline, current) and rollback through the wire.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideTransition, STATUSES, type DeployStatus } from "@cuitty/core";
import { type ProcedureOutput, type ProcedurePath, type TestServer, startTestServer } from "../src/testing.js";
import { emit, event, rowCounts, uniq } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const read = <P extends ProcedurePath>(procedure: P, input?: unknown) => server.request(procedure, { input, key: server.keys.read });

describe("idempotency", () => {
  it("should record one event when the same event id arrives twice", async () => {
    const e = event(uniq("idem"), "building", { id: uniq("evt") });
    const before = await rowCounts(server);
    const first = await emit(server, e);
    const second = await emit(server, e);
    expect(first.body.result.data.changed).toBe(true);
    expect(second.body.result.data).toMatchObject({ changed: false, duplicate: true });
    expect(second.body.result.data.deploy.id).toBe(first.body.result.data.deploy.id);
    const after = await rowCounts(server);
    expect(after.events - before.events).toBe(1);
    expect(after.deploys - before.deploys).toBe(1);
  });

  it("should treat a duplicate inside one batch as a no-op and answer per event in order", async () => {
    const key = uniq("batch");
    const id = uniq("evt");
    const events = [
      event(key, "building", { id }),
      event(key, "building", { id }),
      event(key, "initiated", { id: uniq("evt") }), // illegal: building → initiated
      event(key, "live", { id: uniq("evt") }),
    ];
    const res = await server.request("deploys.emitBatch", { input: { events }, key: server.keys.ingest });
    // A union per item (applied | refused): the mapping reads both branches; the later reads narrow to applied ones.
    const results = res.body.result.data.results;
    expect(results.map((r) => (r.ok ? (r.changed ? "changed" : "same") : r.error.cuittyCode))).toEqual([
      "changed",
      "same",
      "INVALID_TRANSITION",
      "changed",
    ]);
    const [first, second] = results;
    if (!first?.ok || !second?.ok) throw new Error(`the first two events were applied above: ${JSON.stringify(results)}`);
    expect(second.duplicate).toBe(true);
    const detail = await read("deploys.get", { id: first.deploy.id });
    expect(detail.body.result.data.events.map((e) => e.toStatus)).toEqual(["building", "live"]);
  });
});

describe("concurrency", () => {
  it("should leave a history the table allows after 50 parallel events for one deploy", async () => {
    const key = uniq("race");
    const statuses: DeployStatus[] = Array.from({ length: 50 }, (_, i) => STATUSES[i % 5]!); // no rolled_back
    const results = await Promise.all(statuses.map((s, i) => emit(server, event(key, s, { id: `${key}:${i}` }))));
    expect(results.every((r) => r.status === 200 || r.body.error?.data.cuittyCode === "INVALID_TRANSITION")).toBe(true);
    const id = results.find((r) => r.status === 200)!.body.result.data.deploy.id;
    const events = (await read("deploys.get", { id })).body.result.data.events;
    let state: DeployStatus | null = null;
    for (const e of events) {
      expect(e.fromStatus).toBe(state);
      expect(decideTransition(state, e.toStatus).kind).not.toBe("refuse");
      state = e.toStatus;
    }
    // No two accepted events left the same state: a state change passed at most once.
    const froms = events.map((e) => e.fromStatus);
    expect(new Set(froms).size).toBe(froms.length);
    expect(results.filter((r) => r.status === 200 && r.body.result.data.changed)).toHaveLength(events.length);
  });
});

describe("reads", () => {
  const env = `reads-${process.pid}`;
  const keys: string[] = [];
  beforeAll(async () => {
    const t0 = Math.floor(Date.now() / 1000) - 10_000;
    for (let i = 0; i < 25; i++) {
      const key = uniq("page");
      keys.push(key);
      const branch = i % 2 === 0 ? "main" : "feature";
      await emit(server, event(key, "building", { environment: env, branch, occurredAt: t0 + i * 100 }));
      await emit(server, event(key, i % 5 === 4 ? "failed" : "live", { environment: env, occurredAt: t0 + i * 100 + 50 }));
    }
  });

  it("should page through every deploy newest first with a cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await read("deploys.list", { environment: env, limit: 7, ...(cursor ? { cursor } : {}) });
      const data: ProcedureOutput<"deploys.list"> = res.body.result.data;
      seen.push(...data.items.map((d) => d.externalKey));
      cursor = data.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...keys].reverse());
  });

  it("should filter by status, branch and time", async () => {
    const failed = (await read("deploys.list", { environment: env, status: "failed", limit: 200 })).body.result.data.items;
    expect(failed).toHaveLength(5);
    expect(failed.every((d) => d.status === "failed")).toBe(true);
    const feature = (await read("deploys.list", { environment: env, branch: "feature", limit: 200 })).body.result.data.items;
    expect(feature).toHaveLength(12);
    const all = (await read("deploys.list", { environment: env, limit: 200 })).body.result.data.items;
    const mid = all[10]!.startedAt;
    const since = (await read("deploys.list", { environment: env, since: mid, limit: 200 })).body.result.data.items;
    expect(since).toHaveLength(11);
  });

  it("should show the environment's history in its timeline, current deploy marked", async () => {
    const tl = (await read("deploys.timeline", { environment: env, limit: 200 })).body.result.data;
    expect(tl.items).toHaveLength(25);
    const current = tl.items.filter((d) => d.current);
    expect(current).toHaveLength(1);
    expect(current[0]!.externalKey).toBe(keys[23]); // the last one failed; the one before went live last
    expect(tl.items.filter((d) => d.status === "failed")).toHaveLength(5);
  });

  it("should answer an unknown environment's timeline with NOT_FOUND", async () => {
    const res = await read("deploys.timeline", { environment: "nowhere" });
    expect(res.body.error.data.cuittyCode).toBe("NOT_FOUND");
  });
});

describe("rollback and the current deploy", () => {
  it("should roll back to the latest earlier live deploy by default and make it current", async () => {
    const env = `rb-${process.pid}`;
    const ids: number[] = [];
    const goLive = async () => ids.push((await emit(server, event(uniq("rb"), "live", { environment: env }))).body.result.data.deploy.id);
    await goLive();
    await goLive();
    // The middle one is rolled back while it is current (only the current deploy may be), so the default skips it.
    const rb1 = await server.request("deploys.rollback", { input: { deployId: ids[1], targetId: ids[0], reason: "bad migration" } });
    expect(rb1.body.result.data).toMatchObject({ status: "rolled_back", rollbackTargetId: ids[0], reason: "bad migration" });
    await goLive();
    const rb2 = await server.request("deploys.rollback", { input: { deployId: ids[2] } });
    expect(rb2.body.result.data.rollbackTargetId).toBe(ids[0]);
    const current = (await read("deploys.current")).body.result.data.find((c) => c.environment === env);
    expect(current?.deploy?.id).toBe(ids[0]);
    const detail = (await read("deploys.get", { id: ids[2] })).body.result.data;
    expect(detail.rollbackTarget?.id).toBe(ids[0]);
    expect(detail.events.at(-1)).toMatchObject({ fromStatus: "live", toStatus: "rolled_back", rollbackTargetId: ids[0] });
  });

  it("should accept rolled_back as an event with an explicit target", async () => {
    const env = `rbe-${process.pid}`;
    const a = (await emit(server, event(uniq("a"), "live", { environment: env }))).body.result.data.deploy.id;
    const key = uniq("b");
    await emit(server, event(key, "building", { environment: env }));
    await emit(server, event(key, "failed", { environment: env, reason: "tests failed" }));
    const res = await emit(server, event(key, "rolled_back", { environment: env, rollbackTargetId: a }));
    expect(res.body.result.data.deploy).toMatchObject({ status: "rolled_back", rollbackTargetId: a });
  });

  it("should keep the later go-live current when an older live event arrives out of order", async () => {
    const env = `ooo-${process.pid}`;
    const t = Math.floor(Date.now() / 1000);
    const newer = (await emit(server, event(uniq("n"), "live", { environment: env, occurredAt: t }))).body.result.data.deploy.id;
    await emit(server, event(uniq("o"), "live", { environment: env, occurredAt: t - 600 }));
    const current = (await read("deploys.current")).body.result.data.find((c) => c.environment === env);
    expect(current?.deploy?.id).toBe(newer);
  });
});
