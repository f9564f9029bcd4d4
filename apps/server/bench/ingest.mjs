// `pnpm bench:ingest`: the full signed path (real server, temp data dir) against a bare baseline, same run.
// Prints events/s, p50 and p99 for deploys.emit and deploys.emitBatch (500 a call), and the ratios.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer } from "@cuitty/server/testing";
import { startBaseline } from "./baseline.mjs";
import { runLoad } from "./load.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

function load(url, path, creds, batch) {
  return runLoad({ url, path, ...creds, connections, seconds, batch, runId: `${path}-${batch}-${Date.now()}` });
}

const dir = mkdtempSync(join(tmpdir(), "cuitty-bench-"));
const server = await startTestServer({ dataDir: join(dir, "cuitty") });
const creds = { projectId: server.projectId, apiKey: server.keys.ingest };
const baseline = await startBaseline(dir, creds.apiKey);

const rows = [];
for (const [name, path, batch] of [["emit", "/trpc/deploys.emit", 0], ["emitBatch (500)", "/trpc/deploys.emitBatch", 500]]) {
  const base = await load(baseline.url, path, creds, batch);
  const full = await load(server.url, path, creds, batch);
  rows.push({ name, base, full });
}
await baseline.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });

const f = (n, d = 0) => n.toFixed(d).padStart(9);
console.log(`\ningest benchmark: ${connections} connections, ${seconds} s per run, load generator in a worker thread on the same machine\n`);
console.log("procedure          path       events/s   p50 ms   p99 ms  errors");
for (const { name, base, full } of rows) {
  console.log(`${name.padEnd(18)} baseline ${f(base.eventsPerSecond)} ${f(base.p50, 1)} ${f(base.p99, 1)} ${f(base.errors)}`);
  console.log(`${"".padEnd(18)} cuitty   ${f(full.eventsPerSecond)} ${f(full.p50, 1)} ${f(full.p99, 1)} ${f(full.errors)}`);
  console.log(`${"".padEnd(18)} ratio    ${f((full.eventsPerSecond / base.eventsPerSecond) * 100, 1)} %\n`);
  for (const r of [base, full]) if (r.lastError) console.log(`  last error: ${r.lastError}`);
}
