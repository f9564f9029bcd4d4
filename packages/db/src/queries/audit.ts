// The audit module's writes and reads: entries recorded in batches (deduplicated by id per project).
import { and, inArray, sql } from "drizzle-orm";
import { CuittyError, MAX_CLOCK_SKEW_SECONDS } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type AuditEntry, auditEntries } from "../schema/audit.js";
import { deploys } from "../schema/deploys.js";

/** An entry as validated by `auditEntrySchema`: the table's columns, with the client's id as `id`. */
export type AuditEntryRecord = Omit<typeof auditEntries.$inferInsert, "id" | "projectId" | "entryId" | "receivedAt" | "occurredAt"> & {
  id?: string;
  occurredAt?: number;
};

/** An audit entry as clients see it: the client's id as `id`, no internal row id or project. */
export type AuditEntryView = Omit<AuditEntry, "id" | "projectId" | "entryId"> & { id: string | null; rowId: number };

export interface RecordResult {
  /** Rows written by this call. */
  accepted: number;
  /** Entries whose id was already recorded (a retry): not written again. */
  duplicates: number;
}

/**
 * Records audit entries in one transaction. Refuses the whole batch (writing nothing) when an entry
 * lies in the future beyond the clock-skew window or names a deploy this project does not have.
 */
export async function recordAuditEntries(db: Database, projectId: string, entries: AuditEntryRecord[], now: number): Promise<RecordResult> {
  const future = entries.flatMap((e, i) =>
    e.occurredAt !== undefined && e.occurredAt > now + MAX_CLOCK_SKEW_SECONDS ? [`entries.${i}.occurredAt`] : [],
  );
  if (future.length > 0) {
    throw new CuittyError("VALIDATION_FAILED", `occurredAt is more than ${MAX_CLOCK_SKEW_SECONDS} s in the future (server time ${now})`, {
      fields: future,
      serverTime: now,
    });
  }
  const deployIds = [...new Set(entries.flatMap((e) => (typeof e.deployId === "number" ? [e.deployId] : [])))];
  if (deployIds.length > 0) {
    const known = new Set(
      (
        await db.deploys
          .select({ id: deploys.id })
          .from(deploys)
          .where(and(inArray(deploys.id, deployIds), sql`${deploys.projectId} = ${projectId}`))
      ).map((r) => r.id),
    );
    const unknown = entries.flatMap((e, i) => (typeof e.deployId === "number" && !known.has(e.deployId) ? [`entries.${i}.deployId`] : []));
    if (unknown.length > 0) {
      throw new CuittyError("VALIDATION_FAILED", "deployId names a deploy that does not exist in this project", {
        fields: unknown,
      });
    }
  }
  const rows = entries.map((e) => ({
    projectId,
    entryId: e.id,
    environment: e.environment,
    actor: e.actor,
    action: e.action,
    target: e.target,
    occurredAt: e.occurredAt ?? now,
    deployId: e.deployId,
    commitSha: e.commitSha?.toLowerCase(),
    metadata: e.metadata,
    receivedAt: now,
  }));
  const written = await db.audit
    .insert(auditEntries)
    .values(rows)
    .onConflictDoNothing({ target: [auditEntries.projectId, auditEntries.entryId] })
    .returning({ id: auditEntries.id });
  return { accepted: written.length, duplicates: rows.length - written.length };
}
