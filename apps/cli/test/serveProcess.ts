// Runs `cuitty serve` from the built binary as a real child process and waits for it to listen.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../dist/main.js", import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  creds: { portalUrl: string; projectId: string; apiKey: string };
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export async function startServe(dataDir: string, cwd: string, timeoutMs = 15_000): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm exec turbo run build)`);
  const env = { ...process.env, CUITTY_LOG_LEVEL: "info", CUITTY_HEALTH_WORKER: "off" };
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data", dataDir], { cwd, env });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!/"msg":"listening"/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`serve did not start:\n${err}\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const creds = JSON.parse(readFileSync(join(dataDir, "credentials.json"), "utf8"));
  const url = JSON.parse(out.split("\n").find((l) => l.includes('"listening"'))!).url as string;
  return { child, url, creds, stdout: () => out, stderr: () => err, exited };
}
