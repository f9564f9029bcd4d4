// Local administration opens the data directory directly (no server needed).
import { type Database, openDatabase } from "@cuitty/db";
import { loadConfig } from "@cuitty/server";
import { CLIError } from "./errors.js";

export interface DataOptions {
  data?: string;
}

export async function withDatabase<T>(opts: DataOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, { dataDir: opts.data });
  let db: Database;
  try {
    db = await openDatabase({ dataDir: config.dataDir, url: config.databaseUrl, authToken: config.databaseAuthToken });
  } catch (error) {
    throw new CLIError(`cannot open the data directory ${config.dataDir}: ${String(error)}`, "E_DATA", "check --data or CUITTY_DATA_DIR");
  }
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
