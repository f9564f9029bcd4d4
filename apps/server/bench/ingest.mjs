// `pnpm bench:ingest [-- --rounds N --seconds S]`: the Cuitty server as users run it against a bare baseline.
//
// The server is `cuitty serve` from the built CLI with its shipped defaults (health and delivery workers on, logs
// at info written to a pipe, the default rate limits), in a child process; the baseline (node:http + HMAC + one
// INSERT, baseline.mjs) is another child process. A worker thread in this process drives them with signed
// POSTs, one server at a time, in alternating rounds (baseline, cuitty, baseline, cuitty…), and reads each
// server's CPU time from /proc before and after each round. CPU time per acknowledged event does not depend
// much on what else the machine is doing, so the ratio of the two is the figure to compare across runs;
// events/s and latency are printed too, and swing with the machine's load.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runLoad } from "./load.mjs";
import { freePort, startServerProcess } from "./serverProcess.mjs";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    rounds: { type: "string", default: process.env.BENCH_ROUNDS ?? "3" },
    seconds: { type: "string", default: process.env.BENCH_SECONDS ?? "4" },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
for (const [name, v, max] of [
  ["rounds", rounds, 50],
  ["seconds", seconds, 120],
]) {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
}

const CLI = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./baselineMain.mjs", import.meta.url));

const dir = mkdtempSync(join(tmpdir(), "cuitty-bench-"));
const dataDir = join(dir, "cuitty");
// Only the data directory and port are given; everything else is the shipped default (no CUITTY_* from here).
const shippedEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CUITTY_")));
const cuittyPort = await freePort();
const cuitty = await startServerProcess(
  "cuitty",
  [CLI, "serve", "--port", String(cuittyPort), "--data", dataDir],
  `http://127.0.0.1:${cuittyPort}`,
  {
    ...shippedEnv,
  },
);
const { projectId } = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
// An ingest key, issued by the CLI's local administration while the server runs (as an operator would).
const { apiKey } = JSON.parse(
  execFileSync(process.execPath, [CLI, "keys", "create", "--project", projectId, "--scope", "ingest", "--data", dataDir, "--json"], {
    env: shippedEnv,
    encoding: "utf8",
  }),
);
const basePort = await freePort();
const baseline = await startServerProcess("baseline", [BASELINE, dir, apiKey, String(basePort)], `http://127.0.0.1:${basePort}`);

const CASES = [
  { name: "emit", path: "/trpc/deploys.emit", batch: 0, connections: 16 },
  { name: "emit", path: "/trpc/deploys.emit", batch: 0, connections: 1 },
  { name: "emitBatch (500)", path: "/trpc/deploys.emitBatch", batch: 500, connections: 16 },
  { name: "emitBatch (500)", path: "/trpc/deploys.emitBatch", batch: 500, connections: 1 },
];

async function measure(server, c, round) {
  const before = server.cpu();
  const r = await runLoad({
    url: server.url,
    path: c.path,
    projectId,
    apiKey,
    connections: c.connections,
    seconds,
    batch: c.batch,
    runId: `${server.name}-${c.path}-${c.connections}-${round}-${Date.now()}`,
  });
  return { ...r, cpu: server.cpu() - before, events: Math.round(r.eventsPerSecond * r.elapsed) };
}

const totals = [];
try {
  for (const c of CASES) {
    const t = { c, baseline: [], cuitty: [] };
    for (let i = 0; i < rounds; i++) {
      t.baseline.push(await measure(baseline, c, i));
      t.cuitty.push(await measure(cuitty, c, i));
    }
    totals.push(t);
  }
} finally {
  await baseline.stop();
  await cuitty.stop();
  rmSync(dir, { recursive: true, force: true });
}

const sum = (rs, k) => rs.reduce((a, r) => a + r[k], 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function summary(rs) {
  const events = sum(rs, "events");
  return {
    eventsPerSecond: events / sum(rs, "elapsed"),
    cpuUsPerEvent: (sum(rs, "cpu") / events) * 1e6,
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    errors: sum(rs, "errors"),
    statuses: rs.reduce((a, r) => {
      for (const [s, n] of Object.entries(r.statuses)) a[s] = (a[s] ?? 0) + n;
      return a;
    }, {}),
    lastError: rs.find((r) => r.lastError)?.lastError,
  };
}
const f = (n, d = 0) => n.toFixed(d).padStart(9);
console.log(`\ningest benchmark: \`cuitty serve\` as shipped vs a bare node:http + HMAC + INSERT baseline, each in its own process;`);
console.log(`${rounds} alternating rounds of ${seconds} s per case; CPU from /proc/<pid>/stat; p50/p99 are the median of the rounds'\n`);
console.log("procedure        conns  server      events/s  CPU µs/ev   p50 ms   p99 ms  refused");
for (const { c, baseline: b, cuitty: y } of totals) {
  const [sb, sy] = [summary(b), summary(y)];
  const label = `${c.name.padEnd(16)} ${String(c.connections).padStart(5)}`;
  console.log(`${label}  baseline ${f(sb.eventsPerSecond)} ${f(sb.cpuUsPerEvent, 1)} ${f(sb.p50, 1)} ${f(sb.p99, 1)} ${f(sb.errors)}`);
  console.log(
    `${"".padEnd(22)}  cuitty   ${f(sy.eventsPerSecond)} ${f(sy.cpuUsPerEvent, 1)} ${f(sy.p50, 1)} ${f(sy.p99, 1)} ${f(sy.errors)}`,
  );
  console.log(
    `${"".padEnd(22)}  ratio: CPU per event ${((sb.cpuUsPerEvent / sy.cpuUsPerEvent) * 100).toFixed(1)} % of the baseline's efficiency, ` +
      `events/s ${((sy.eventsPerSecond / sb.eventsPerSecond) * 100).toFixed(1)} %, p99 ×${(sy.p99 / sb.p99).toFixed(2)}`,
  );
  for (const [name, s] of [
    ["baseline", sb],
    ["cuitty", sy],
  ]) {
    const refused = Object.entries(s.statuses).filter(([k]) => k !== "200");
    if (refused.length) console.log(`${"".padEnd(24)}${name} answers other than 200: ${refused.map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    if (s.lastError) console.log(`${"".padEnd(24)}${name} last error: ${s.lastError}`);
  }
  console.log("");
}
