// The health-check extension of the server: hears go-lives and rollbacks, and runs the worker when enabled.
import { crashAfter } from "../crashPoint.js";
import type { ExtensionFactory } from "../startServer.js";
import { HealthWorker, type HealthWorkerOptions } from "./healthWorker.js";

/**
 * With `config.healthWorker` off (CUITTY_HEALTH_WORKER=off) the server still queues series and hook calls
 * in the database, so a replica with the worker on runs them.
 */
export function healthExtension(options: HealthWorkerOptions = {}): ExtensionFactory {
  return ({ db, log, config, outbound }) => {
    const worker = new HealthWorker(db, log, {
      githubToken: config.githubToken,
      githubApiUrl: config.githubApiUrl,
      crashAfter: crashAfter(config.testCrashAfter),
      outbound,
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
