// The Python client as its README installs it: `pip install ./packages/sdk-python` into a fresh virtual
// environment, without the package index, then a script outside the checkout emits a deploy to a real server.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestServer, runCommand, startTestServer } from "@cuitty/server/testing";

const pythonDir = fileURLToPath(new URL("../../sdk-python/", import.meta.url));
let server: TestServer;
let work: string;

/** No PYTHON*, PIP_* or VIRTUAL_ENV of the caller's: the venv alone decides what is importable. */
function pythonEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(PYTHON|PIP_|VIRTUAL_ENV|CUITTY_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1", ...extra };
}

beforeAll(async () => {
  server = await startTestServer();
  work = mkdtempSync(join(tmpdir(), "cuitty-pip-"));
});
afterAll(async () => {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
});

it("pip installs the Python client into a fresh venv without the package index, and it emits a deploy", { timeout: 120_000 }, async () => {
  // A copy, so the build leaves nothing in the checkout; the same files `pip install ./packages/sdk-python` reads.
  const source = join(work, "sdk-python");
  cpSync(pythonDir, source, { recursive: true, filter: (src) => !src.includes("__pycache__") });
  const venv = join(work, "venv");
  const python = join(venv, "bin", "python");

  const created = await runCommand("python3", ["-m", "venv", venv], { cwd: work, env: pythonEnv(), timeoutMs: 60_000 });
  expect(created.code, created.output).toBe(0);
  const before = await runCommand(python, ["-c", "import cuitty_sdk"], { cwd: work, env: pythonEnv(), timeoutMs: 15_000 });
  expect(before.output).toMatch(/ModuleNotFoundError: No module named 'cuitty_sdk'/);

  const installed = await runCommand(python, ["-m", "pip", "install", "--no-index", source], {
    cwd: work,
    env: pythonEnv(),
    timeoutMs: 60_000,
  });
  expect(installed.code, installed.output).toBe(0);
  expect(installed.output).toMatch(/Successfully installed cuitty-sdk-0\.1\.0/);
  // The checkout is gone: only the installed copy can answer the import.
  rmSync(source, { recursive: true, force: true });

  writeFileSync(
    join(work, "emit.py"),
    [
      "import json, cuitty_sdk",
      "from cuitty_sdk import Client",
      "client = Client()  # CUITTY_PORTAL_URL, CUITTY_PROJECT_ID, CUITTY_API_KEY",
      'answer = client.emit({"type": "deploy", "deploy": "py-pip-1", "status": "live", "environment": "production"})',
      'print(json.dumps({"file": cuitty_sdk.__file__, "status": answer["deploy"]["status"], "changed": answer["changed"]}))',
    ].join("\n"),
  );
  const connection = { CUITTY_PORTAL_URL: server.url, CUITTY_PROJECT_ID: server.projectId, CUITTY_API_KEY: server.keys.ingest };
  const ran = await runCommand(python, ["emit.py"], { cwd: work, env: pythonEnv(connection), timeoutMs: 30_000 });
  expect(ran.code, ran.output).toBe(0);
  const result = JSON.parse(ran.output.trim()) as { file: string; status: string; changed: boolean };
  expect(result.file.startsWith(join(venv, "lib"))).toBe(true);
  expect([result.status, result.changed]).toEqual(["live", true]);

  const listed = await server.request("deploys.list", { method: "GET", input: { environment: "production" } });
  expect(listed.body.result.data.items.map((d: { externalKey: string }) => d.externalKey)).toContain("py-pip-1");
});
