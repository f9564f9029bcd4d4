// @cuitty/db: module schemas, migrations, the libSQL connection and every query, each scoped by project.
export * from "./connection.js";
export * from "./backup.js";
export * from "./schema/deploys.js";
export * from "./schema/audit.js";
export * from "./schema/perf.js";
export * from "./queries/views.js";
export * from "./queries/projects.js";
export * from "./queries/applyDeployEvent.js";
export * from "./queries/readDeploys.js";
export * from "./queries/environments.js";
