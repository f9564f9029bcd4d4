// Runs the built `cuitty` binary as a child process, with a clean environment and a bounded wait.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProcedureOutput, ProcedurePath, TestServer } from "@cuitty/server/testing";
import { CI_VARIABLE_PREFIXES } from "../src/ci.js";

export const CLI = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without any CI or CUITTY variable, so the host CI never leaks into a test. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k === "CI" || k.startsWith("CUITTY_") || CI_VARIABLE_PREFIXES.some((p) => k.startsWith(p))) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

/** The three connection variables for a test server and one of its keys. */
export function connection(server: TestServer, key: keyof TestServer["keys"] = "admin"): Record<string, string> {
  return { CUITTY_PORTAL_URL: server.url, CUITTY_PROJECT_ID: server.projectId, CUITTY_API_KEY: server.keys[key] };
}

/** A directory with no .cuitty/credentials.json, so only what a test passes is used. */
export function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), "cuitty-cli-"));
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Called with the child and each stdout chunk, e.g. to send it a signal once the command is ready. */
  onStdout?: (child: ChildProcess, chunk: string) => void;
}

export function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? emptyDir(),
      env: opts.env ?? cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      opts.onStdout?.(child, String(d));
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`cuitty ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A read procedure through the server's own signed request helper; fails the test on a refusal. */
export async function query<P extends ProcedurePath>(server: TestServer, procedure: P, input?: unknown): Promise<ProcedureOutput<P>> {
  const res = await server.request(procedure, { method: "GET", input });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

/** The deploy recorded under an external key, with its events. */
export async function deployByKey(server: TestServer, key: string): Promise<ProcedureOutput<"deploys.get">> {
  const page = await query(server, "deploys.list", { limit: 200 });
  const found = page.items.find((d) => d.externalKey === key);
  if (!found) throw new Error(`no deploy with key ${key}; keys: ${page.items.map((d) => d.externalKey).join(", ")}`);
  return query(server, "deploys.get", { id: found.id });
}
