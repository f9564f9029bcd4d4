// Raw SQL for the hot ingest path: the deploy view's SELECT, derived from the drizzle table so the
// column list is never written twice, and a row mapper that keeps libSQL's column names.
import { type DeployView, deployPublicColumns as viewColumns } from "./views.js";

import type { SqlExecutor, SqlResult } from "../hotPath.js";

export type { SqlExecutor, SqlResult };

/** The deploy view's keys (camelCase) and their columns, in the order the view's SELECT lists them. */
export const DEPLOY_VIEW_KEYS: readonly (readonly [key: string, column: string])[] = Object.entries(viewColumns).map(([key, col]) => [
  key,
  col.name,
]);

/** A deploy view key's column, e.g. commitSha → commit_sha. */
export const DEPLOY_COLUMN_OF: ReadonlyMap<string, string> = new Map(DEPLOY_VIEW_KEYS);

/** Every public deploy column as its camelCase key, e.g. `commit_sha AS "commitSha"` (prefix: a table alias). */
const columnLists = new Map<string, string>();
export function deployViewColumnList(prefix = ""): string {
  let list = columnLists.get(prefix);
  if (list === undefined) {
    list = Object.entries(viewColumns)
      .map(([key, col]) => `${prefix}${col.name} AS "${key}"`)
      .join(", ");
    columnLists.set(prefix, list);
  }
  return list;
}

/** `SELECT <every public deploy column>, e.name AS environment FROM deploys d JOIN environments e`. */
const DEPLOY_VIEW_SELECT = `SELECT ${deployViewColumnList("d.")}, e.name AS "environment" FROM deploys d JOIN environments e ON e.id = d.env_id`;

export function rowsOf<T>(result: SqlResult): T[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])) as T);
}

export async function firstRow<T>(ex: SqlExecutor, stmt: Parameters<SqlExecutor["execute"]>[0]): Promise<T | undefined> {
  return rowsOf<T>(await ex.execute(stmt))[0];
}

export async function deployViewById(ex: SqlExecutor, id: number): Promise<DeployView> {
  const view = await firstRow<DeployView>(ex, { sql: `${DEPLOY_VIEW_SELECT} WHERE d.id = ?`, args: [id] });
  if (!view) throw new Error(`deploy #${id} vanished inside its transaction`);
  return view;
}
