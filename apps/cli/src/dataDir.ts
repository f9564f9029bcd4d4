// Local administration opens the data directory directly (no server needed). The database code is
// loaded only here, on demand, so CI commands like `cuitty deploy live` start fast.
import { join } from "node:path";
import type { Database } from "@cuitty/db";
import { readCredentialsFile, readEnv } from "./config.js";
import { CLIError, isMasterKeyError } from "./errors.js";
import { info, warn } from "./output.js";
import { type DbModule, loadDb, loadServer } from "./serverPackages.js";

export interface DataOptions {
  data?: string;
}

/** The data directory a local command opened: where its credentials.json is, and the server's default URL. */
export interface DataDirectory {
  dataDir: string;
  /** The credentials.json `cuitty serve` wrote there on its first start (empty when there is none). */
  credentials: ReturnType<typeof readCredentialsFile>;
  /** The URL the server would print for itself: CUITTY_PUBLIC_URL, else http://localhost:<port>. */
  serverUrl: string;
}

export async function withDatabase<T>(opts: DataOptions, fn: (db: Database, q: DbModule, dir: DataDirectory) => Promise<T>): Promise<T> {
  const purpose = "local administration on the data directory (projects, keys, backup, hook secrets)";
  const [q, { loadConfig }] = await Promise.all([loadDb(purpose), loadServer(purpose)]);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(readEnv(), { dataDir: opts.data });
  } catch (error) {
    throw new CLIError(String((error as Error).message), "E_CONFIG");
  }
  let db: Database;
  try {
    db = await q.openDatabase({
      dataDir: config.dataDir,
      url: config.databaseUrl,
      authToken: config.databaseAuthToken,
      masterKeys: config.masterKeys,
      onModeTightened: (_message, f) => warn(`${String(f.path)} was readable by others (mode ${String(f.was)}); now ${String(f.now)}`),
    });
  } catch (error) {
    if (isMasterKeyError(error))
      throw new CLIError(`cannot open the data directory ${config.dataDir}: ${error.message}`, "E_CONFIG", error.hint);
    throw new CLIError(`cannot open the data directory ${config.dataDir}: ${String(error)}`, "E_DATA", "check --data or CUITTY_DATA_DIR");
  }
  const dir: DataDirectory = {
    dataDir: config.dataDir,
    credentials: readCredentialsFile(join(config.dataDir, "credentials.json")),
    serverUrl: config.publicUrl ?? `http://localhost:${config.port}`,
  };
  try {
    return await fn(db, q, dir);
  } finally {
    db.close();
  }
}

export const PROJECT_HELP = "project (default: the only one; among several, the one in the data directory's credentials.json)";

/**
 * The project a local command acts on: the one given; else the only one; else, among several, the one
 * `cuitty serve` created and wrote to this data directory's credentials.json (said on stderr).
 */
export async function defaultProject(db: Database, q: DbModule, given: string | undefined, dir: DataDirectory): Promise<string> {
  if (given) return given;
  const projects = await q.listProjects(db);
  if (projects.length === 1) return projects[0]!.id;
  if (projects.length === 0)
    throw new CLIError("there is no project yet", "E_USAGE", "run `cuitty projects create NAME` or `cuitty serve` once");
  const stored = dir.credentials.projectId;
  if (stored && projects.some((p) => p.id === stored)) {
    info(`project ${stored} (from ${join(dir.dataDir, "credentials.json")}; pass --project ID for another)`);
    return stored;
  }
  const names = projects.map((p) => `${p.id} (${p.name})`).join(", ");
  throw new CLIError(
    `there are several projects and no --project: ${names}`,
    "E_USAGE",
    `pass --project ID, e.g. --project ${projects[0]!.id}`,
  );
}
