// Runs the Python preview client's unittest suite against a real server (and the shared signature vectors).
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type TestServer, startTestServer } from "@cuitty/server/testing";

const pythonDir = fileURLToPath(new URL("../../sdk-python/", import.meta.url));
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

it("the Python client passes its unittest suite against a real server", { timeout: 60_000 }, async () => {
  const env = {
    ...process.env,
    CUITTY_TEST_PORTAL_URL: server.url,
    CUITTY_TEST_PROJECT_ID: server.projectId,
    CUITTY_TEST_INGEST_KEY: server.keys.ingest,
    CUITTY_TEST_READ_KEY: server.keys.read,
  };
  // Async spawn: the server answering the Python client lives in this process.
  const { spawn } = await import("node:child_process");
  const child = spawn("python3", ["-m", "unittest", "discover", "-s", "tests", "-t", ".", "-v"], { cwd: pythonDir, env });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
    child.on("close", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  expect(output).not.toMatch(/skipped/);
  expect(output).toMatch(/Ran 6 tests/);
  expect(code, output).toBe(0);
});
