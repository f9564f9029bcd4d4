// Opens the module databases (one libSQL file each, or one libSQL server), applies migrations, closes cleanly.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as auditSchema from "./schema/audit.js";
import * as deploysSchema from "./schema/deploys.js";
import * as hooksSchema from "./schema/hooks.js";
import * as perfSchema from "./schema/perf.js";
import { type ModeWarning, ensurePrivateDir, ensurePrivateFile, tightenDir } from "./fileModes.js";
import { type HotPath, clientHotPath, openHotPath } from "./hotPath.js";
import { type KeyCache, openKeyCache } from "./keyCache.js";
import { type MasterKeys, SecretBox } from "./secretBox.js";
import { resealStoredSecrets } from "./secretMigration.js";
import { createFileLock, serializedClient } from "./serializedClient.js";
import { WAL_PRAGMAS } from "./walPragmas.js";

export const MODULES = ["deploys", "audit", "perf", "hooks"] as const;
export type ModuleName = (typeof MODULES)[number];

export interface DatabaseConfig {
  /** Folder of the embedded files (`deploys.db`, `audit.db`, `perf.db`). */
  dataDir: string;
  /** A libSQL server (`libsql://…`, `http://…`); when set, every module lives in that one database. */
  url?: string;
  authToken?: string;
  /**
   * WAL + NORMAL keeps every acknowledged write through a process crash (not a power loss) and is
   * about 3x faster than FULL here; FULL also survives power loss. See README, Durability.
   */
  synchronous?: "NORMAL" | "FULL";
  /** Busy timeout in ms when another process holds the write lock. */
  busyTimeoutMs?: number;
  /** Told about every file or folder of the data directory whose mode was looser than 0600/0700 and was tightened. */
  onModeTightened?: ModeWarning;
  /** Master keys for encryption at rest of API keys and hook secrets (none: stored as issued). */
  masterKeys?: MasterKeys;
  /** Told how many stored secrets were encrypted, re-encrypted or decrypted at open. */
  onSecretsResealed?: (count: number, currentKeyId: string | undefined) => void;
}

export interface Database {
  deploys: LibSQLDatabase<typeof deploysSchema>;
  audit: LibSQLDatabase<typeof auditSchema>;
  perf: LibSQLDatabase<typeof perfSchema>;
  hooks: LibSQLDatabase<typeof hooksSchema>;
  clients: Record<ModuleName, Client>;
  /**
   * A connection on deploys.db with the other module files attached (as `audit`, `perf` and `hooks`),
   * for cross-module queries. `schemas` names the schema each module's tables live in.
   */
  cross: { client: Client; schemas: Record<ModuleName, string>; ensureAttached(): Promise<void> };
  /** deploys.db for the ingest hot path and key lookups: cached prepared statements (see hotPath.ts). */
  hot: HotPath;
  /** Seals secrets before they are stored and opens them when read (see secretBox.ts). */
  secrets: SecretBox;
  /** The API keys of a project, from memory while no key changed (keyCache.ts); absent with a libSQL server. */
  keyCache?: KeyCache;
  /** Where the data lives, for logs: a folder or a server URL (without credentials). */
  location: string;
  embedded: boolean;
  dataDir: string;
  close(): void;
}

const migrationsRoot = fileURLToPath(new URL("../migrations", import.meta.url));

function fileUrl(path: string): string {
  return `file:${path}`;
}

async function applyPragmas(client: Client, synchronous: "NORMAL" | "FULL"): Promise<void> {
  await client.execute("PRAGMA journal_mode = WAL");
  await client.execute(`PRAGMA synchronous = ${synchronous}`);
  await client.execute("PRAGMA foreign_keys = ON");
  for (const pragma of WAL_PRAGMAS) await client.execute(pragma);
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const synchronous = config.synchronous ?? "NORMAL";
  const timeout = config.busyTimeoutMs ?? 5000;
  const dataDir = resolve(config.dataDir);
  const clients = {} as Record<ModuleName, Client>;
  let cross: Client;
  let hot: HotPath;
  let schemas: Record<ModuleName, string>;
  if (config.url) {
    // One remote database: modules share it, so cross-module queries need no ATTACH.
    const client = createClient({ url: config.url, authToken: config.authToken });
    for (const m of MODULES) clients[m] = client;
    cross = client;
    hot = clientHotPath(client);
    schemas = { deploys: "main", audit: "main", perf: "main", hooks: "main" };
  } else {
    ensurePrivateDir(dataDir, { tightenExisting: true, warn: config.onModeTightened });
    for (const m of MODULES) ensurePrivateFile(join(dataDir, `${m}.db`), config.onModeTightened);
    // One connection per module file, one operation at a time (see serializedClient).
    const deploysLock = createFileLock();
    for (const m of MODULES) {
      const lock = m === "deploys" ? deploysLock : createFileLock();
      clients[m] = serializedClient(createClient({ url: fileUrl(join(dataDir, `${m}.db`)), concurrency: 1, timeout }), lock);
      await applyPragmas(clients[m], synchronous);
    }
    cross = serializedClient(createClient({ url: fileUrl(join(dataDir, "deploys.db")), concurrency: 1, timeout }));
    hot = openHotPath(join(dataDir, "deploys.db"), deploysLock, { synchronous, busyTimeoutMs: timeout });
    schemas = { deploys: "main", audit: "audit", perf: "perf", hooks: "hooks" };
  }

  const db = {
    deploys: drizzle(clients.deploys, { schema: deploysSchema }),
    audit: drizzle(clients.audit, { schema: auditSchema }),
    perf: drizzle(clients.perf, { schema: perfSchema }),
    hooks: drizzle(clients.hooks, { schema: hooksSchema }),
  };
  for (const m of MODULES) {
    await migrate(db[m] as LibSQLDatabase<Record<string, unknown>>, {
      migrationsFolder: join(migrationsRoot, m),
      migrationsTable: `__drizzle_migrations_${m}`,
    });
  }

  const ensureAttached = async (): Promise<void> => {
    if (config.url) return;
    // A pooled connection can be replaced after an error; re-attach whenever it is missing.
    const attached = new Set((await cross.execute("PRAGMA database_list")).rows.map((r) => String(r.name)));
    for (const m of ["audit", "perf", "hooks"] as const) {
      if (!attached.has(m)) await cross.execute({ sql: `ATTACH DATABASE ? AS ${m}`, args: [join(dataDir, `${m}.db`)] });
    }
  };
  await ensureAttached();
  // -wal and -shm files exist now; SQLite created them with their database's mode, but ones left by an older
  // version (or copied in) may be looser.
  if (!config.url) tightenDir(dataDir, config.onModeTightened);

  let closed = false;
  const secrets = new SecretBox(config.masterKeys);
  const database: Database = {
    ...db,
    clients,
    cross: { client: cross, schemas, ensureAttached },
    hot,
    secrets,
    keyCache: config.url ? undefined : openKeyCache(join(dataDir, "deploys.db"), (sealed) => secrets.open(sealed), timeout),
    location: config.url ? new URL(config.url).origin : dataDir,
    embedded: !config.url,
    dataDir,
    close() {
      if (closed) return;
      closed = true;
      hot.close();
      database.keyCache?.close();
      for (const c of new Set([...Object.values(clients), cross])) c.close();
    },
  };
  try {
    const changed = await resealStoredSecrets(database);
    if (changed > 0) config.onSecretsResealed?.(changed, database.secrets.currentKeyId);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}
