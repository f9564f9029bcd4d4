// Audit entries owed by a transition: written into deploys.db (audit_outbox) in the transition's own transaction,
// then copied into audit.db, another file, by id. A copy repeated after a crash is deduplicated by that id.
import { CuittyError } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type AuditEntryRecord, recordAuditEntries } from "./audit.js";
import type { SqlExecutor } from "./sqlViews.js";

/** An entry with the fixed id that makes its copy idempotent (derived from what caused it). */
export type OwedAuditEntry = AuditEntryRecord & { id: string };

/** Records, inside an open transaction, an audit entry to copy into audit.db once it commits. */
export async function queueAuditEntryIn(tx: SqlExecutor, projectId: string, entry: OwedAuditEntry): Promise<void> {
  await tx.execute({
    sql: `INSERT INTO audit_outbox (project_id, entry_id, entry) VALUES (?1, ?2, ?3) ON CONFLICT (entry_id) DO NOTHING`,
    args: [projectId, entry.id, JSON.stringify(entry)],
  });
}

/**
 * Copies owed entries into audit.db, then forgets them. `afterCopy` runs between the two steps (a test crash
 * point). An entry audit.db can never accept (its deploy is gone) is dropped rather than retried forever.
 * Returns the entries copied (repeats included).
 */
export async function copyAuditOutbox(db: Database, now: number, opts: { limit?: number; afterCopy?: () => void } = {}): Promise<number> {
  const { rows } = await db.clients.deploys.execute({
    sql: "SELECT id, project_id, entry FROM audit_outbox ORDER BY id LIMIT ?",
    args: [opts.limit ?? 100],
  });
  if (rows.length === 0) return 0;
  const done: number[] = [];
  for (const r of rows) {
    try {
      await recordAuditEntries(db, String(r.project_id), [JSON.parse(String(r.entry)) as OwedAuditEntry], now);
    } catch (error) {
      if (!(error instanceof CuittyError)) throw error;
    }
    done.push(Number(r.id));
  }
  opts.afterCopy?.();
  await db.clients.deploys.execute({
    sql: "DELETE FROM audit_outbox WHERE id IN (SELECT value FROM json_each(?))",
    args: [JSON.stringify(done)],
  });
  return done.length;
}

/** Entries not copied yet (tests, diagnostics). */
export async function countOwedAuditEntries(db: Database): Promise<number> {
  const { rows } = await db.clients.deploys.execute("SELECT count(*) AS n FROM audit_outbox");
  return Number(rows[0]!.n);
}
