// Effects of a transition survive a real crash at every step boundary: the server runs in a child process armed
// with CUITTY_TEST_CRASH_AFTER, kills itself (SIGKILL) right after that step, and a server restarted on the same
// data directory finds every effect exactly once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { countOwedAuditEntries, getDeploy, listHealthChecks, listRollbackHooks, openDatabase } from "@cuitty/db";
import { type ChildServer, spawnChildServer } from "../src/childServer.js";
import type { CrashPoint } from "../src/config.js";
import type { DeliveryWorkerOptions } from "../src/delivery/deliveryWorker.js";
import type { HealthWorkerOptions } from "../src/health/healthWorker.js";
import type { TestServer } from "../src/testing.js";
import { FAST, FAST_DELIVERY, answer, healthServer, localServer, setPolicy, settled, waitFor } from "./healthHelpers.js";

let seq = 0;
/** Emits a deploy straight to live through any server (in-process or child); returns the answer. */
async function emitLive(server: Pick<TestServer, "request" | "keys">, extra: Record<string, unknown> = {}) {
  const n = ++seq;
  return server.request("deploys.emit", {
    key: server.keys.ingest,
    input: { id: `evt-crash-${n}`, type: "deploy", deploy: `crash-${n}`, status: "live", environment: "production", ...extra },
  });
}

/** The emit's request dies with the child: the crash point fires before the answer is sent. */
async function emitUntilCrash(child: ChildServer, send: () => Promise<unknown>) {
  await expect(send()).rejects.toThrow();
  expect(await child.exited).toBe("SIGKILL");
}

async function auditRows(server: TestServer, deployId: number) {
  const { rows } = await server.db.clients.audit.execute({
    sql: "SELECT entry_id, action FROM audit_entries WHERE deploy_id = ?",
    args: [deployId],
  });
  return rows.map((r) => ({ id: String(r.entry_id), action: String(r.action) }));
}

