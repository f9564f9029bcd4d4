// Benchmark of metrics.phases and metrics.dora (not a test): a 30-day history of N deploys (default 22,000, one
// environment, about 730 a day) with their events and commits in temp libSQL files, then K calls of each query
// beside a bare indexed SELECT of the same deploys.
//   pnpm bench:metrics                      (from the repository root)
//   pnpm --filter @cuitty/db bench:metrics -- --deploys 50000 --calls 20
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/connection.js";
import { doraMetrics } from "../src/queries/dora.js";
import { phaseTimings } from "../src/queries/phases.js";
import { createProject } from "../src/queries/projects.js";

const { values } = parseArgs({
  options: { deploys: { type: "string", default: "22000" }, calls: { type: "string", default: "20" } },
  args: process.argv.slice(2).filter((a) => a !== "--"),
});
const N = Number(values.deploys);
const K = Number(values.calls);
if (!Number.isInteger(N) || N < 100 || N > 2_000_000) throw new Error("--deploys must be an integer from 100 to 2,000,000");
if (!Number.isInteger(K) || K < 1 || K > 1000) throw new Error("--calls must be an integer from 1 to 1000");

const DAYS = 30;
const now = 1_760_000_000;
const from = now - DAYS * 86_400;
const STEP = Math.floor((DAYS * 86_400) / N);

const dataDir = mkdtempSync(join(tmpdir(), "cuitty-bench-metrics-"));
const db = await openDatabase({ dataDir });
const pid = (await createProject(db, "bench")).id;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

console.log(`filling ${dataDir}: ${N.toLocaleString()} deploys over ${DAYS} days in one environment, with events and commits`);
const t0 = process.hrtime.bigint();
await db.clients.deploys.execute({ sql: "INSERT INTO environments (project_id, name) VALUES (?, 'production')", args: [pid] });
const envId = Number((await db.clients.deploys.execute("SELECT id FROM environments")).rows[0]!.id);
// Deploy i starts at from + i*STEP. Of every 100: 2 are first reported live (a poller), 3 skip building, 5 fail
// while building, 3 of the rest are rolled back and 2 marked bad; the others go initiated → building →
// deploying → live. Phase durations vary with i so the percentiles have something to find.
const seed = [
  `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1 - 1),
     d AS (SELECT i, i % 100 AS k, ?3 + i * ?4 AS t FROM seq),
     times AS (SELECT i, k, t,
       CASE WHEN k < 2 THEN NULL ELSE t END AS ini,
       CASE WHEN k < 5 THEN NULL ELSE t + 20 + (i * 7) % 60 END AS bui,
       CASE WHEN k < 2 OR (k >= 5 AND k < 10) THEN NULL ELSE t + 100 + (i * 13) % 400 END AS dep,
       CASE WHEN k >= 5 AND k < 10 THEN NULL ELSE t + 600 + (i * 17) % 300 END AS liv FROM d)
   INSERT INTO deploys (project_id, env_id, external_key, status, started_at, initiated_at, building_at, deploying_at, live_at,
                        completed_at, duration_seconds, commit_sha, committed_at, health_status, marked_bad_at, reason, updated_at)
   SELECT ?2, ?5, 'bench-' || i,
     CASE WHEN liv IS NULL THEN 'failed' WHEN k >= 10 AND k < 13 THEN 'rolled_back' ELSE 'live' END,
     t, ini, bui, dep, liv, coalesce(liv, bui + 90), coalesce(liv, bui + 90) - t, printf('%040x', i), t - 3600 - (i * 31) % 86400,
     CASE WHEN k = 13 THEN 'failing' ELSE 'passing' END, CASE WHEN k IN (14, 15) THEN liv + 600 END,
     CASE WHEN liv IS NULL THEN 'failure' END, t FROM times`,
];
await db.clients.deploys.execute({ sql: seed[0]!, args: [N, pid, from, STEP, envId] });
// Their events, one statement per phase (the queries measured here do not depend on event ids).
for (const [order, status, at, target] of [
  [0, "initiated", "initiated_at", "NULL"],
  [1, "building", "building_at", "NULL"],
  [2, "deploying", "deploying_at", "NULL"],
  [3, "live", "live_at", "NULL"],
  [4, "failed", "CASE WHEN status = 'failed' THEN completed_at END", "NULL"],
  [5, "rolled_back", "CASE WHEN status = 'rolled_back' THEN live_at + 1200 END", "id - 1"],
] as const) {
  await db.clients.deploys.execute({
    sql: `INSERT INTO deploy_events (project_id, deploy_id, event_id, to_status, occurred_at, received_at, rollback_target_id)
          SELECT project_id, id, 'evt-' || id || '-${order}', '${status}', ${at}, ${at}, ${target} FROM deploys WHERE ${at} IS NOT NULL
          ORDER BY id`,
    args: [],
  });
}
// Two commits per deploy that went live, the older one shipped a day before.
await db.clients.deploys.execute({
  sql: `INSERT INTO deploy_commits (project_id, deploy_id, sha, committed_at)
        SELECT project_id, id, commit_sha, committed_at FROM deploys WHERE live_at IS NOT NULL
        UNION ALL SELECT project_id, id, printf('%040x', id + 1000000000), committed_at - 86400 FROM deploys WHERE live_at IS NOT NULL`,
  args: [],
});
// The deploys that listed commits, as the transition that adds them marks them (applyDeployEvent.ts).
await db.clients.deploys.execute("UPDATE deploys SET commits_listed = 1 WHERE id IN (SELECT deploy_id FROM deploy_commits)");
// Each commit's first go-live, as ingest records it (commitFirstLive.ts) and migration 0010 fills it.
await db.clients.deploys.execute(`INSERT INTO commit_first_live (project_id, env_id, sha, committed_at, live_at, deploy_id)
  SELECT c.project_id, d.env_id, c.sha, c.committed_at, d.live_at, d.id FROM deploy_commits c JOIN deploys d ON d.id = c.deploy_id
    WHERE d.live_at IS NOT NULL
  ON CONFLICT (env_id, sha) DO UPDATE SET live_at = excluded.live_at, committed_at = excluded.committed_at, deploy_id = excluded.deploy_id
    WHERE excluded.live_at < commit_first_live.live_at`);
