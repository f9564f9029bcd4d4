// @cuitty/server: the HTTP server hosting the API and the dashboard, with its background workers.
export { loadConfig, type ServerConfig } from "./config.js";
export { startServer, type RunningServer, type ServerExtension, type ExtensionFactory } from "./startServer.js";
export { readCredentials, writeCredentials, credentialsPath, type CredentialsFile } from "./credentials.js";
export { createLogger } from "./logger.js";
export { defaultExtensions } from "./extensions.js";
export { healthExtension } from "./health/healthExtension.js";
export { HealthWorker, type HealthWorkerOptions } from "./health/healthWorker.js";
export { HOOK_DELIVERY_HEADER, HOOK_EVENT_HEADER } from "./health/deliverHook.js";
export { hooksExtension } from "./hooks/hooksExtension.js";
export { HookWorker, type HookWorkerOptions } from "./hooks/hookWorker.js";
