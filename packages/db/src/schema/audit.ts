// The audit module (audit.db): who changed what, linked to deploys by id, commit or time.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const auditEntries = sqliteTable(
  "audit_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    entryId: text("entry_id"),
    environment: text("environment").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    occurredAt: integer("occurred_at").notNull(),
    deployId: integer("deploy_id"),
    commitSha: text("commit_sha"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    receivedAt: integer("received_at").notNull().default(sql`(unixepoch())`),
  },
  (t) => [
    uniqueIndex("audit_entries_project_entry_uq").on(t.projectId, t.entryId),
    index("audit_entries_deploy_idx").on(t.projectId, t.deployId),
    index("audit_entries_env_time_idx").on(t.projectId, t.environment, t.occurredAt),
    index("audit_entries_commit_idx").on(t.projectId, t.commitSha),
  ],
);
export type AuditEntry = typeof auditEntries.$inferSelect;
