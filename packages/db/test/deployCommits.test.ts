// The commits a deploy event lists are written in the event's transaction, on both ingest paths: the embedded
// files' hot path (cached prepared statements) and the client path used with a libSQL server URL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployEventSchema } from "@cuitty/core";
import { type Database, openDatabase } from "../src/connection.js";
import { applyDeployEvent, applyDeployEvents } from "../src/queries/applyDeployEvent.js";
import { createProject } from "../src/queries/projects.js";
import { getDeploy } from "../src/queries/readDeploys.js";

const PATHS = [
  ["the embedded files' hot path", (dir: string) => ({ dataDir: dir })],
  ["the client path of a libSQL URL", (dir: string) => ({ dataDir: dir, url: `file:${join(dir, "one.db")}` })],
] as const;

const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const event = (over: Record<string, unknown>) =>
  deployEventSchema.parse({ type: "deploy", environment: "production", status: "live", occurredAt: 1_750_000_000, ...over });

for (const [name, config] of PATHS) {
  describe(`deploy commits through ${name}`, () => {
    let dir: string;
    let db: Database;
    let projectId: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "cuitty-commits-"));
      db = await openDatabase(config(dir));
      projectId = (await createProject(db, "test")).id;
    });
    afterAll(() => {
      db?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("stores the listed commits once per deploy and SHA, with the event", async () => {
      const commits = [
        { sha: sha(1), committedAt: 100 },
        { sha: sha(2), committedAt: 200 },
      ];
      const first = await applyDeployEvent(db, projectId, event({ id: "e1", deploy: "a", status: "building", commits }), 1_750_000_000);
      // A later event of the same deploy repeating one commit and adding another.
      await applyDeployEvent(
        db,
        projectId,
        event({ id: "e2", deploy: "a", commits: [commits[1], { sha: sha(3), committedAt: 300 }] }),
        1_750_000_000,
      );
      const got = await getDeploy(db, projectId, first.deploy.id);
      expect(got.commits).toEqual([...commits, { sha: sha(3), committedAt: 300 }]);
    });

    it("writes no commits for a refused event or a repeated event id", async () => {
      const [ok, refused] = await applyDeployEvents(
        db,
        projectId,
        [
          event({ id: "b1", deploy: "b", commits: [{ sha: sha(4), committedAt: 400 }] }),
          event({ id: "b2", deploy: "b", status: "initiated", commits: [{ sha: sha(5), committedAt: 500 }] }),
        ],
        1_750_000_000,
      );
      expect(refused).toMatchObject({ ok: false, error: { cuittyCode: "INVALID_TRANSITION" } });
      await applyDeployEvent(db, projectId, event({ id: "b1", deploy: "b", commits: [{ sha: sha(6), committedAt: 600 }] }), 1_750_000_000);
      const id = ok!.ok ? ok!.deploy.id : 0;
      expect((await getDeploy(db, projectId, id)).commits).toEqual([{ sha: sha(4), committedAt: 400 }]);
    });

    it("marks a deploy commits_listed from the event that lists its first commits (lead time's head-commit fallback reads it)", async () => {
      const listed = async (key: string) =>
        (
          await db.clients.deploys.execute({
            sql: "SELECT commits_listed FROM deploys WHERE project_id = ? AND external_key = ?",
            args: [projectId, key],
          })
        ).rows[0]?.commits_listed;
      // Listed from the first event on; never listed; listed only once live; an event with an empty list lists none.
      await applyDeployEvent(db, projectId, event({ deploy: "c", status: "building", commits: [{ sha: sha(7), committedAt: 700 }] }), 1);
      await applyDeployEvent(db, projectId, event({ deploy: "c" }), 1);
      await applyDeployEvent(db, projectId, event({ deploy: "d", status: "building", commitSha: sha(8) }), 1);
      await applyDeployEvent(db, projectId, event({ deploy: "d" }), 1);
      await applyDeployEvent(db, projectId, event({ deploy: "e", status: "building" }), 1);
      expect(await listed("e")).toBe(0);
      await applyDeployEvent(db, projectId, event({ deploy: "e", commits: [{ sha: sha(9), committedAt: 900 }] }), 1);
      await applyDeployEvent(db, projectId, event({ deploy: "f", status: "building", commits: [] }), 1);
      expect([await listed("c"), await listed("d"), await listed("e"), await listed("f")]).toEqual([1, 0, 1, 0]);
    });

    it("marks commits_listed the same way when the events come in one batch (emitBatch's path)", async () => {
      const listed = async (key: string) =>
        (
          await db.clients.deploys.execute({
            sql: "SELECT commits_listed FROM deploys WHERE project_id = ? AND external_key = ?",
            args: [projectId, key],
          })
        ).rows[0]?.commits_listed;
      await applyDeployEvent(db, projectId, event({ deploy: "h", status: "building" }), 1);
      await applyDeployEvents(
        db,
        projectId,
        [
          event({ deploy: "g", status: "building", commits: [{ sha: sha(10), committedAt: 1000 }] }),
          event({ deploy: "g" }),
          event({ deploy: "h", commits: [{ sha: sha(11), committedAt: 1100 }] }),
          event({ deploy: "i", status: "building" }),
          event({ deploy: "i", commits: [] }),
        ],
        1,
      );
      expect([await listed("g"), await listed("h"), await listed("i")]).toEqual([1, 1, 0]);
    });
  });
}
