// Runs loadWorker.mjs in a worker thread (so the load generator does not share the server's event loop) and
// resolves with its report. Shared by the ingest benchmark and the soak.
import { Worker } from "node:worker_threads";

export function runLoad(workerData) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./loadWorker.mjs", import.meta.url), { workerData });
    w.once("message", resolve);
    w.once("error", reject);
  });
}
