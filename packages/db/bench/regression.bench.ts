// Benchmark of deploys.regression (not a test): N deploys and 10×N perf snapshots in temp libSQL files, then
// K calls of the regression query beside a bare indexed SELECT on the same files, and the ratio.
//   pnpm --filter @cuitty/db bench                      (N = 100,000)
//   pnpm --filter @cuitty/db bench -- --deploys 1000000  (the 1M / 10M run)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/connection.js";
import { createProject } from "../src/queries/projects.js";
import { deployRegression, regressionSql } from "../src/queries/regression.js";

const { values } = parseArgs({
  options: {
    deploys: { type: "string", default: "100000" },
    calls: { type: "string", default: "1000" },
    envs: { type: "string", default: "10" },
    keep: { type: "boolean", default: false },
  },
  // `pnpm bench -- --deploys N` passes the `--` through: drop it.
  args: process.argv.slice(2).filter((a) => a !== "--"),
});
const N = Number(values.deploys);
const K = Number(values.calls);
const ENVS = Number(values.envs);
const METRICS = 10;
const STEP = 60; // a deploy somewhere every minute: each environment every ENVS minutes
const base = 1_600_000_000;

const dataDir = mkdtempSync(join(tmpdir(), "cuitty-bench-"));
const db = await openDatabase({ dataDir });
const project = await createProject(db, "bench");
const pid = project.id;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

console.log(`filling ${dataDir}: ${N.toLocaleString()} deploys in ${ENVS} environments, ${(10 * N).toLocaleString()} perf snapshots`);
let t0 = process.hrtime.bigint();
for (let e = 0; e < ENVS; e++) {
  await db.clients.deploys.execute({ sql: "INSERT INTO environments (project_id, name) VALUES (?, ?)", args: [pid, `env-${e}`] });
}
const envIds = (await db.clients.deploys.execute("SELECT id FROM environments ORDER BY id")).rows.map((r) => Number(r.id));
const CHUNK = 200_000;
for (let from = 0; from < N; from += CHUNK) {
  const to = Math.min(N, from + CHUNK) - 1;
  await db.clients.deploys.batch(
    [
      {
        sql: `WITH RECURSIVE seq(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
              INSERT INTO deploys (project_id, env_id, external_key, status, started_at, completed_at, live_at, commit_sha, health_status)
              SELECT ?3, CAST(?4 AS INTEGER) + (i % CAST(?5 AS INTEGER)), 'bench-' || i, 'live', ?6 + i * ${STEP} - 300, ?6 + i * ${STEP}, ?6 + i * ${STEP},
                     printf('%040x', i), 'passing'
              FROM seq`,
        args: [BigInt(from), BigInt(to), pid, BigInt(envIds[0]!), BigInt(ENVS), BigInt(base)],
      },
    ],
    "write",
  );
}
console.log(`  deploys: ${(ms(t0) / 1000).toFixed(1)} s`);
t0 = process.hrtime.bigint();
// 10 snapshots per deploy: every environment reports each of 10 metrics once per deploy interval (ENVS minutes).
const SNAPS = 10 * N;
for (let from = 0; from < SNAPS; from += CHUNK) {
  const to = Math.min(SNAPS, from + CHUNK) - 1;
  await db.clients.perf.batch(
    [
      {
        sql: `WITH RECURSIVE seq(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM seq WHERE i < ?2)
              INSERT INTO perf_snapshots (project_id, environment, metric, p50, p95, p99, error_rate, samples, window_start, window_end)
              SELECT ?3, 'env-' || ((i / ${METRICS}) % CAST(?4 AS INTEGER)), 'GET /route-' || (i % ${METRICS}),
                     10, 50, 100 + (i % 37), 0.001, 200 + (i % 300),
                     ?5 + (i / ${METRICS}) * ${STEP} - 1800, ?5 + (i / ${METRICS}) * ${STEP} - 1740
              FROM seq`,
        args: [BigInt(from), BigInt(to), pid, BigInt(ENVS), BigInt(base)],
      },
    ],
    "write",
  );
}
console.log(`  perf snapshots: ${(ms(t0) / 1000).toFixed(1)} s`);
await db.clients.deploys.execute("ANALYZE");
await db.clients.perf.execute("ANALYZE");

await db.cross.ensureAttached();
const plan = await db.cross.client.execute({
  sql: `EXPLAIN QUERY PLAN ${regressionSql(db.cross.schemas)}`,
  args: [1, pid, null],
});
console.log(`query plan:\n${plan.rows.map((r) => `  ${String(r.detail)}`).join("\n")}`);

// Deploy ids spread over the whole table (a fixed pseudo-random sequence, so runs are comparable).
let seed = 42;
const ids = Array.from({ length: K }, () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), 1 + (seed % N)));

async function time(label: string, fn: (id: number) => Promise<unknown>) {
  for (const id of ids.slice(0, Math.min(50, K))) await fn(id); // warm-up
  const t = process.hrtime.bigint();
  for (const id of ids) await fn(id);
  const per = ms(t) / K;
  console.log(`  ${label.padEnd(58)} ${per.toFixed(3)} ms/call`);
  return per;
}

console.log("a sample answer:", JSON.stringify(await deployRegression(db, pid, { id: ids[0]! })).slice(0, 400));
let metrics = 0;
console.log(`${K} calls each:`);
const regression = await time("deploys.regression (deployRegression, one SQL query)", async (id) => {
  const r = await deployRegression(db, pid, { id });
  metrics += r.metrics.length;
});
const metricsPerAnswer = metrics / (K + Math.min(50, K)); // warm-up calls included
const windowRead = await time("baseline: indexed range SELECT of the same snapshots", async (id) => {
  const t = base + (id - 1) * STEP;
  await db.cross.client.execute({
    sql: `SELECT metric, p99, samples FROM ${db.cross.schemas.perf}.perf_snapshots
          WHERE project_id = ? AND environment = ? AND window_start >= ? AND window_start < ?`,
    args: [pid, `env-${(id - 1) % ENVS}`, t - STEP * ENVS, t + STEP * ENVS],
  });
});
const pk = await time("baseline: SELECT one deploy by primary key", async (id) => {
  await db.cross.client.execute({ sql: "SELECT * FROM deploys WHERE id = ?", args: [id] });
});
console.log(`  metrics per answer (mean): ${metricsPerAnswer.toFixed(1)}`);
console.log(
  `ratio regression / range SELECT: ${(regression / windowRead).toFixed(2)}x; regression / primary-key SELECT: ${(regression / pk).toFixed(2)}x`,
);

db.close();
if (values.keep) console.log(`data kept in ${dataDir}`);
else rmSync(dataDir, { recursive: true, force: true });
