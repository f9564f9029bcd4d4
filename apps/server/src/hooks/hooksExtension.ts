// The outbound delivery extension of the server: runs the one delivery worker (rollback hooks and outbound events)
// and wakes it on every transition and after an auto-rollback.
import { crashAfter } from "../crashPoint.js";
import { DeliveryWorker, type DeliveryWorkerOptions } from "../delivery/deliveryWorker.js";
import type { ExtensionFactory } from "../startServer.js";

/**
 * Rollback hooks are delivered only with `config.healthWorker` on (CUITTY_HEALTH_WORKER=off: an API-only
 * replica neither probes nor calls hooks; a replica with the worker on calls them). Outbound events always.
 */
export function hooksExtension(options: DeliveryWorkerOptions = {}): ExtensionFactory {
  return ({ db, log, config, outbound }) => {
    const worker = new DeliveryWorker(db, log, {
      rollbackHooks: config.healthWorker,
      githubToken: config.githubToken,
      githubApiUrl: config.githubApiUrl,
      crashAfter: crashAfter(config.testCrashAfter),
      outbound,
      ...options,
    });
    worker.start();
    return {
      name: "hooks",
      onTransition: () => worker.poke(),
      wake: () => worker.poke(),
      stop: () => worker.stop(),
    };
  };
}
