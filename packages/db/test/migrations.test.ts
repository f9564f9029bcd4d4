// Upgrades in place: a data directory written by the first release (only each module's first migration
// applied, recorded exactly as drizzle-orm's libSQL migrator records it) is opened by this release.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach, describe, expect, it } from "vitest";
import { MODULES, type ModuleName, openDatabase } from "../src/connection.js";
import { applyDeployEvent } from "../src/queries/applyDeployEvent.js";
import { listEnvironments } from "../src/queries/environments.js";
import { claimDueSeries, listHealthChecks, startHealthSeries } from "../src/queries/healthSeries.js";
import { recordPerfSnapshots } from "../src/queries/perf.js";
import { getProject } from "../src/queries/projects.js";
import { getDeploy } from "../src/queries/readDeploys.js";
import { applyLikeDrizzle, readMigrations } from "./drizzleMigrations.js";

describe("database migrations", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0).reverse()) c();
  });

  it("an existing data directory at every earlier migration upgrades in place", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cuitty-db-migrations-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));

    // The first release's data directory: each module file with only its 0000 migration.
    const clients = {} as Record<ModuleName, Client>;
    for (const m of MODULES) {
      clients[m] = createClient({ url: `file:${join(dataDir, `${m}.db`)}` });
      const [first] = readMigrations(m);
      expect(first?.tag.startsWith("0000")).toBe(true);
      await applyLikeDrizzle(clients[m], m, first!);
    }
    // At least one module has later migrations, or this test would prove nothing.
    expect(MODULES.some((m) => readMigrations(m).length > 1)).toBe(true);

    // Rows written by the first release, with its columns only.
    const projectId = "proj_upgrade";
    const t = 1_700_000_000;
    await clients.deploys.batch(
      [
        { sql: `INSERT INTO projects (id, name, created_at) VALUES (?, 'old project', ?)`, args: [projectId, t] },
        {
          sql: `INSERT INTO environments (project_id, name, health_url, health_checks, created_at)
                VALUES (?, 'production', 'http://127.0.0.1:9/healthz', 4, ?)`,
          args: [projectId, t],
        },
        {
          sql: `INSERT INTO deploys (project_id, env_id, version, commit_sha, status, external_key, started_at, live_at, completed_at, updated_at)
                VALUES (?, (SELECT id FROM environments WHERE name = 'production'), 'v1.0.0', 'abc1234', 'live', 'old-deploy', ?, ?, ?, ?)`,
          args: [projectId, t, t + 60, t + 60, t + 60],
        },
        {
          sql: `INSERT INTO deploy_events (project_id, deploy_id, event_id, from_status, to_status, occurred_at)
                VALUES (?, (SELECT id FROM deploys WHERE external_key = 'old-deploy'), 'evt-old', NULL, 'live', ?)`,
          args: [projectId, t + 60],
        },
        {
          sql: `UPDATE environments SET current_deploy_id = (SELECT id FROM deploys WHERE external_key = 'old-deploy')
                WHERE name = 'production'`,
          args: [],
        },
      ],
      "write",
    );
    const oldDeployId = Number((await clients.deploys.execute(`SELECT id FROM deploys WHERE external_key = 'old-deploy'`)).rows[0]!.id);
    await clients.perf.execute({
      sql: `INSERT INTO perf_snapshots (project_id, environment, metric, p50, p95, p99, error_rate, samples, window_start, window_end)
            VALUES (?, 'production', 'GET /', 10, 20, 30, 0.01, 100, ?, ?)`,
      args: [projectId, t, t + 60],
    });
    for (const m of MODULES) clients[m].close();

    const db = await openDatabase({ dataDir });
    cleanup.push(() => db.close());

    // Every later migration applied, recorded as drizzle records it (a second open would find nothing to do).
    for (const m of MODULES) {
      const { rows } = await db.clients[m].execute(`SELECT hash, created_at FROM "__drizzle_migrations_${m}" ORDER BY created_at`);
      expect(
        rows.map((r) => ({ hash: String(r.hash), when: Number(r.created_at) })),
        `migrations recorded in ${m}.db`,
      ).toEqual(readMigrations(m).map(({ hash, when }) => ({ hash, when })));
    }
    const indexes = (await db.clients.deploys.execute(`SELECT name FROM sqlite_master WHERE type = 'index'`)).rows.map((r) =>
      String(r.name),
    );
    expect(indexes).toEqual(expect.arrayContaining(["health_series_due_idx", "deploys_env_phases_idx", "deploys_env_head_commit_idx"]));
    // 0012 dropped the indexes no query reads (one superseded by a partial index, one a prefix of another).
    expect(indexes).not.toContain("deploys_env_completed_idx");
    expect(indexes).not.toContain("deploys_env_started_idx");

    // Old rows intact, read through today's queries.
    expect(await getProject(db, projectId)).toMatchObject({ id: projectId, name: "old project" });
    const [env] = await listEnvironments(db, projectId);
    expect(env).toMatchObject({
      name: "production",
      healthUrl: "http://127.0.0.1:9/healthz",
      healthChecks: 4,
      currentDeployId: oldDeployId,
    });
    const old = await getDeploy(db, projectId, oldDeployId);
    expect(old).toMatchObject({ version: "v1.0.0", commitSha: "abc1234", status: "live", current: true });
    expect(old.events.map((e) => e.eventId)).toEqual(["evt-old"]);
    const oldSnapshots = (await db.clients.perf.execute(`SELECT p99, samples, snapshot_id FROM perf_snapshots`)).rows;
    expect(oldSnapshots.map((r) => ({ p99: Number(r.p99), samples: Number(r.samples), id: r.snapshot_id }))).toEqual([
      { p99: 30, samples: 100, id: null },
    ]);

    // New columns work: snapshot ids (deduplicated per project, beside the old row without one) ...
    const snap = { environment: "production", metric: "GET /", p99: 40, samples: 50, windowStart: t + 120, windowEnd: t + 180 };
    expect(await recordPerfSnapshots(db, projectId, [{ ...snap, id: "perf_new" }], t + 200)).toEqual({ accepted: 1, duplicates: 0 });
    expect(await recordPerfSnapshots(db, projectId, [{ ...snap, id: "perf_new" }], t + 200)).toEqual({ accepted: 0, duplicates: 1 });
    expect(await recordPerfSnapshots(db, projectId, [{ ...snap, windowStart: t + 240, windowEnd: t + 300 }], t + 300)).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    expect(Number((await db.clients.perf.execute(`SELECT count(*) AS n FROM perf_snapshots`)).rows[0]!.n)).toBe(3);

    // ... and health_series: the old live deploy gets a series that a worker can claim.
    expect(await startHealthSeries(db, projectId, oldDeployId, 1_000)).toBe(true);
    const claimed = await claimDueSeries(db, "upgrade-test", 2_000, 60_000, 10);
    expect(claimed).toMatchObject([
      { deployId: oldDeployId, projectId, probesDone: 0, checks: 4, healthUrl: "http://127.0.0.1:9/healthz" },
    ]);
    expect(await listHealthChecks(db, oldDeployId)).toEqual([]);
    expect((await getDeploy(db, projectId, oldDeployId)).healthStatus).toBe("pending");

    // A new deploy in the old environment supersedes the old one.
    const next = await applyDeployEvent(
      db,
      projectId,
      { type: "deploy", deploy: "new-deploy", status: "live", environment: "production", occurredAt: t + 400 },
      t + 400,
    );
    const [envAfter] = await listEnvironments(db, projectId);
    expect(envAfter?.currentDeployId).toBe(next.deploy.id);
    expect(next.deploy.id).toBeGreaterThan(oldDeployId);
  });
  it("deploys written before their phase entry times were columns get them from their events", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cuitty-db-migrations-"));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    for (const m of MODULES) {
      const client = createClient({ url: `file:${join(dataDir, `${m}.db`)}` });
      for (const migration of readMigrations(m).filter((x) => m !== "deploys" || x.tag < "0009")) {
        await applyLikeDrizzle(client, m, migration);
      }
      if (m === "deploys") {
        const t = 1_700_000_000;
        const histories: Record<string, [string, number][]> = {
          full: [
            ["initiated", t],
            ["building", t + 10],
            ["deploying", t + 40],
            ["live", t + 100],
          ],
          skips: [
            ["building", t + 5],
            ["live", t + 65],
          ],
          straight: [["live", t + 7]],
          broken: [
            ["initiated", t + 1],
            ["failed", t + 3],
          ],
        };
        await client.execute({ sql: "INSERT INTO projects (id, name) VALUES ('p', 'p')", args: [] });
        await client.execute({ sql: "INSERT INTO environments (project_id, name) VALUES ('p', 'production')", args: [] });
        for (const [key, events] of Object.entries(histories)) {
          const last = events[events.length - 1]!;
          await client.execute({
            sql: `INSERT INTO deploys (project_id, env_id, status, external_key, started_at, live_at) VALUES ('p', 1, ?, ?, ?, ?)`,
            args: [last[0], key, events[0]![1], events.find((e) => e[0] === "live")?.[1] ?? null],
          });
          for (const [to, at] of events) {
            await client.execute({
              sql: `INSERT INTO deploy_events (project_id, deploy_id, to_status, occurred_at)
                    VALUES ('p', (SELECT id FROM deploys WHERE external_key = ?), ?, ?)`,
              args: [key, to, at],
            });
          }
        }
      }
      client.close();
    }
    const db = await openDatabase({ dataDir });
    cleanup.push(() => db.close());
    const { rows } = await db.clients.deploys.execute(
      "SELECT external_key, initiated_at, building_at, deploying_at, live_at FROM deploys ORDER BY id",
    );
    const t = 1_700_000_000;
    expect(rows.map((r) => [r.external_key, r.initiated_at, r.building_at, r.deploying_at, r.live_at])).toEqual([
      ["full", t, t + 10, t + 40, t + 100],
      ["skips", null, t + 5, null, t + 65],
      ["straight", null, null, null, t + 7],
      ["broken", t + 1, null, null, null],
    ]);
  });
});
