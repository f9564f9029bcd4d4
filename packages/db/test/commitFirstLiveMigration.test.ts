// Migration 0010 fills commit_first_live for a data directory written before it: each commit of a deploy that
// went live, once per environment, at its earliest go-live there (ties to the lower deploy id).
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/connection.js";
import { doraMetrics } from "../src/queries/dora.js";
import { dataDirBefore } from "./drizzleMigrations.js";

const t = 1_700_000_000;
const sha = (c: string) => c.repeat(40);

describe("the commit_first_live migration", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0).reverse()) c();
  });

  it("fills each commit's first go-live per environment from the deploys and commits already stored", async () => {
    const dataDir = await dataDirBefore("0010", cleanup, async (client) => {
      await client.execute("INSERT INTO projects (id, name) VALUES ('p', 'p')");
      await client.execute("INSERT INTO environments (id, project_id, name) VALUES (1, 'p', 'production'), (2, 'p', 'staging')");
      // [key, env, status, live_at, commits]: "late" is created first but went live after "early" (both ship X);
      // "tie" goes live with "early" in the same second; "broken" never went live; staging ships X on its own.
      const deploys: [string, number, string, number | null, [string, number][]][] = [
        [
          "late",
          1,
          "live",
          t + 100,
          [
            [sha("a"), t - 10],
            [sha("b"), t - 20],
          ],
        ],
        ["early", 1, "rolled_back", t + 50, [[sha("a"), t - 10]]],
        ["tie", 1, "live", t + 50, [[sha("a"), t - 10]]],
        ["broken", 1, "failed", null, [[sha("c"), t - 30]]],
        ["stage", 2, "live", t + 200, [[sha("a"), t - 10]]],
      ];
      for (const [key, env, status, liveAt, commits] of deploys) {
        await client.execute({
          sql: "INSERT INTO deploys (project_id, env_id, status, external_key, started_at, live_at) VALUES ('p', ?, ?, ?, ?, ?)",
          args: [env, status, key, t, liveAt],
        });
        for (const [s, committedAt] of commits) {
          await client.execute({
            sql: "INSERT INTO deploy_commits (project_id, deploy_id, sha, committed_at) VALUES ('p', (SELECT id FROM deploys WHERE external_key = ?), ?, ?)",
            args: [key, s, committedAt],
          });
        }
      }
    });

    const db = await openDatabase({ dataDir });
    cleanup.push(() => db.close());
    const { rows } = await db.clients.deploys.execute(
      `SELECT f.env_id, f.sha, f.committed_at, f.live_at, d.external_key FROM commit_first_live f JOIN deploys d ON d.id = f.deploy_id
       ORDER BY f.env_id, f.sha`,
    );
    expect(rows.map((r) => [r.env_id, r.sha, r.committed_at, r.live_at, r.external_key])).toEqual([
      [1, sha("a"), t - 10, t + 50, "early"],
      [1, sha("b"), t - 20, t + 100, "late"],
      [2, sha("a"), t - 10, t + 200, "stage"],
    ]);
    const m = await doraMetrics(db, "p", { environment: "production", from: t, to: t + 1000, bucket: "day" }, t + 1000);
    // X 60 s before its first go-live, Y 120 s: two samples, median 90 s.
    expect(m.leadTime).toMatchObject({ samples: 2, medianSeconds: 90 });
  });
});
