import { afterEach, describe, expect, it } from "vitest";
import { getDeploy, listHealthChecks } from "@cuitty/db";
import type { TestServer } from "../src/testing.js";
import { type LocalServer, answer, goLive, healthServer, localServer, refusingUrl, setPolicy, settled, waitFor } from "./healthHelpers.js";

describe("health checks against a real local HTTP target", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  async function setup(handle: Parameters<typeof localServer>[0], policy: Record<string, unknown>) {
    const target = await localServer(handle);
    const server = await healthServer();
    cleanup.push(
      () => target.close(),
      () => server.stop(),
    );
    await setPolicy(server, { healthUrl: `${target.url}/healthz`, healthIntervalSeconds: 1, ...policy });
    return { target, server };
  }
  async function auditOf(server: TestServer, deployId: number) {
    const { rows } = await server.db.clients.audit.execute({
      sql: "SELECT action, actor, metadata FROM audit_entries WHERE deploy_id = ?",
      args: [deployId],
    });
    return rows.map((r) => ({ action: String(r.action), actor: String(r.actor), metadata: String(r.metadata) }));
  }

  it("records every probe of a healthy target and marks the deploy passing", async () => {
    const { target, server } = await setup(answer(200), { healthChecks: 4, healthFailures: 2, autoRollback: true });
    const previous = await goLive(server);
    await settled(server, previous);
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(deploy.healthStatus).toBe("passing");
    expect(deploy.status).toBe("live");
    expect(probes).toHaveLength(4);
    expect(probes.every((p) => p.ok && p.statusCode === 200 && p.error === null && p.latencyMs !== null)).toBe(true);
    expect(target.requests.filter((r) => r.path === "/healthz")).toHaveLength(8);
  });

  it("marks a deploy failing after the consecutive failures and leaves it live when auto-rollback is off", async () => {
    const { server } = await setup(answer(503), { healthChecks: 5, healthFailures: 2, autoRollback: false });
    const previous = await goLive(server);
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(deploy.healthStatus).toBe("failing");
    expect(probes.map((p) => [p.ok, p.statusCode, p.error])).toEqual([
      [false, 503, "expected HTTP 200, got 503"],
      [false, 503, "expected HTTP 200, got 503"],
    ]);
    await new Promise((r) => setTimeout(r, 200)); // several ticks: nothing else happens
    expect((await getDeploy(server.db, server.projectId, id)).status).toBe("live");
    expect((await getDeploy(server.db, server.projectId, previous)).current).toBe(false);
    expect(await auditOf(server, id)).toEqual([]);
  });

  it("rolls a failing deploy back to the previous one and writes an audit entry saying why", async () => {
    let healthy = true;
    const { server } = await setup((n, req, res) => answer(healthy ? 200 : 500)(n, req, res), {
      healthChecks: 3,
      healthFailures: 2,
      autoRollback: true,
    });
    const previous = await goLive(server, { commitSha: "aaaa1111" });
    expect((await settled(server, previous)).deploy.healthStatus).toBe("passing");
    healthy = false;
    const id = await goLive(server, { commitSha: "bbbb2222" });
    const { probes } = await settled(server, id);
    expect(probes.map((p) => p.statusCode)).toEqual([500, 500]);
    const deploy = await waitFor("the rollback", async () => {
      const d = await getDeploy(server.db, server.projectId, id);
      return d.status === "rolled_back" ? d : undefined;
    });
    expect(deploy).toMatchObject({ healthStatus: "failing", rollbackTargetId: previous });
    expect(deploy.reason).toBe("health checks failed: 2 consecutive failed probes (last: expected HTTP 200, got 500)");
    expect(deploy.events.at(-1)).toMatchObject({ toStatus: "rolled_back", actor: "cuitty:health-check", rollbackTargetId: previous });
    expect((await getDeploy(server.db, server.projectId, previous)).current).toBe(true);
    const audit = await waitFor("the audit entry", async () => (await auditOf(server, id))[0]);
    expect(audit).toMatchObject({ action: "deploy.auto_rollback", actor: "cuitty:health-check" });
    expect(JSON.parse(audit.metadata)).toMatchObject({ reason: deploy.reason, rollbackTargetId: previous });
  });

  it("passes a flapping target whose failures never reach the consecutive threshold", async () => {
    const { server } = await setup((n, req, res) => answer(n % 2 === 0 ? 200 : 502)(n, req, res), {
      healthChecks: 6,
      healthFailures: 2,
      autoRollback: true,
    });
    await settled(server, await goLive(server)); // a target for a rollback, were one decided
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(probes).toHaveLength(6);
    expect(probes.filter((p) => !p.ok).length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < probes.length; i++) expect(probes[i - 1]!.ok || probes[i]!.ok).toBe(true);
    expect(deploy.healthStatus).toBe("passing");
    expect(deploy.status).toBe("live");
  });

  it("counts a target slower than the timeout as failed and rolls back", async () => {
    let slow = false;
    const { server } = await setup((n, req, res) => answer(200, slow ? 2000 : 0)(n, req, res), {
      healthChecks: 3,
      healthFailures: 2,
      healthTimeoutMs: 150,
      autoRollback: true,
    });
    const previous = await goLive(server);
    await settled(server, previous);
    slow = true;
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(deploy.healthStatus).toBe("failing");
    expect(probes).toHaveLength(2);
    for (const p of probes) {
      expect(p).toMatchObject({ ok: false, statusCode: null, error: "timeout after 150 ms" });
      expect(p.latencyMs).toBeGreaterThanOrEqual(140);
      expect(p.latencyMs).toBeLessThan(1500);
    }
    await waitFor("the rollback", async () => (await getDeploy(server.db, server.projectId, id)).status === "rolled_back");
  });

  it("counts refused connections as failed and rolls back", async () => {
    const { server } = await setup(answer(200), { healthChecks: 3, healthFailures: 3, autoRollback: true });
    const previous = await goLive(server);
    await settled(server, previous);
    await setPolicy(server, { healthUrl: await refusingUrl() });
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(deploy.healthStatus).toBe("failing");
    expect(probes.map((p) => [p.ok, p.statusCode, p.error])).toEqual(Array(3).fill([false, null, "ECONNREFUSED"]));
    await waitFor("the rollback", async () => (await getDeploy(server.db, server.projectId, id)).status === "rolled_back");
    expect((await getDeploy(server.db, server.projectId, previous)).current).toBe(true);
  });

  it("records the decision not to roll back when there is no earlier deploy to go back to", async () => {
    const { server } = await setup(answer(500), { healthChecks: 3, healthFailures: 1, autoRollback: true });
    const id = await goLive(server);
    const { deploy } = await settled(server, id);
    expect(deploy.healthStatus).toBe("failing");
    const audit = await waitFor("the audit entry", async () => (await auditOf(server, id))[0]);
    expect(audit.action).toBe("deploy.auto_rollback_skipped");
    expect(JSON.parse(audit.metadata).reason).toMatch(/not rolled back: no earlier live deploy/);
    expect((await getDeploy(server.db, server.projectId, id)).status).toBe("live");
  });

  it("leaves health unknown and probes nothing in an environment without a health URL", async () => {
    const target: LocalServer = await localServer(answer(200));
    const server = await healthServer();
    cleanup.push(
      () => target.close(),
      () => server.stop(),
    );
    const id = await goLive(server);
    await new Promise((r) => setTimeout(r, 150));
    expect((await getDeploy(server.db, server.projectId, id)).healthStatus).toBe("unknown");
    expect(await listHealthChecks(server.db, id)).toEqual([]);
    expect(target.requests).toEqual([]);
  });

  it("stops probing a deploy once a newer one goes live, and starts on the newer one", async () => {
    const { server } = await setup(answer(200), { healthChecks: 1000, healthFailures: 3 });
    const first = await goLive(server);
    await waitFor("a first probe", async () => (await listHealthChecks(server.db, first)).length > 0);
    const second = await goLive(server);
    const stopped = await waitFor("the first series to end", async () => {
      const d = await getDeploy(server.db, server.projectId, first);
      return d.healthStatus === "unknown" ? d : undefined;
    });
    expect(stopped.status).toBe("live");
    await waitFor("probes of the newer deploy", async () => (await listHealthChecks(server.db, second)).length > 1);
    expect((await getDeploy(server.db, server.projectId, second)).healthStatus).toBe("pending");
  });
});