await db.clients.deploys.execute("ANALYZE");
const count = async (table: string) => Number((await db.clients.deploys.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
console.log(
  `  ${(await count("deploys")).toLocaleString()} deploys, ${(await count("deploy_events")).toLocaleString()} events, ` +
    `${(await count("deploy_commits")).toLocaleString()} commits in ${(ms(t0) / 1000).toFixed(1)} s`,
);

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(3, K); i++) await fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < K; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(ms(t));
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  console.log(
    `  ${label.padEnd(62)} median ${median.toFixed(1).padStart(7)} ms   max ${samples[samples.length - 1]!.toFixed(1).padStart(7)} ms`,
  );
  return median;
}

const input = { environment: "production", bucket: "day" as const };
const phases = await phaseTimings(db, pid, input, now);
const dora = await doraMetrics(db, pid, input, now);
console.log(
  `  answers: total median ${phases.phases.find((p) => p.phase === "total")?.medianSeconds} s over ` +
    `${phases.phases.find((p) => p.phase === "total")?.samples} deploys, ${phases.straightToLive} straight to live; ` +
    `lead time median ${dora.leadTime.medianSeconds} s over ${dora.leadTime.samples} commits, change failure rate ` +
    `${dora.changeFailureRate.rate?.toFixed(3)}, ${dora.deploymentFrequency.count} go-lives`,
);
console.log(`\n${K} calls each, 30 days, bucket day:`);
const p = await time("metrics.phases (phaseTimings)", () => phaseTimings(db, pid, input, now));
const d = await time("metrics.dora (doraMetrics)", () => doraMetrics(db, pid, input, now));
const bare = await time("baseline: bare indexed SELECT of the same deploys' phase times", () =>
  db.clients.deploys.execute({
    sql: `SELECT started_at, initiated_at, building_at, deploying_at, live_at FROM deploys
          WHERE env_id = ? AND started_at >= ? AND started_at < ?`,
    args: [envId, from, now],
  }),
);
console.log(`\nphases ${(p / bare).toFixed(1)}× the bare SELECT, dora ${(d / bare).toFixed(1)}×; goal: both under 50 ms`);
db.close();
rmSync(dataDir, { recursive: true, force: true });
