import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { getDeploy, listHealthChecks } from "@cuitty/db";
import type { TestServer } from "../src/testing.js";
import { answer, goLive, healthServer, localServer, setPolicy, settled, waitFor } from "./healthHelpers.js";

describe("health checks across restarts and replicas", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  function tempDir() {
    const dir = mkdtempSync(join(tmpdir(), "cuitty-health-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  it("resumes a probe series after a restart in the middle of it, with no probe lost or repeated", async () => {
    const target = await localServer(answer(200));
    cleanup.push(() => target.close());
    const dataDir = tempDir();
    const first = await healthServer({ dataDir });
    await setPolicy(first, { healthUrl: `${target.url}/healthz`, healthIntervalSeconds: 1, healthChecks: 10, healthFailures: 2 });
    const id = await goLive(first);
    await waitFor("three probes", async () => (await listHealthChecks(first.db, id)).length >= 3);
    await first.stop({ keepData: true });

    const second = await healthServer({ dataDir });
    cleanup.push(() => second.stop());
    const resumedAt = (await listHealthChecks(second.db, id)).length;
    expect(resumedAt).toBeGreaterThanOrEqual(3);
    expect(resumedAt).toBeLessThan(10);
    expect((await getDeploy(second.db, second.projectId, id)).healthStatus).toBe("pending");
    const { deploy, probes } = await settled(second, id);
    expect(deploy.healthStatus).toBe("passing");
    expect(probes).toHaveLength(10);
  });

  it("lets two servers on one data directory share the probes without ever probing a deploy twice", async () => {
    const checks = 6;
    const target = await localServer(answer(200));
    cleanup.push(() => target.close());
    const dataDir = tempDir();
    const a = await healthServer({ dataDir, worker: { ownerId: "server-a" } });
    const b = await healthServer({ dataDir, worker: { ownerId: "server-b" } });
    cleanup.push(
      () => a.stop(),
      () => b.stop(),
    );
    const envs = ["e1", "e2", "e3", "e4"];
    for (const environment of envs) {
      const res = await a.request("environments.update", {
        input: {
          environment,
          healthUrl: `${target.url}/${environment}`,
          healthIntervalSeconds: 1,
          healthChecks: checks,
          healthFailures: 2,
        },
      });
      expect(res.status).toBe(200);
    }
    const ids: number[] = [];
    for (const [i, environment] of envs.entries()) ids.push(await goLive(i % 2 === 0 ? a : b, { environment }));
    for (const id of ids) {
      const { deploy, probes } = await settled(a as TestServer, id, 15_000);
      expect(deploy.healthStatus).toBe("passing");
      expect(probes).toHaveLength(checks);
    }
    for (const environment of envs) {
      expect(target.requests.filter((r) => r.path === `/${environment}`)).toHaveLength(checks);
    }
  });
});
