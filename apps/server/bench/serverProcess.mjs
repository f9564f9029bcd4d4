// A server under benchmark in its own process: started, waited for, its CPU time read from /proc, stopped.
// Both the shipped `cuitty serve` and the bare baseline run this way, so each is measured by the same clock
// and neither shares an event loop with the load generator.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

/** A port nobody listens on right now (the OS picks it). */
export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** User + system CPU seconds the process has used so far (fields 14 and 15 of /proc/<pid>/stat). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Spawns `node args…`, waits (at most 20 s) until GET `${url}/healthz` answers, and returns the process.
 * stdout goes to /dev/null: the server still formats and writes every log line, as it does when shipped.
 */
export async function startServerProcess(name, args, url, env = {}) {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise((r) => child.once("exit", (code, signal) => r(signal ?? code)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited before listening:\n${err}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not answer /healthz within 20 s:\n${err}`);
    }
    await sleep(50);
  }
  return {
    name,
    url,
    pid: child.pid,
    cpu: () => cpuSeconds(child.pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
