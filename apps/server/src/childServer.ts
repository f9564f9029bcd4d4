// Starts testChild.js in a child process (tests and the soak): a real server that a test can SIGKILL.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CrashPoint } from "./config.js";
import type { DeliveryWorkerOptions } from "./delivery/deliveryWorker.js";
import type { HealthWorkerOptions } from "./health/healthWorker.js";
import { type SignedRequest, signedRequester } from "./testing.js";

// From src (vitest) or dist (bench): the child always runs the built file.
const CHILD_JS = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "./testChild.js" : "../dist/testChild.js", import.meta.url));

export interface ChildServer {
  url: string;
  projectId: string;
  keys: { admin: string; read: string; ingest: string };
  request: SignedRequest;
  child: ChildProcess;
  /** Resolves with the signal (or exit code) the child ended with. */
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
}

export async function spawnChildServer(
  dataDir: string,
  opts: { worker?: HealthWorkerOptions; delivery?: DeliveryWorkerOptions; crashAfter?: CrashPoint; timeoutMs?: number } = {},
): Promise<ChildServer> {
  if (!existsSync(CHILD_JS)) throw new Error(`${CHILD_JS} is missing: build first (pnpm exec turbo run build)`);
  const workers = opts.worker || opts.delivery ? [JSON.stringify(opts.worker ?? {}), JSON.stringify(opts.delivery ?? {})] : [];
  const args = [CHILD_JS, dataDir, ...workers];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CUITTY_TEST_CRASH_AFTER;
  if (opts.crashAfter) env.CUITTY_TEST_CRASH_AFTER = opts.crashAfter;
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  const output = () => `${err}\n${out}`;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const ready = await new Promise<{ url: string; projectId: string; keys: ChildServer["keys"] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child server did not listen within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    child.stdout!.on("data", (d) => {
      out += d;
      const complete = out.split("\n").slice(0, -1);
      const line = complete.find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`child server exited (${String(how)}) before listening:\n${output()}`));
    });
  }).catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    ...ready,
    request: signedRequester(ready.url, ready.projectId, ready.keys.admin),
    child,
    exited,
    output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
