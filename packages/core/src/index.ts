// @cuitty/core: the lifecycle, wire schemas, request signing and error codes. No I/O.
export * from "./status.js";
export * from "./lifecycle.js";
export * from "./errors.js";
export * from "./limits.js";
export * from "./schemas.js";
export * from "./signature.js";
export * from "./signingFetch.js";
export * from "./github.js";
export * from "./githubCompare.js";
export * from "./metrics.js";
export * from "./hooks.js";
export * from "./hookEvents.js";
export * from "./doraBands.js";
