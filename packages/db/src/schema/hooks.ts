// The hooks module (hooks.db): outbound event subscriptions, their durable outbox and delivery log, and the
// history of deploy marks. Kept apart from deploys.db so delivery bookkeeping never contends with ingest.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { HOOK_FORMATS, type HookEventType } from "@cuitty/core";

const now = sql`(unixepoch())`;

/**
 * A project's subscription. `cursor` is the last outbox id it has finished with (delivered or given up),
 * so delivery resumes exactly there after a restart; one event at a time keeps deploys in order.
 */
export const hookSubscriptions = sqliteTable(
  "hook_subscriptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    url: text("url").notNull(),
    /** Deliveries are signed with it like the wire protocol signs requests (HMAC needs it as issued). */
    secret: text("secret").notNull(),
    events: text("events", { mode: "json" }).$type<HookEventType[]>(),
    environments: text("environments", { mode: "json" }).$type<string[]>(),
    format: text("format", { enum: HOOK_FORMATS }).notNull().default("json"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull().default(now),
    cursor: integer("cursor").notNull().default(0),
    /** Failed attempts at the event after `cursor`. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptMs: integer("next_attempt_ms").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    lastDeliveredAt: integer("last_delivered_at"),
    leaseOwner: text("lease_owner"),
    leaseExpiresMs: integer("lease_expires_ms").notNull().default(0),
  },
  (t) => [index("hook_subscriptions_project_idx").on(t.projectId, t.id)],
);

/**
 * Every event to send, in the order it must arrive: transitions copied from deploy_events in id order,
 * health changes, marks. `source` makes each copy idempotent, so a repeated feed never duplicates.
 */
export const hookOutbox = sqliteTable(
  "hook_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    source: text("source").notNull(),
    type: text("type").$type<HookEventType>().notNull(),
    environment: text("environment").notNull(),
    deployId: integer("deploy_id").notNull(),
    occurredAt: integer("occurred_at").notNull(),
    /** The event object as JSON, built once when the event is queued. */
    payload: text("payload").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [uniqueIndex("hook_outbox_source_uq").on(t.source), index("hook_outbox_project_idx").on(t.projectId, t.id)],
);

export const HOOK_DELIVERY_OUTCOMES = ["delivered", "failed", "gave_up"] as const;

/** One row per delivery attempt, newest kept (pruned per subscription). */
export const hookDeliveries = sqliteTable(
  "hook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    subscriptionId: integer("subscription_id")
      .notNull()
      .references(() => hookSubscriptions.id, { onDelete: "cascade" }),
    projectId: text("project_id").notNull(),
    outboxId: integer("outbox_id").notNull(),
    eventType: text("event_type").$type<HookEventType>().notNull(),
    deployId: integer("deploy_id").notNull(),
    attempt: integer("attempt").notNull(),
    outcome: text("outcome", { enum: HOOK_DELIVERY_OUTCOMES }).notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("hook_deliveries_subscription_idx").on(t.subscriptionId, t.id)],
);

/** Where the feeders stopped reading deploys.db (`deploy_events`, `health_checks`): last id copied. */
export const hookCursors = sqliteTable("hook_cursors", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

/** The last health status announced per deploy, so only changes become events. */
export const hookHealthSeen = sqliteTable("hook_health_seen", {
  deployId: integer("deploy_id").primaryKey(),
  projectId: text("project_id").notNull(),
  status: text("status").notNull(),
});

export const DEPLOY_MARK_ACTIONS = ["bad", "good"] as const;

/**
 * Every mark-as-bad and mark-as-good, with who and why (the deploys row keeps only the current mark).
 * Written with its outbox event before the deploys row; `applied_at` is set once the row has it, so a
 * crash in between is repaired when the server starts.
 */
export const deployMarks = sqliteTable(
  "deploy_marks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    deployId: integer("deploy_id").notNull(),
    action: text("action", { enum: DEPLOY_MARK_ACTIONS }).notNull(),
    reason: text("reason"),
    actor: text("actor").notNull(),
    at: integer("at").notNull(),
    appliedAt: integer("applied_at"),
  },
  (t) => [index("deploy_marks_deploy_idx").on(t.deployId, t.id), index("deploy_marks_unapplied_idx").on(t.appliedAt)],
);

export type HookSubscription = typeof hookSubscriptions.$inferSelect;
export type HookOutboxRow = typeof hookOutbox.$inferSelect;
export type HookDelivery = typeof hookDeliveries.$inferSelect;
export type DeployMark = typeof deployMarks.$inferSelect;
