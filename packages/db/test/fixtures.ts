// Test fixtures of the db package: a real database over libSQL files in a temp dir, a project, deploys at given times.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployStatus } from "@cuitty/core";
import { type Database, openDatabase } from "../src/connection.js";
import { applyDeployEvent } from "../src/queries/applyDeployEvent.js";
import { recordPerfSnapshots } from "../src/queries/perf.js";
import { createProject } from "../src/queries/projects.js";

export async function tempDatabase() {
  const dataDir = mkdtempSync(join(tmpdir(), "cuitty-db-test-"));
  const db = await openDatabase({ dataDir });
  const project = await createProject(db, "test");
  return {
    db,
    projectId: project.id,
    dataDir,
    close() {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
/** A deploy driven straight to `status` at `at` (unix seconds); returns its id. */
export async function deployAt(
  db: Database,
  projectId: string,
  at: number,
  opts: { environment?: string; status?: DeployStatus; commitSha?: string } = {},
) {
  const result = await applyDeployEvent(
    db,
    projectId,
    {
      type: "deploy",
      deploy: `d-${++seq}`,
      status: opts.status ?? "live",
      environment: opts.environment ?? "production",
      occurredAt: at,
      commitSha: opts.commitSha,
    },
    at,
  );
  return result.deploy.id;
}

export async function perfAt(
  db: Database,
  projectId: string,
  metric: string,
  windowStart: number,
  p99: number,
  samples: number,
  environment = "production",
) {
  await recordPerfSnapshots(db, projectId, [{ environment, metric, p99, samples, windowStart, windowEnd: windowStart + 60 }], windowStart);
}
