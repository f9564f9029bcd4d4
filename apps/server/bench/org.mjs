// `pnpm bench:org`: org.overview over 200 services × 5 environments (with histories, deploys in flight, failures,
// rollbacks and failing health) beside one project's deploys.current, through the real signed HTTP path, same run.
// Options (env): BENCH_SERVICES (200), BENCH_ENVS (5), BENCH_DEPLOYS per environment (10), BENCH_RUNS (60).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiKey, createOrgKey, createProject } from "@cuitty/db";
import { signedRequester, startTestServer } from "@cuitty/server/testing";

const SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
const ENVS = ["production", "staging", "qa", "preview", "canary"].slice(0, Number(process.env.BENCH_ENVS ?? 5));
const DEPLOYS = Number(process.env.BENCH_DEPLOYS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);

const dir = mkdtempSync(join(tmpdir(), "cuitty-bench-org-"));
const server = await startTestServer({ dataDir: join(dir, "cuitty") });
const now = Math.floor(Date.now() / 1000);

// Seed: every environment gets DEPLOYS deploys over the last 20 days (building → live), the last one of some
// environments failed, in flight or rolled back, so every kind of cell is present.
const seedStart = performance.now();
const org = await createOrgKey(server.db, "read", "bench");
let one;
let events = 0;
for (let s = 0; s < SERVICES; s++) {
  const project = await createProject(server.db, `service-${String(s).padStart(3, "0")}`);
  const key = (await createApiKey(server.db, project.id, "ingest")).apiKey;
  const request = signedRequester(server.url, project.id, key);
  one ??= {
    projectId: project.id,
    request: signedRequester(server.url, project.id, (await createApiKey(server.db, project.id, "read")).apiKey),
  };
  const batch = [];
  ENVS.forEach((environment, e) => {
    for (let d = 0; d < DEPLOYS; d++) {
      const at = now - 20 * 86_400 + Math.floor(((d + 1) * 19 * 86_400) / DEPLOYS) + e * 60;
      const deploy = `${environment}-${d}`;
      const version = `v${d}.${s}`;
      const last = d === DEPLOYS - 1;
      const twist = (s + e) % 7;
      batch.push({ id: `${deploy}:b`, type: "deploy", deploy, environment, version, status: "building", occurredAt: at });
      if (last && twist === 0) continue; // in flight
      if (last && twist === 1) {
        batch.push({
          id: `${deploy}:f`,
          type: "deploy",
          deploy,
          environment,
          version,
          status: "failed",
          reason: "exit 1",
          occurredAt: now - 3600,
        });
        continue;
      }
      batch.push({
        id: `${deploy}:l`,
        type: "deploy",
        deploy,
        environment,
        version,
        status: "live",
        occurredAt: last ? now - 7200 : at + 300,
      });
      if (last && twist === 2)
        batch.push({ id: `${deploy}:r`, type: "deploy", deploy, environment, status: "rolled_back", occurredAt: now - 3000 });
    }
  });
  const res = await request("deploys.emitBatch", { input: { events: batch } });
  if (res.status !== 200) throw new Error(`seeding failed: ${JSON.stringify(res.body).slice(0, 300)}`);
  events += batch.length;
}
await server.db.clients.deploys.execute(
  "UPDATE deploys SET health_status = 'failing' WHERE id IN (SELECT current_deploy_id FROM environments WHERE id % 11 = 0)",
);
const seedSeconds = (performance.now() - seedStart) / 1000;

const orgRequest = signedRequester(server.url, "org", org.apiKey);
async function measure(name, call, runs = RUNS) {
  for (let i = 0; i < 5; i++) await call(); // warm-up: prepared statements, page cache
  const ms = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await call();
    ms.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${name} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    bytes = JSON.stringify(res.body).length;
  }
  ms.sort((a, b) => a - b);
  return { name, p50: ms[Math.floor(runs / 2)], p99: ms[Math.min(runs - 1, Math.ceil(runs * 0.99) - 1)], bytes };
}

const single = await measure("deploys.current (one project, 5 environments)", () => one.request("deploys.current"));
const rows = [
  single,
  await measure(`org.overview (all ${SERVICES} services × ${ENVS.length} environments)`, () =>
    orgRequest("org.overview", { input: { limit: 1000 } }),
  ),
  await measure("org.overview { environment: production }", () =>
    orgRequest("org.overview", { input: { environment: "production", limit: 1000 } }),
  ),
  await measure('org.overview { search: "service-01" }', () => orgRequest("org.overview", { input: { search: "service-01" } })),
  await measure("org.activity (first page of 50)", () => orgRequest("org.activity", { input: { limit: 50 } })),
  // One per-environment DORA query per service (the same definitions as metrics.dora): a report, not a poll.
  await measure(
    `org.dora (production, 30 days, ${SERVICES} services; 10 runs)`,
    () => orgRequest("org.dora", { input: { environment: "production" } }),
    10,
  ),
];
await server.stop();
rmSync(dir, { recursive: true, force: true });

const f = (n, d = 1) => n.toFixed(d).padStart(8);
console.log(
  `\norg benchmark: ${SERVICES} services × ${ENVS.length} environments, ${DEPLOYS} deploys each (${events} events seeded in ${seedSeconds.toFixed(1)} s), ${RUNS} sequential signed requests per row\n`,
);
console.log(`${"procedure".padEnd(62)}  p50 ms   p99 ms   × single   answer KiB`);
for (const r of rows) {
  console.log(`${r.name.padEnd(62)}${f(r.p50)} ${f(r.p99)} ${f(r.p50 / single.p50)} ${f(r.bytes / 1024)}`);
}
console.log(
  `\norg.overview costs ${(rows[1].p50 / SERVICES).toFixed(3)} ms per service (p50); two set-based queries, however many services.`,
);
