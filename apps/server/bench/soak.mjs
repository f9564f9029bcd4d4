// `pnpm bench:soak [-- --rounds N --seconds S --connections C --batch B --debug]`: kill -9 under load, then count.
// Each round starts a server in a child process (the extensions `cuitty serve` runs) on a fresh data dir,
// drives it with signed single emits and emitBatch calls on C connections (half each), SIGKILLs it at a
// random moment, restarts on the same data dir, and checks that every event id the server acknowledged is
// present exactly once. Prints acked / found / lost / duplicated per round and in total; exits 1 on any
// loss or duplicate. Every wait is bounded: a round lasts at most S seconds of load plus start-up limits.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawnChildServer } from "@cuitty/server/childServer";
import { startTestServer } from "@cuitty/server/testing";
import { runLoad } from "./load.mjs";

const { values } = parseArgs({
  // `pnpm bench:soak -- --rounds 3` hands the script a literal "--" first.
  args: process.argv.slice(2).filter((a) => a !== "--"),
  options: {
    rounds: { type: "string", default: "10" },
    seconds: { type: "string", default: "4" },
    connections: { type: "string", default: "16" },
    batch: { type: "string", default: "50" },
    debug: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const batch = Number(values.batch);
for (const [name, v, max] of [
  ["rounds", rounds, 1000],
  ["seconds", seconds, 600],
  ["connections", connections, 256],
  ["batch", batch, 500],
]) {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
}

/** How many times each acknowledged id is stored (looked up in pages of 500). */
async function countStored(db, projectId, ids) {
  const counts = new Map();
  for (let i = 0; i < ids.length; i += 500) {
    const { rows } = await db.clients.deploys.execute({
      sql: `SELECT event_id, count(*) AS n FROM deploy_events
            WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id`,
      args: [projectId, JSON.stringify(ids.slice(i, i + 500))],
    });
    for (const r of rows) counts.set(String(r.event_id), Number(r.n));
  }
  return counts;
}

async function round(n) {
  const dataDir = mkdtempSync(join(tmpdir(), "cuitty-soak-"));
  try {
    const child = await spawnChildServer(dataDir);
    const creds = { url: child.url, projectId: child.projectId, apiKey: child.keys.ingest };
    const half = Math.max(1, Math.floor(connections / 2));
    const common = { ...creds, seconds, untilDown: true, collectAcked: true };
    const loads = Promise.all([
      runLoad({ ...common, path: "/trpc/deploys.emit", connections: half, batch: 0, runId: `r${n}-single` }),
      runLoad({ ...common, path: "/trpc/deploys.emitBatch", connections: Math.max(1, connections - half), batch, runId: `r${n}-batch` }),
    ]);
    // A random moment in the middle of the load (never before it starts, never after it ends).
    const killAfterMs = Math.round((0.2 + Math.random() * 0.6) * seconds * 1000);
    const timer = setTimeout(() => void child.kill(), killAfterMs);
    const reports = await loads;
    clearTimeout(timer);
    await child.kill(); // no-op when already killed; bounds the round when the load ended first
    const acked = reports.flatMap((r) => r.acked);
    if (process.argv.includes("--debug")) console.log(reports.map(({ acked: a, ...r }) => ({ ...r, acked: a.length })));

    const restarted = await startTestServer({ dataDir });
    try {
      const counts = await countStored(restarted.db, restarted.projectId, acked);
      const found = acked.filter((id) => (counts.get(id) ?? 0) >= 1).length;
      const duplicated = acked.filter((id) => (counts.get(id) ?? 0) > 1).length;
      return { round: n, killAfterMs, acked: acked.length, found, lost: acked.length - found, duplicated };
    } finally {
      await restarted.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`soak: ${rounds} rounds, ${connections} connections (single emits and emitBatch of ${batch}), kill -9 within ${seconds} s\n`);
console.log("round  killed at ms     acked     found      lost  duplicated");
const pad = (v, w) => String(v).padStart(w);
const total = { acked: 0, found: 0, lost: 0, duplicated: 0 };
for (let i = 1; i <= rounds; i++) {
  const r = await round(i);
  for (const k of Object.keys(total)) total[k] += r[k];
  console.log(
    `${pad(r.round, 5)} ${pad(r.killAfterMs, 13)} ${pad(r.acked, 9)} ${pad(r.found, 9)} ${pad(r.lost, 9)} ${pad(r.duplicated, 11)}`,
  );
}
console.log(
  `${"total".padStart(5)} ${"".padStart(13)} ${pad(total.acked, 9)} ${pad(total.found, 9)} ${pad(total.lost, 9)} ${pad(total.duplicated, 11)}`,
);
if (total.lost > 0 || total.duplicated > 0) {
  console.error(`\nFAILED: ${total.lost} acknowledged events lost, ${total.duplicated} duplicated`);
  process.exit(1);
}
console.log("\nevery acknowledged event is stored exactly once");
