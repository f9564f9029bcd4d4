// Local administration opens the data directory directly (no server needed). The database code is
// loaded only here, on demand, so CI commands like `cuitty deploy live` start fast.
import type { Database } from "@cuitty/db";
import { readEnv } from "./config.js";
import { CLIError } from "./errors.js";
import { type DbModule, loadDb, loadServer } from "./serverPackages.js";

export interface DataOptions {
  data?: string;
}

export async function withDatabase<T>(opts: DataOptions, fn: (db: Database, q: DbModule) => Promise<T>): Promise<T> {
  const purpose = "local administration on the data directory (projects, keys, backup, hook secrets)";
  const [q, { loadConfig }] = await Promise.all([loadDb(purpose), loadServer(purpose)]);
  const config = loadConfig(readEnv(), { dataDir: opts.data });
  let db: Database;
  try {
    db = await q.openDatabase({ dataDir: config.dataDir, url: config.databaseUrl, authToken: config.databaseAuthToken });
  } catch (error) {
    throw new CLIError(`cannot open the data directory ${config.dataDir}: ${String(error)}`, "E_DATA", "check --data or CUITTY_DATA_DIR");
  }
  try {
    return await fn(db, q);
  } finally {
    db.close();
  }
}

/** The project a local command acts on: the one given, or the only one there is. */
export async function defaultProject(db: Database, q: DbModule, given?: string): Promise<string> {
  if (given) return given;
  const projects = await q.listProjects(db);
  if (projects.length === 1) return projects[0]!.id;
  throw new CLIError(
    projects.length === 0 ? "there is no project yet" : "there are several projects; say which",
    "E_USAGE",
    projects.length === 0 ? "run `cuitty projects create NAME` or `cuitty serve` once" : "pass --project ID (see `cuitty projects list`)",
  );
}
