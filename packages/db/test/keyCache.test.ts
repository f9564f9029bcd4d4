// The key cache (keyCache.ts) answers from memory while no key changed, and reads again once one did.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/connection.js";
import { createApiKey, createProject, revokeApiKey } from "../src/queries/projects.js";

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cuitty-keycache-"));
  db = await openDatabase({ dataDir: dir });
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("should answer a project's keys from memory until a key changes, then read them again", async () => {
  const projectId = (await createProject(db, "test")).id;
  const { keyId } = await createApiKey(db, projectId, "ingest");
  await nextTurn();
  const first = db.keyCache!.lookup(projectId);
  expect(first.keys.map((k) => k.keyId)).toContain(keyId);
  await nextTurn();
  // Nothing changed: the same answer, not a new read.
  expect(db.keyCache!.lookup(projectId)).toBe(first);
  await revokeApiKey(db, keyId);
  await nextTurn();
  const after = db.keyCache!.lookup(projectId);
  expect(after).not.toBe(first);
  expect(after.keys.map((k) => k.keyId)).not.toContain(keyId);
});
