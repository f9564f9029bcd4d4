// Many rows of one table written by a few multi-row INSERTs (the in-memory batch path, applyDeployBatch.ts): one
// bound statement per chunk instead of one per row, with the SQL text of each shape built once.
import type { SqlExecutor } from "./sqlViews.js";

/** Rows per multi-row INSERT: a batch is cut into chunks of these sizes, so each table needs five statements at most. */
const CHUNKS = [256, 64, 16, 4, 1];

function insertSql(table: string, columns: string[], rows: number): string {
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array.from({ length: rows }, () => tuple).join(", ")}`;
}
const insertSqlCache = new Map<string, string>();
/** SQL texts kept at most (one per table, column set and chunk size); past it the cache starts over. */
const MAX_INSERT_SQL = 256;

/**
 * Inserts `count` rows in chunks of CHUNKS' sizes; `fill(i, args, at)` writes row i's values (one per column) into
 * `args` from index `at`, so no row is built as an array of its own.
 */
export async function insertRows(
  tx: SqlExecutor,
  table: string,
  columns: string[],
  count: number,
  fill: (i: number, args: unknown[], at: number) => void,
): Promise<void> {
  let done = 0;
  while (done < count) {
    const size = CHUNKS.find((n) => n <= count - done)!;
    const key = `${table}(${columns.join()}):${size}`;
    let sql = insertSqlCache.get(key);
    if (sql === undefined) {
      sql = insertSql(table, columns, size);
      if (insertSqlCache.size >= MAX_INSERT_SQL) insertSqlCache.clear();
      insertSqlCache.set(key, sql);
    }
    const args: unknown[] = new Array(size * columns.length);
    for (let i = 0; i < size; i++) fill(done + i, args, i * columns.length);
    await tx.execute({ sql, args });
    done += size;
  }
}
