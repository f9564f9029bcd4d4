// The ingest hot path's connection: synchronous libSQL with cached prepared statements.
//
// Through @libsql/client every statement is prepared (and its columns read) anew, which costs more
// than running it; an event takes four statements. Here each SQL text is prepared once. The
// connection shares the file's FIFO lock with the module's client, so the two never hold the write
// lock against each other inside this process. With a libSQL server URL it falls back to the client.
import type { Client } from "@libsql/client";
import Database from "libsql";
import { type Mergeable, createGroupCommit } from "./groupCommit.js";
import type { FileLock } from "./serializedClient.js";
import { WAL_PRAGMAS } from "./walPragmas.js";

export interface SqlResult {
  columns: string[];
  rows: ArrayLike<unknown>[];
  /** The rowid an INSERT made (a statement that returns no rows), so it need not be read back. */
  lastInsertRowid?: number | bigint;
}

/** Anything that runs a statement: a client, an open transaction, or the hot path. */
export interface SqlExecutor {
  execute(stmt: string | { sql: string; args?: unknown[] }): Promise<SqlResult>;
}

export interface HotPath extends SqlExecutor {
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE), committed when it resolves. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a write transaction it may share with concurrent calls (group commit, see groupCommit.ts):
   * its writes are kept or dropped as a unit, and it settles only after the COMMIT that holds them. With `merge`,
   * it may run as one item of a call that does the same for the calls queued beside it (see Mergeable).
   */
  grouped<T>(fn: (tx: SqlExecutor) => Promise<T>, merge?: Mergeable<SqlExecutor>): Promise<T>;
  close(): void;
}

type Statement = ReturnType<InstanceType<typeof Database>["prepare"]>;
const CACHE_SIZE = 256;

export function openHotPath(path: string, lock: FileLock, opts: { synchronous: string; busyTimeoutMs: number }): HotPath {
  const conn = new Database(path, { timeout: opts.busyTimeoutMs });
  conn.exec(`PRAGMA busy_timeout = ${opts.busyTimeoutMs}`);
  conn.exec(`PRAGMA synchronous = ${opts.synchronous}`);
  conn.exec("PRAGMA foreign_keys = ON");
  for (const pragma of WAL_PRAGMAS) conn.exec(pragma);
  const cache = new Map<string, { stmt: Statement; columns: string[]; reader: boolean }>();

  function prepared(sql: string) {
    let entry = cache.get(sql);
    if (!entry) {
      const stmt = conn.prepare(sql);
      const reader = stmt.reader;
      entry = { stmt, reader, columns: reader ? stmt.columns().map((c: { name: string }) => c.name) : [] };
      if (reader) stmt.raw(true);
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(sql, entry);
    }
    return entry;
  }

  function run(stmt: string | { sql: string; args?: unknown[] }): SqlResult {
    const { sql, args = [] } = typeof stmt === "string" ? { sql: stmt } : stmt;
    const { stmt: s, reader, columns } = prepared(sql);
    if (!reader) {
      const info = s.run(args as never) as { lastInsertRowid: number | bigint };
      return { columns: [], rows: [], lastInsertRowid: info.lastInsertRowid };
    }
    return { columns, rows: s.all(args as never) as unknown[][] };
  }

  const inTx: SqlExecutor = { execute: async (stmt) => run(stmt) };
  // The group's BEGIN, SAVEPOINT, RELEASE and COMMIT run as cached prepared statements too (two per event).
  const group = createGroupCommit(
    {
      exec: (sql) => void run(sql),
      get inTransaction() {
        return conn.inTransaction;
      },
    },
    lock,
    inTx,
  );
  return {
    grouped: (fn, merge) => group.run(fn, merge),
    async execute(stmt) {
      const release = await lock.acquire();
      try {
        return run(stmt);
      } finally {
        release();
      }
    },
    async transaction(fn) {
      const release = await lock.acquire();
      try {
        conn.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(inTx);
          conn.exec("COMMIT");
          return result;
        } catch (error) {
          if (conn.inTransaction) conn.exec("ROLLBACK");
          throw error;
        }
      } finally {
        release();
      }
    },
    close: () => conn.close(),
  };
}

/** The same interface over a @libsql/client (a libSQL server): no statement cache, same semantics. */
export function clientHotPath(client: Client): HotPath {
  const execute = (stmt: string | { sql: string; args?: unknown[] }) =>
    client.execute(typeof stmt === "string" ? stmt : { sql: stmt.sql, args: (stmt.args ?? []) as never });
  const hot: HotPath = {
    execute,
    // A libSQL server serialises its own writers and is a network hop away: each call keeps its transaction.
    grouped: (fn) => hot.transaction(fn),
    async transaction(fn) {
      const tx = await client.transaction("write");
      try {
        const result = await fn({
          execute: (stmt) => tx.execute(typeof stmt === "string" ? stmt : { sql: stmt.sql, args: (stmt.args ?? []) as never }),
        });
        await tx.commit();
        return result;
      } catch (error) {
        await tx.rollback().catch(() => {});
        throw error;
      } finally {
        tx.close();
      }
    },
    close: () => {},
  };
  return hot;
}