describe("side effects when the server is killed at a step boundary", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  function tempDir() {
    const dir = mkdtempSync(join(tmpdir(), "cuitty-crash-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  async function child(dataDir: string, crashAfter?: CrashPoint, worker: HealthWorkerOptions = {}, delivery: DeliveryWorkerOptions = {}) {
    const c = await spawnChildServer(dataDir, { worker: { ...FAST, ...worker }, delivery: { ...FAST_DELIVERY, ...delivery }, crashAfter });
    cleanup.push(() => c.kill());
    return c;
  }
  async function restart(dataDir: string) {
    const s = await healthServer({ dataDir });
    cleanup.push(() => s.stop());
    return s;
  }

  it("probes a deploy whose server died right after committing its go-live, each probe once", async () => {
    const target = await localServer(answer(200));
    cleanup.push(() => target.close());
    const dataDir = tempDir();
    const a = await child(dataDir, "transition");
    await setPolicy(a, { healthUrl: `${target.url}/healthz`, healthIntervalSeconds: 1, healthChecks: 3, healthFailures: 2 });
    await emitUntilCrash(a, () => emitLive(a));

    const b = await restart(dataDir);
    const [deploy] = (await b.request("deploys.list", { input: { environment: "production" } })).body.result.data.items;
    expect(deploy!.status).toBe("live");
    const { deploy: done, probes } = await settled(b, deploy!.id);
    expect(done.healthStatus).toBe("passing");
    expect(probes).toHaveLength(3);
    expect(target.requests).toHaveLength(3);
  });

  it("calls the rollback hook of an admin rollback whose server died right after committing it, once", async () => {
    const receiver = await localServer(answer(204));
    cleanup.push(() => receiver.close());
    const dataDir = tempDir();
    const a = await child(dataDir, "transition");
    await setPolicy(a, { rollbackWebhookUrl: `${receiver.url}/hook` });
    a.kill();
    await a.exited;

    // The deploys go live on a server without the crash point; the rollback goes to one with it.
    const setup = await restart(dataDir);
    const previous = (await emitLive(setup)).body.result.data.deploy.id;
    const id = (await emitLive(setup)).body.result.data.deploy.id;
    await setup.stop({ keepData: true });
    const c = await child(dataDir, "transition");
    await emitUntilCrash(c, () => c.request("deploys.rollback", { input: { deployId: id, reason: "p99 doubled" } }));

    const b = await restart(dataDir);
    expect((await getDeploy(b.db, b.projectId, id)).status).toBe("rolled_back");
    const [hook] = await waitFor("the hook delivery to be recorded", async () => {
      const h = await listRollbackHooks(b.db, b.projectId, id);
      return h[0]?.state === "delivered" ? h : undefined;
    });
    expect(hook).toMatchObject({ kind: "webhook", attempts: 1 });
    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({
      automatic: false,
      reason: "p99 doubled",
      deploy: { id },
      target: { id: previous },
    });
  });

  describe.each<[CrashPoint, string]>([
    ["auto-rollback", "right after committing an auto-rollback"],
    ["audit-copy", "after copying the audit entry but before forgetting it was owed"],
  ])("when the server dies %s", (point, when) => {
    it(`still has the auto-rollback's audit entry once and its hook delivered once after a restart (${when})`, async () => {
      let healthy = true;
      const target = await localServer((n, req, res) => answer(healthy ? 200 : 500)(n, req, res));
      const receiver = await localServer(answer(204));
      cleanup.push(
        () => target.close(),
        () => receiver.close(),
      );
      const dataDir = tempDir();

      const setup = await restart(dataDir);
      await setPolicy(setup, {
        healthUrl: `${target.url}/healthz`,
        healthIntervalSeconds: 1,
        healthChecks: 2,
        healthFailures: 1,
        autoRollback: true,
        rollbackWebhookUrl: `${receiver.url}/hook`,
      });
      const previous = (await emitLive(setup)).body.result.data.deploy.id;
      await settled(setup, previous);
      await setup.stop({ keepData: true });

      healthy = false;
      const a = await child(dataDir, point);
      const live = await emitLive(a);
      expect(live.status).toBe(200);
      const id: number = live.body.result.data.deploy.id;
      expect(await a.exited).toBe("SIGKILL");

      // What the crash left: the rollback committed with its hook row and its audit entry owed (or copied).
      const db = await openDatabase({ dataDir });
      try {
        expect((await getDeploy(db, a.projectId, id)).status).toBe("rolled_back");
        expect(await listRollbackHooks(db, a.projectId, id)).toMatchObject([{ state: "pending" }]);
        expect(await countOwedAuditEntries(db)).toBe(1);
        const { rows } = await db.clients.audit.execute("SELECT count(*) AS n FROM audit_entries");
        expect(Number(rows[0]!.n)).toBe(point === "audit-copy" ? 1 : 0);
      } finally {
        db.close();
      }

      const b = await restart(dataDir);
      await waitFor(
        "the hook delivery to be recorded",
        async () => (await listRollbackHooks(b.db, b.projectId, id))[0]?.state === "delivered",
      );
      await waitFor("the owed audit entry to be copied", async () => (await countOwedAuditEntries(b.db)) === 0);
      expect(await auditRows(b, id)).toEqual([{ id: `cuitty:auto-rollback:${id}`, action: "deploy.auto_rollback" }]);
      expect(await listRollbackHooks(b.db, b.projectId, id)).toMatchObject([{ state: "delivered", attempts: 1 }]);
      expect(receiver.requests).toHaveLength(1);
      expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ automatic: true, deploy: { id }, target: { id: previous } });
      expect(await listHealthChecks(b.db, id)).toHaveLength(1);
      expect((await getDeploy(b.db, b.projectId, previous)).current).toBe(true);
    }, 60_000);
  });

  it("sends a hook again with the same delivery id when the server died after the receiver's 2xx, and records it once", async () => {
    const receiver = await localServer(answer(204));
    cleanup.push(() => receiver.close());
    const dataDir = tempDir();
    const setup = await restart(dataDir);
    await setPolicy(setup, { rollbackWebhookUrl: `${receiver.url}/hook` });
    await emitLive(setup);
    const id = (await emitLive(setup)).body.result.data.deploy.id;
    await setup.stop({ keepData: true });

    // A short lease: the hook call the dead server held is claimed again once it expires.
    const a = await child(dataDir, "hook-delivered", {}, { hookLeaseMs: 1_000 });
    expect((await a.request("deploys.rollback", { input: { deployId: id } })).status).toBe(200);
    expect(await a.exited).toBe("SIGKILL");
    expect(receiver.requests).toHaveLength(1);

    const b = await restart(dataDir);
    const [hook] = await waitFor("the hook delivery to be recorded", async () => {
      const h = await listRollbackHooks(b.db, b.projectId, id);
      return h[0]?.state === "delivered" ? h : undefined;
    });
    // At least once: the receiver saw the call twice, under one delivery id it can deduplicate by.
    expect(receiver.requests).toHaveLength(2);
    expect(new Set(receiver.requests.map((r) => r.headers["x-cuitty-delivery"]))).toEqual(new Set([String(hook!.id)]));
    expect(await listRollbackHooks(b.db, b.projectId, id)).toHaveLength(1);
  });
});
