// Cold start of the `cuitty` binary as CI pays it: `--help` and `deploy live` against a real server, beside
// a bare `node -e 0` and the import of @cuitty/server / @cuitty/db that client commands must not pay.
// Rounds alternate between the commands so a busy machine skews them alike. Speed is printed, never asserted.
//   node bench/startup.mjs [--runs 10] [--cli /path/to/node_modules/@cuitty/cli/dist/main.js]
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startTestServer } from "@cuitty/server/testing";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" }, cli: { type: "string" } } });
const runs = Math.min(Math.max(Number(values.runs) || 10, 1), 100);
const cli = values.cli ?? fileURLToPath(new URL("../dist/main.js", import.meta.url));
const cliDir = fileURLToPath(new URL("..", import.meta.url));

const server = await startTestServer();
const cwd = mkdtempSync(join(tmpdir(), "cuitty-startup-")); // no .cuitty/credentials.json here
const env = {
  PATH: process.env.PATH ?? "",
  HOME: cwd,
  NO_COLOR: "1",
  CUITTY_PORTAL_URL: server.url,
  CUITTY_PROJECT_ID: server.projectId,
  CUITTY_API_KEY: server.keys.ingest,
};

let n = 0;
const cases = [
  { name: "node -e 0 (baseline)", args: () => ["-e", "0"], cwd },
  { name: "cuitty --help", args: () => [cli, "--help"], cwd },
  { name: "cuitty deploy live", args: () => [cli, "deploy", "live", "--env", "production", "--deploy", `bench-${++n}`], cwd },
  { name: "import @cuitty/db (avoided)", args: () => ["--input-type=module", "-e", "await import('@cuitty/db')"], cwd: cliDir },
  { name: "import @cuitty/server (avoided)", args: () => ["--input-type=module", "-e", "await import('@cuitty/server')"], cwd: cliDir },
];
// Asynchronous: the server answering `deploy live` lives in this process.
function run(args, opts) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { ...opts, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const times = new Map(cases.map((c) => [c.name, []]));
for (let round = 0; round < runs; round++) {
  for (const c of cases) {
    const start = process.hrtime.bigint();
    const res = await run(c.args(), { cwd: c.cwd, env });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.status !== 0) {
      console.error(`${c.name} failed (exit ${res.status}):\n${res.stderr}`);
      process.exitCode = 1;
    }
    times.get(c.name).push(ms);
  }
}
await server.stop();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = median(times.get(cases[0].name));
console.log(`cli: ${cli}\n${runs} runs each, wall-clock ms (node ${process.version})\n`);
console.log(`${"case".padEnd(34)}${"median".padStart(8)}${"min".padStart(8)}${"max".padStart(8)}${"over node".padStart(11)}`);
for (const c of cases) {
  const xs = times.get(c.name);
  const m = median(xs);
  const row = [m, Math.min(...xs), Math.max(...xs)].map((x) => x.toFixed(0).padStart(8)).join("");
  console.log(`${c.name.padEnd(34)}${row}${`+${(m - baseline).toFixed(0)}`.padStart(11)}`);
}
