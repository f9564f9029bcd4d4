// The health-check extension of the server: hears go-lives, and runs the worker (probes, auto-rollback) when enabled.
import { crashAfter } from "../crashPoint.js";
import type { ExtensionFactory } from "../startServer.js";
import { HealthWorker, type HealthWorkerOptions } from "./healthWorker.js";

/**
 * With `config.healthWorker` off (CUITTY_HEALTH_WORKER=off) the server still queues series and hook calls
 * in the database, so a replica with the worker on runs them. An auto-rollback wakes the delivery worker
 * (hooksExtension), which calls the hooks it queued.
 */
export function healthExtension(options: HealthWorkerOptions = {}): ExtensionFactory {
  return ({ db, log, config, outbound, wake }) => {
    const worker = new HealthWorker(db, log, {
      crashAfter: crashAfter(config.testCrashAfter),
      outbound,
      afterRollback: wake,
      ...options,
    });
    if (config.healthWorker) worker.start();
    return {
      name: "health",
      onTransition: (notice) => worker.onTransition(notice),
      stop: () => worker.stop(),
    };
  };
}
