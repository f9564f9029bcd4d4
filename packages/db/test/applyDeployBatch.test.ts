// A batch (applyDeployEvents, applyDeployBatch.ts) answers and writes exactly what its events do one by one
// (applyDeployEvent): random batches of repeated and new event ids, deploys that move several times in a batch,
// refused and out-of-order transitions, new environments and health-checked ones, commits, on both ingest paths.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CuittyError, type DeployEvent, deployEventSchema } from "@cuitty/core";
import { type Database, openDatabase } from "../src/connection.js";
import { type BatchItemResult, applyDeployEvent, applyDeployEvents } from "../src/queries/applyDeployEvent.js";
import { createProject } from "../src/queries/projects.js";
import { seededRandom } from "@cuitty/core/testing";

const PATHS = [
  ["the embedded files' hot path", (dir: string) => ({ dataDir: dir })],
  ["the client path of a libSQL URL", (dir: string) => ({ dataDir: dir, url: `file:${join(dir, "one.db")}` })],
] as const;

const STATUSES = ["initiated", "building", "deploying", "live", "failed", "live", "live"] as const;
const NOW = 1_750_000_000;

/** A small deterministic generator, so a failure repeats. */
function random(seed: number) {
  const next = seededRandom(seed);
  return { int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}

function randomBatch(r: ReturnType<typeof random>, round: number, size: number): DeployEvent[] {
  return Array.from({ length: size }, () => {
    const n = r.int(12);
    return deployEventSchema.parse({
      type: "deploy",
      ...(r.chance(0.9) ? { id: `ev-${r.int(60)}` } : {}),
      deploy: `d-${round % 3}-${r.int(10)}`,
      status: STATUSES[r.int(STATUSES.length)],
      // Environments: two that exist (one health-checked), one the batches create.
      environment: ["checked", "plain", `new-${round}`][n % 3],
      ...(r.chance(0.7) ? { occurredAt: NOW - 1000 + r.int(50) } : {}),
      ...(r.chance(0.3) ? { version: `v${r.int(5)}`, branch: "main", commitSha: "abcdef12" } : {}),
      ...(r.chance(0.2) ? { reason: r.chance(0.5) ? "because" : "since" } : {}),
      ...(r.chance(0.2) ? { triggeredBy: "ci" } : {}),
      ...(r.chance(0.1) ? { provider: "github" } : {}),
      ...(r.chance(0.1) ? { committedAt: NOW - 5000 } : {}),
      ...(r.chance(0.3) ? { commits: [{ sha: `abc${r.int(8)}`.padEnd(40, "0"), committedAt: NOW - 4000 + r.int(100) }] } : {}),
    });
  });
}

const TABLES = [
  "deploys",
  "deploy_events",
  "environments",
  "deploy_commits",
  "commit_first_live",
  "health_series",
  "sqlite_sequence WHERE name IN ('deploys', 'deploy_events', 'environments')",
];

async function dump(db: Database): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) {
    // Project ids are random, and creation times the clock's: neither is the batch's doing.
    out[t] = (await db.clients.deploys.execute(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows.map(
      ({ project_id: _p, created_at: _c, ...r }) => r,
    );
  }
  return out;
}

/** The events sent at once as single emits: the group commit runs those of a turn together (applyDeployEvent). */
async function atOnce(db: Database, projectId: string, events: DeployEvent[]): Promise<BatchItemResult[]> {
  const settled = await Promise.allSettled(events.map((event) => applyDeployEvent(db, projectId, event, NOW)));
  return settled.map((s) => {
    if (s.status === "fulfilled") return { ok: true, ...s.value };
    const error = s.reason;
    if (!(error instanceof CuittyError)) throw error;
    const { fields } = error.details;
    return { ok: false, error: { cuittyCode: error.code, message: error.message, ...(fields ? { fields } : {}) } };
  });
}

function oneByOne(db: Database, projectId: string, events: DeployEvent[]): Promise<BatchItemResult[]> {
  return events.reduce<Promise<BatchItemResult[]>>(async (acc, event) => {
    const results = await acc;
    try {
      return [...results, { ok: true, ...(await applyDeployEvent(db, projectId, event, NOW)) }];
    } catch (error) {
      if (!(error instanceof CuittyError)) throw error;
      const { fields } = error.details;
      return [...results, { ok: false, error: { cuittyCode: error.code, message: error.message, ...(fields ? { fields } : {}) } }];
    }
  }, Promise.resolve([]));
}

for (const [name, config] of PATHS) {
  describe(`a batch through ${name}`, () => {
    const dirs: string[] = [];
    const opened: Database[] = [];
    async function fresh(): Promise<{ db: Database; projectId: string }> {
      const dir = mkdtempSync(join(tmpdir(), "cuitty-batch-"));
      dirs.push(dir);
      const db = await openDatabase(config(dir));
      opened.push(db);
      const projectId = (await createProject(db, "test")).id;
      for (const [env, url] of [
        ["checked", "https://example.com/healthz"],
        ["plain", null],
      ] as const) {
        await db.clients.deploys.execute({
          sql: "INSERT INTO environments (project_id, name, health_url) VALUES (?, ?, ?)",
          args: [projectId, env, url],
        });
      }
      return { db, projectId };
    }
    let batched: { db: Database; projectId: string };
    let single: { db: Database; projectId: string };
    let concurrent: { db: Database; projectId: string };
    let single2: { db: Database; projectId: string };
    beforeAll(async () => {
      batched = await fresh();
      single = await fresh();
      concurrent = await fresh();
      single2 = await fresh();
    });
    afterAll(() => {
      for (const db of opened) db.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it("answers and writes as its events one by one", async () => {
      const r = random(7);
      for (let round = 0; round < 12; round++) {
        const events = randomBatch(r, round, 1 + r.int(80));
        const got = await applyDeployEvents(batched.db, batched.projectId, events, NOW);
        const want = await oneByOne(single.db, single.projectId, events);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        expect(await dump(batched.db)).toEqual(await dump(single.db));
      }
    });

    // The client path keeps a transaction per call (a libSQL server serialises its writers), so only the embedded one groups.
    it.runIf(name === PATHS[0][0])("answers and writes single emits sent at once as the same events one by one", async () => {
      const r = random(11);
      for (let round = 0; round < 12; round++) {
        const events = randomBatch(r, round, 1 + r.int(40));
        const got = await atOnce(concurrent.db, concurrent.projectId, events);
        const want = await oneByOne(single2.db, single2.projectId, events);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        expect(await dump(concurrent.db)).toEqual(await dump(single2.db));
      }
    });
  });
}
