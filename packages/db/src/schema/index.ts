// @cuitty/db/schema: the drizzle tables of every module (deploys.db, audit.db, perf.db, hooks.db).
export * from "./deploys.js";
export * from "./audit.js";
export * from "./perf.js";
export * from "./hooks.js";
