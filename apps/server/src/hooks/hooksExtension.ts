// The outbound events extension of the server: runs the delivery worker and wakes it on every transition.
import type { ExtensionFactory } from "../startServer.js";
import { HookWorker, type HookWorkerOptions } from "./hookWorker.js";

export function hooksExtension(options: HookWorkerOptions = {}): ExtensionFactory {
  return ({ db, log, outbound }) => {
    const worker = new HookWorker(db, log, { outbound, ...options });
    worker.start();
    return {
      name: "hooks",
      onTransition: () => worker.poke(),
      stop: () => worker.stop(),
    };
  };
}
