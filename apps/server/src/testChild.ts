// A test server in a child process, so that tests and the soak can kill it for real (SIGKILL: no cleanup runs).
// `node dist/testChild.js <dataDir> [healthWorkerOptions JSON [deliveryWorkerOptions JSON]]`: starts a server on a
// random port over the data dir (CUITTY_TEST_CRASH_AFTER, read by config.ts, arms a crash point) and prints one JSON
// line when listening. Without worker options it runs the extensions `cuitty serve` runs.
import { loadConfig } from "./config.js";
import { defaultExtensions } from "./extensions.js";
import { healthExtension } from "./health/healthExtension.js";
import { hooksExtension } from "./hooks/hooksExtension.js";
import { startTestServer } from "./testing.js";

const [dataDir, workerJson, deliveryJson] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: testChild.js <dataDir> [healthWorkerOptionsJson [deliveryWorkerOptionsJson]]");
const { testCrashAfter } = loadConfig();
const server = await startTestServer({
  dataDir,
  config: { testCrashAfter },
  extensions: workerJson
    ? [healthExtension(JSON.parse(workerJson)), hooksExtension(deliveryJson ? JSON.parse(deliveryJson) : {})]
    : defaultExtensions,
});
process.stdout.write(`${JSON.stringify({ url: server.url, projectId: server.projectId, keys: server.keys })}\n`);
