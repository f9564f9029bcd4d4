// Time to restore leaves out the outages that ended by the last healthy go-live before the range (dora.ts,
// `settled`); one that began earlier but whose first failing probe came after that go-live still counts.
// A history written straight into the tables, its figures worked out by hand from the README's definitions.
import { afterEach, describe, expect, it } from "vitest";
import { doraMetrics } from "../src/queries/dora.js";
import { tempDatabase } from "./fixtures.js";

const T = 1_760_000_000;

describe("time to restore around the range's start", () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  it("counts an outage whose first failing probe follows the last healthy go-live before the range, and no earlier one", async () => {
    const t = await tempDatabase();
    cleanup.push(() => t.close());
    const c = t.db.clients.deploys;
    await c.execute({ sql: "INSERT INTO environments (id, project_id, name) VALUES (1, ?, 'production')", args: [t.projectId] });
    // [key, status, live_at, health_status, marked_bad_at]
    const deploys: [string, string, number, string, number | null][] = [
      ["E", "live", T - 2000, "passing", null], // healthy, the rollback target
      ["A", "live", T - 1000, "failing", null], // failing its checks: the outage starts at its first failing probe, T - 200
      ["D", "rolled_back", T - 900, "passing", null], // rolled back to E at T - 800: ended before the range
      ["B", "live", T - 500, "passing", null], // the last healthy go-live before the range
      ["C", "live", T + 300, "passing", null], // ends A's outage: 500 s
      ["F", "live", T + 1000, "passing", T + 1100], // marked bad
      ["G", "live", T + 1600, "passing", null], // ends F's: 600 s
      ["H", "live", T + 5000, "passing", T + 5100], // marked bad, never followed: open
    ];
    for (const [key, status, liveAt, health, markedBad] of deploys) {
      await c.execute({
        sql: `INSERT INTO deploys (project_id, env_id, external_key, status, started_at, live_at, completed_at, health_status, marked_bad_at)
              VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)`,
        args: [t.projectId, key, status, liveAt - 60, liveAt, liveAt, health, markedBad],
      });
    }
    const id = async (key: string) =>
      Number((await c.execute({ sql: "SELECT id FROM deploys WHERE external_key = ?", args: [key] })).rows[0]!.id);
    for (const [at, ok] of [
      [T - 970, 1],
      [T - 200, 0],
      [T - 170, 0],
    ]) {
      await c.execute({
        sql: "INSERT INTO health_checks (project_id, deploy_id, checked_at, ok) VALUES (?, ?, ?, ?)",
        args: [t.projectId, await id("A"), at!, ok!],
      });
    }
    await c.execute({
      sql: `INSERT INTO deploy_events (project_id, deploy_id, to_status, occurred_at, rollback_target_id) VALUES (?, ?, 'rolled_back', ?, ?)`,
      args: [t.projectId, await id("D"), T - 800, await id("E")],
    });

    const m = await doraMetrics(t.db, t.projectId, { environment: "production", from: T, to: T + 10_000, bucket: "day" }, T + 10_000);
    expect(m.timeToRestore).toMatchObject({ samples: 2, medianSeconds: 550, p90Seconds: 600, unrestored: 1, openSince: T + 5000 });
    // From before everything: D's outage (T - 900 to its rollback at T - 800, 100 s) counts too.
    const all = await doraMetrics(
      t.db,
      t.projectId,
      { environment: "production", from: T - 3000, to: T + 10_000, bucket: "day" },
      T + 10_000,
    );
    expect(all.timeToRestore).toMatchObject({ samples: 3, medianSeconds: 500, p90Seconds: 600, unrestored: 1, openSince: T + 5000 });
  });
});
