// @cuitty/server: the HTTP server hosting the API and the dashboard, with its background workers.
export { loadConfig, type ServerConfig } from "./config.js";
export { startServer, type RunningServer, type ServerExtension, type ExtensionFactory } from "./startServer.js";
export { readCredentials, writeCredentials, credentialsPath, type CredentialsFile } from "./credentials.js";
export { createLogger } from "./logger.js";
export { defaultExtensions } from "./extensions.js";
export { healthExtension } from "./health/healthExtension.js";
export { HealthWorker, type HealthWorkerOptions } from "./health/healthWorker.js";
/** The rollback webhook's headers (the same as outbound events'): kept as names for receivers importing them. */
export { HOOK_DELIVERY_ID_HEADER as HOOK_DELIVERY_HEADER, HOOK_EVENT_TYPE_HEADER as HOOK_EVENT_HEADER } from "@cuitty/core";
export { hooksExtension } from "./hooks/hooksExtension.js";
export { DeliveryWorker, type DeliveryWorkerOptions } from "./delivery/deliveryWorker.js";
