// Migration 0011 on a data directory written before it: deploys.commits_listed is filled from the commits already
// stored, and the partial indexes DORA reads are built over the rows already there, so the four figures come out
// as the README's definitions give them (worked out by hand below) on the migrated data.
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/connection.js";
import { doraMetrics } from "../src/queries/dora.js";
import { dataDirBefore } from "./drizzleMigrations.js";

const t = 1_700_000_000;
const sha = (c: string) => c.repeat(40);

describe("the DORA indexes migration (0011)", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0).reverse()) c();
  });

  it("marks the deploys that listed commits and gives the same figures on data written before it", async () => {
    // Before 0010 too, so commit_first_live is filled by its own migration from the same rows.
    const dataDir = await dataDirBefore("0010", cleanup, async (client) => {
      await client.execute("INSERT INTO projects (id, name) VALUES ('p', 'p')");
      await client.execute("INSERT INTO environments (id, project_id, name) VALUES (1, 'p', 'production')");
      // [key, status, live_at, completed_at, committed_at, reason, commits]
      const deploys: [string, string, number | null, number | null, number | null, string | null, [string, number][]][] = [
        // Listed two commits: its head commit (committed_at) is not a sample of its own.
        [
          "listed",
          "live",
          t + 100,
          t + 100,
          t - 5,
          null,
          [
            [sha("a"), t - 10],
            [sha("b"), t - 20],
          ],
        ],
        // Listed none: stands for its head commit; rolled back (at t + 400, to "listed").
        ["head", "rolled_back", t + 200, t + 200, t + 50, null, []],
        // Listed none and has no commit time: no sample.
        ["bare", "live", t + 300, t + 300, null, null, []],
        // Failed before going live: a failed run, not a change failure.
        ["broken", "failed", null, t + 350, t - 30, "failure", [[sha("c"), t - 30]]],
        // Cancelled: neither.
        ["stopped", "failed", null, t + 360, null, "cancelled", []],
      ];
      for (const [key, status, liveAt, completedAt, committedAt, reason, commits] of deploys) {
        await client.execute({
          sql: `INSERT INTO deploys (project_id, env_id, status, external_key, started_at, live_at, completed_at, committed_at, reason)
                VALUES ('p', 1, ?, ?, ?, ?, ?, ?, ?)`,
          args: [status, key, t, liveAt, completedAt, committedAt, reason],
        });
        for (const [s, at] of commits) {
          await client.execute({
            sql: "INSERT INTO deploy_commits (project_id, deploy_id, sha, committed_at) VALUES ('p', (SELECT id FROM deploys WHERE external_key = ?), ?, ?)",
            args: [key, s, at],
          });
        }
      }
      await client.execute({
        sql: `INSERT INTO deploy_events (project_id, deploy_id, to_status, occurred_at, rollback_target_id)
              SELECT 'p', d.id, 'rolled_back', ?, (SELECT id FROM deploys WHERE external_key = 'listed') FROM deploys d WHERE d.external_key = 'head'`,
        args: [t + 400],
      });
    });

    const db = await openDatabase({ dataDir });
    cleanup.push(() => db.close());
    const { rows } = await db.clients.deploys.execute("SELECT external_key, commits_listed FROM deploys ORDER BY id");
    expect(rows.map((r) => [r.external_key, r.commits_listed])).toEqual([
      ["listed", 1],
      ["head", 0],
      ["bare", 0],
      ["broken", 1],
      ["stopped", 0],
    ]);

    const m = await doraMetrics(db, "p", { environment: "production", from: t, to: t + 1000, bucket: "day" }, t + 1000);
    // Lead time: commits a (110 s) and b (120 s) of "listed", the head commit of "head" (150 s).
    expect(m.leadTime).toMatchObject({ samples: 3, medianSeconds: 120, p90Seconds: 150 });
    // Three go-lives, one of them rolled back; one failed run ("stopped" was cancelled).
    expect(m.deploymentFrequency.count).toBe(3);
    expect(m.changeFailureRate).toMatchObject({ failures: 1, total: 3, failedRuns: 1 });
    // "head" went live at t + 200 and "bare", healthy, at t + 300 (before the rollback at t + 400): 100 s.
    expect(m.timeToRestore).toMatchObject({ samples: 1, medianSeconds: 100, unrestored: 0, openSince: null });
  });
});
