// @cuitty/core: the lifecycle, wire schemas, request signing and error codes. No I/O.
export * from "./status.js";
export * from "./lifecycle.js";
export * from "./errors.js";
export * from "./limits.js";
export * from "./jsonDepth.js";
export * from "./schemas.js";
export * from "./signature.js";
export * from "./signingFetch.js";
export * from "./github.js";
export * from "./metrics.js";
export * from "./hooks.js";
export * from "./hookEvents.js";
export * from "./doraBands.js";
export * from "./prometheus.js";
export * from "./outboundPolicy.js";
export * from "./deployTitle.js";
export * from "./changeFailure.js";
