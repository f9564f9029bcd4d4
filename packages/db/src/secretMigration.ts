// At every open: brings each stored secret in line with the configured master keys (encrypts plaintext rows,
// re-encrypts rows under a previous key, decrypts when only a previous key is given). Reads everything first,
// so a missing key stops the start before anything is written.
import type { InStatement } from "@libsql/client";
import type { Database, ModuleName } from "./connection.js";

/** Every column holding a secret, with the module file it lives in. Add new secret columns here. */
const SECRET_COLUMNS: readonly { module: ModuleName; table: string; column: string }[] = [
  { module: "deploys", table: "api_keys", column: "secret" },
  { module: "deploys", table: "org_keys", column: "secret" },
  { module: "deploys", table: "projects", column: "github_webhook_secret" },
  { module: "deploys", table: "rollback_hook_secrets", column: "secret" },
  { module: "hooks", table: "hook_subscriptions", column: "secret" },
  { module: "deploys", table: "environments", column: "prometheus_bearer_token" },
  { module: "deploys", table: "environments", column: "prometheus_basic_auth" },
];

/** Returns how many stored secrets were rewritten; throws MasterKeyError (nothing written) when one cannot be read. */
export async function resealStoredSecrets(db: Database): Promise<number> {
  const updates = new Map<ModuleName, InStatement[]>();
  for (const { module, table, column } of SECRET_COLUMNS) {
    const { rows } = await db.clients[module].execute(`SELECT rowid AS rid, ${column} AS v FROM ${table} WHERE ${column} IS NOT NULL`);
    for (const row of rows) {
      const stored = String(row.v);
      const next = db.secrets.reseal(stored);
      if (next === undefined) continue;
      const list = updates.get(module) ?? [];
      // Guarded by the old value: a row changed meanwhile (another replica, a rotation of that secret) is left alone.
      list.push({ sql: `UPDATE ${table} SET ${column} = ? WHERE rowid = ? AND ${column} = ?`, args: [next, Number(row.rid), stored] });
      updates.set(module, list);
    }
  }
  let changed = 0;
  for (const [module, statements] of updates) {
    const client = db.clients[module];
    // The old values must not survive in freed pages or the WAL: zero what is deleted, then checkpoint.
    if (db.embedded) await client.execute("PRAGMA secure_delete = ON");
    await client.batch(statements, "write");
    if (db.embedded) await client.execute("PRAGMA secure_delete = OFF");
    if (db.embedded) await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    changed += statements.length;
  }
  return changed;
}
