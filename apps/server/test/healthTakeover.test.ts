import { mkdtempSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getDeploy, listHealthChecks } from "@cuitty/db";
import { spawnChildServer } from "../src/childServer.js";
import { healthExtension } from "../src/health/healthExtension.js";
import type { HealthWorkerOptions } from "../src/health/healthWorker.js";
import { startTestServer } from "../src/testing.js";
import { FAST, goLive, healthServer, localServer, setPolicy, settled, waitFor } from "./healthHelpers.js";

// Server A runs in a child process (spawnChildServer: the built server, as the CLI tests use it; turbo builds
// before testing) so that its crash is a real one: SIGKILL gives it no chance to run HealthWorker.stop(), so its
// lease stays in health_series exactly as after a power cut or OOM kill. It runs the same test worker options as
// the in-process servers, plus a short lease.
function spawnWorkerServer(dataDir: string, options: HealthWorkerOptions) {
  return spawnChildServer(dataDir, { worker: options });
}

describe("health checks when a server crashes", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it("a crashed server's health series is taken over by another after its lease expires", async () => {
    const checks = 6;
    const crashAt = 2; // A records probes 0 and 1, then dies while probe 2 is in flight
    const leaseMs = 5_000; // far above the claim-to-kill time even on a loaded machine; B must wait it out

    // The health target: answers every probe at once, except the one during which A is killed (never answered).
    const received: number[] = [];
    let aIsProbing = false;
    const target = await localServer((n: number, _req, res: ServerResponse) => {
      received.push(Date.now());
      if (n === crashAt) {
        aIsProbing = true;
        return;
      }
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
    cleanup.push(() => target.close());
    const dataDir = mkdtempSync(join(tmpdir(), "cuitty-health-takeover-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));

    // An API-only replica (worker off) takes the requests: it only queues the series in the database.
    const api = await startTestServer({ dataDir, config: { healthWorker: false }, extensions: [healthExtension(FAST)] });
    cleanup.push(() => api.stop());
    // The probe timeout is long so that A's probe is still in flight, holding its lease, when A is killed.
    await setPolicy(api, {
      healthUrl: `${target.url}/healthz`,
      healthIntervalSeconds: 1,
      healthTimeoutMs: 30_000,
      healthChecks: checks,
      healthFailures: 2,
    });

    const a = await spawnWorkerServer(dataDir, { ...FAST, ownerId: "server-a", leaseMs });
    cleanup.push(async () => {
      a.child.kill("SIGKILL");
      await a.exited;
    });
    const id = await goLive(api);
    await waitFor(
      "server A to send its third probe",
      async () => {
        if (a.child.exitCode !== null) throw new Error(`server A exited:\n${a.output()}`);
        return aIsProbing;
      },
      20_000,
    );
    a.child.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();

    // A died holding the lease of the probe in flight, with two probes recorded.
    const { rows } = await api.db.clients.deploys.execute({
      sql: `SELECT probes_done, lease_owner, lease_expires_ms FROM health_series WHERE deploy_id = ?1`,
      args: [id],
    });
    expect(rows).toHaveLength(1);
    const leaseExpiresMs = Number(rows[0]!.lease_expires_ms);
    expect({ probesDone: Number(rows[0]!.probes_done), owner: rows[0]!.lease_owner }).toEqual({
      probesDone: crashAt,
      owner: "server-a",
    });
    expect(leaseExpiresMs).toBeGreaterThan(killedAt);
    expect(await listHealthChecks(api.db, id)).toHaveLength(crashAt);
    expect((await getDeploy(api.db, api.projectId, id)).healthStatus).toBe("pending");

    // Server B starts on the same data directory (while A's lease still runs) and finishes the series.
    const b = await healthServer({ dataDir, worker: { ownerId: "server-b", leaseMs } });
    cleanup.push(() => b.stop());
    const { deploy, probes } = await settled(b, id, leaseMs + 30_000);
    expect(deploy.healthStatus).toBe("passing");
    expect(probes).toHaveLength(checks);
    expect(probes.every((p) => p.ok)).toBe(true);
    // Every probe sent once, plus A's that was lost with it; B sent none before A's lease expired.
    expect(received).toHaveLength(checks + 1);
    const byB = received.slice(crashAt + 1);
    expect(byB).toHaveLength(checks - crashAt);
    for (const at of byB) expect(at).toBeGreaterThanOrEqual(leaseExpiresMs);
    for (const p of probes.slice(crashAt)) expect(p.checkedAt).toBeGreaterThanOrEqual(Math.floor(leaseExpiresMs / 1000));
    const series = await b.db.clients.deploys.execute({ sql: `SELECT 1 FROM health_series WHERE deploy_id = ?1`, args: [id] });
    expect(series.rows).toHaveLength(0);
  }, 120_000);
});
