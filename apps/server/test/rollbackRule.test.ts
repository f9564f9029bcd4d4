// Which deploys may be rolled back, and to what, on small histories worked out by hand: a rollback moves the
// environment's current deploy, so only the deploy in charge may be rolled back, and only to an earlier go-live.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../src/testing.js";

describe("rolling back a deploy that is not the one in charge", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.stop();
  });

  const t0 = Math.floor(Date.now() / 1000) - 4 * 3600;
  let n = 0;
  /** Emits `status` for deploy `key` at t0 + `minute` minutes; returns the deploy id. */
  async function emit(key: string, status: string, minute: number, extra: Record<string, unknown> = {}): Promise<number> {
    const res = await server.request("deploys.emit", {
      key: server.keys.ingest,
      input: {
        id: `evt-rule-${++n}`,
        type: "deploy",
        deploy: key,
        status,
        environment: "production",
        occurredAt: t0 + minute * 60,
        ...extra,
      },
    });
    if (res.status !== 200) throw new Error(`emit failed: ${JSON.stringify(res.body)}`);
    return res.body.result.data.deploy.id;
  }
  async function get(id: number) {
    return (await server.request("deploys.get", { input: { id }, key: server.keys.read })).body.result.data;
  }
  async function current(): Promise<number | null> {
    const res = await server.request("deploys.current", { key: server.keys.read });
    return res.body.result.data.find((c: { environment: string }) => c.environment === "production")?.deploy?.id ?? null;
  }
  const rollback = (deployId: number, targetId?: number) => server.request("deploys.rollback", { input: { deployId, targetId } });

  it("refuses a live deploy that a later go-live superseded, naming the current deploy, and writes nothing", async () => {
    // A live 10:00, B live 11:00, C live 12:00: C is current; B was superseded by C.
    const a = await emit("A", "live", 0);
    const b = await emit("B", "live", 60);
    const c = await emit("C", "live", 120);

    const refused = await rollback(b);
    expect(refused.status).toBe(409);
    expect(refused.body.error.data).toMatchObject({
      cuittyCode: "INVALID_TRANSITION",
      from: "live",
      to: "rolled_back",
      currentDeployId: c,
    });
    expect(refused.body.error.message).toContain(`#${c}`);
    const reported = await server.request("deploys.emit", {
      key: server.keys.ingest,
      input: { id: "evt-rule-reported", type: "deploy", deploy: "B", status: "rolled_back", environment: "production" },
    });
    expect(reported.status).toBe(409);
    expect(reported.body.error.data).toMatchObject({ cuittyCode: "INVALID_TRANSITION", currentDeployId: c });

    expect(await get(b)).toMatchObject({ status: "live", rollbackTargetId: null, rollbackable: false, defaultRollbackTarget: null });
    expect((await get(b)).events).toHaveLength(1);
    expect(await current()).toBe(c);
    // The current deploy may be rolled back, to B (the latest earlier go-live); A may not (superseded too).
    expect(await get(c)).toMatchObject({ rollbackable: true, defaultRollbackTarget: { id: b } });
    expect((await get(a)).rollbackable).toBe(false);
    const ok = await rollback(c);
    expect(ok.status).toBe(200);
    expect(ok.body.result.data).toMatchObject({ id: c, status: "rolled_back", rollbackTargetId: b });
    expect(await current()).toBe(b);
  });

  it("refuses a target that went live after the deploy, and has no default target to go forward to", async () => {
    // A live 10:00, B live 11:00, C live 12:00, C rolled back to A: A is current, B is live but not current.
    const a = await emit("A", "live", 0);
    const b = await emit("B", "live", 60);
    const c = await emit("C", "live", 120);
    expect((await rollback(c, a)).status).toBe(200);
    expect(await current()).toBe(a);

    // Rolling A back to B would go forward in time: refused. Without a target there is none earlier than A.
    const forward = await rollback(a, b);
    expect(forward.status).toBe(409);
    expect(forward.body.error.data.cuittyCode).toBe("INVALID_ROLLBACK_TARGET");
    expect(forward.body.error.message).toContain("went live after");
    const noTarget = await rollback(a);
    expect(noTarget.status).toBe(409);
    expect(noTarget.body.error.data.cuittyCode).toBe("INVALID_ROLLBACK_TARGET");
    expect(await get(a)).toMatchObject({ status: "live", current: true, rollbackable: false, defaultRollbackTarget: null });

    // B is not the deploy in charge (A is): refused, naming A.
    const superseded = await rollback(b);
    expect(superseded.status).toBe(409);
    expect(superseded.body.error.data).toMatchObject({ cuittyCode: "INVALID_TRANSITION", currentDeployId: a });
    expect(await current()).toBe(a);
  });

  it("rolls back a failed deploy unless a deploy went live after it started", async () => {
    // A live 10:00; F building 10:10, failed 10:20: nothing went live since F started, so F rolls back to A.
    const a = await emit("A", "live", 0);
    const f = await emit("F", "building", 10);
    await emit("F", "failed", 20);
    expect(await get(f)).toMatchObject({ rollbackable: true, defaultRollbackTarget: { id: a } });
    const ok = await rollback(f);
    expect(ok.status).toBe(200);
    expect(ok.body.result.data).toMatchObject({ status: "rolled_back", rollbackTargetId: a });
    expect(await current()).toBe(a);

    // G building 11:00, B live 11:05, G failed 11:10: B went live after G started, so rolling G back (moving
    // the environment to A) would undo B: refused, naming B.
    const g = await emit("G", "building", 60);
    const b = await emit("B", "live", 65);
    await emit("G", "failed", 70);
    expect(await get(g)).toMatchObject({ status: "failed", rollbackable: false });
    const refused = await rollback(g);
    expect(refused.status).toBe(409);
    expect(refused.body.error.data).toMatchObject({ cuittyCode: "INVALID_TRANSITION", from: "failed", currentDeployId: b });
    expect(await current()).toBe(b);
    expect((await get(g)).status).toBe("failed");
  });

  it("says a deploy that cannot go to rolled_back is not rollbackable", async () => {
    const a = await emit("A", "live", 0);
    const building = await emit("W", "building", 10);
    expect((await get(building)).rollbackable).toBe(false);
    // The first deploy of an environment has nothing earlier to go back to.
    expect(await get(a)).toMatchObject({ current: true, rollbackable: false, defaultRollbackTarget: null });
  });
});
