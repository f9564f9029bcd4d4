// Outbound event subscriptions: management (hooks.add/list/remove/deliveries) and the delivery worker's steps:
// claim subscriptions under a lease, read the next event after a subscription's cursor, record an attempt.
import { randomBytes } from "node:crypto";
import { CuittyError, type HookEventType, type HookFormat } from "@cuitty/core";
import type { Database } from "../connection.js";
import type { HookOutboxRow, HookSubscription } from "../schema/hooks.js";
import { feedOutbox } from "./hookOutbox.js";
import { type LeasedTable, leaseClaimStatement, leaseFence, releaseLeases } from "./leases.js";
import { rowsOf } from "./sqlViews.js";

export interface HookSubscriptionView {
  id: number;
  url: string;
  events: HookEventType[] | null;
  environments: string[] | null;
  format: HookFormat;
  /** The secret's first characters, to tell subscriptions apart; the whole secret is shown once, by add. */
  secretHint: string;
  createdBy: string | null;
  createdAt: number;
  /** Events queued for it and not yet delivered. */
  pending: number;
  /** Failed attempts at the oldest pending event, and when the next one is due (unix ms; 0: now). */
  attempts: number;
  nextAttemptMs: number;
  lastStatus: number | null;
  lastError: string | null;
  lastDeliveredAt: number | null;
}

const FILTER = `(s.events IS NULL OR o.type IN (SELECT value FROM json_each(s.events)))
  AND (s.environments IS NULL OR o.environment IN (SELECT value FROM json_each(s.environments)))`;

const VIEW_SELECT = `SELECT s.id, s.url, s.events, s.environments, s.format, s.secret AS "secretHint",
    s.created_by AS "createdBy", s.created_at AS "createdAt", s.attempts, s.next_attempt_ms AS "nextAttemptMs",
    s.last_status AS "lastStatus", s.last_error AS "lastError", s.last_delivered_at AS "lastDeliveredAt",
    (SELECT count(*) FROM hook_outbox o WHERE o.project_id = s.project_id AND o.id > s.cursor AND ${FILTER}) AS pending
  FROM hook_subscriptions s`;

type RawView = Omit<HookSubscriptionView, "events" | "environments"> & { events: string | null; environments: string | null };

function toView(db: Database, r: RawView): HookSubscriptionView {
  return {
    ...r,
    id: Number(r.id),
    events: r.events === null ? null : (JSON.parse(r.events) as HookEventType[]),
    environments: r.environments === null ? null : (JSON.parse(r.environments) as string[]),
    secretHint: `${db.secrets.open(r.secretHint).slice(0, 10)}…`, // the column holds the whole (maybe sealed) secret
    createdAt: Number(r.createdAt),
    pending: Number(r.pending),
    attempts: Number(r.attempts),
    nextAttemptMs: Number(r.nextAttemptMs),
    lastStatus: r.lastStatus === null ? null : Number(r.lastStatus),
    lastDeliveredAt: r.lastDeliveredAt === null ? null : Number(r.lastDeliveredAt),
  };
}

export async function listHookSubscriptions(db: Database, projectId: string): Promise<HookSubscriptionView[]> {
  const result = await db.clients.hooks.execute({ sql: `${VIEW_SELECT} WHERE s.project_id = ? ORDER BY s.id`, args: [projectId] });
  return rowsOf<RawView>(result).map((r) => toView(db, r));
}

async function getHookSubscription(db: Database, projectId: string, id: number): Promise<HookSubscriptionView> {
  const result = await db.clients.hooks.execute({ sql: `${VIEW_SELECT} WHERE s.project_id = ? AND s.id = ?`, args: [projectId, id] });
  const row = rowsOf<RawView>(result)[0];
  if (!row) throw new CuittyError("NOT_FOUND", `hook #${id} does not exist in this project`);
  return toView(db, row);
}

/** The same members, in any order (null: no filter). */
function sameSet(stored: string | null, given: readonly string[] | null): boolean {
  if (stored === null || given === null) return stored === given;
  const a = new Set(JSON.parse(stored) as string[]);
  return a.size === new Set(given).size && given.every((x) => a.has(x));
}

/**
 * Adds a subscription that receives every event queued from now on. Pending transitions are queued first, so
 * the new cursor sits after everything that happened before the subscription existed.
 *
 * Idempotent, so a replayed or retried call cannot double every delivery: the same URL, events, environments
 * and format answer the existing subscription (`created: false`) with its secret. Asking for that subscription
 * with a different secret is refused, since answering it would leave the caller signing with the wrong one.
 */
export async function addHookSubscription(
  db: Database,
  projectId: string,
  input: { url: string; secret?: string; events?: HookEventType[]; environments?: string[]; format: HookFormat; createdBy: string },
): Promise<{ subscription: HookSubscriptionView; secret: string; created: boolean }> {
  await feedOutbox(db);
  const events = input.events ? [...new Set(input.events)] : null;
  const environments = input.environments ? [...new Set(input.environments)] : null;
  // A write transaction from the start, so two identical calls at once cannot both insert.
  const tx = await db.clients.hooks.transaction("write");
  let id: number;
  let secret: string;
  let created = false;
  try {
    const existing = rowsOf<{ id: number; secret: string; events: string | null; environments: string | null }>(
      await tx.execute({
        sql: "SELECT id, secret, events, environments FROM hook_subscriptions WHERE project_id = ? AND url = ? AND format = ? ORDER BY id",
        args: [projectId, input.url, input.format],
      }),
    ).find((r) => sameSet(r.events, events) && sameSet(r.environments, environments));
    if (existing) {
      if (input.secret !== undefined && input.secret !== db.secrets.open(existing.secret)) {
        throw new CuittyError(
          "VALIDATION_FAILED",
          `hook #${existing.id} already sends these events to this URL with another secret; remove it first (cuitty hooks remove ${existing.id}) to change the secret`,
          { fields: ["secret"] },
        );
      }
      id = Number(existing.id);
      secret = db.secrets.open(existing.secret);
    } else {
      secret = input.secret ?? `whsec_${randomBytes(24).toString("base64url")}`;
      const { rows } = await tx.execute({
        sql: `INSERT INTO hook_subscriptions (project_id, url, secret, events, environments, format, created_by, cursor)
              VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM hook_outbox)) RETURNING id`,
        args: [
          projectId,
          input.url,
          db.secrets.seal(secret),
          events ? JSON.stringify(events) : null,
          environments ? JSON.stringify(environments) : null,
          input.format,
          input.createdBy,
        ],
      });
      id = Number(rows[0]!.id);
      created = true;
    }
    await tx.commit();
  } finally {
    tx.close();
  }
  return { subscription: await getHookSubscription(db, projectId, id), secret, created };
}

/** Removes a subscription and its delivery log; events it has not received are not sent. */
export async function removeHookSubscription(db: Database, projectId: string, id: number): Promise<{ removed: boolean }> {
  const r = await db.clients.hooks.execute({
    sql: "DELETE FROM hook_subscriptions WHERE id = ? AND project_id = ?",
    args: [id, projectId],
  });
  if (r.rowsAffected === 0) throw new CuittyError("NOT_FOUND", `hook #${id} does not exist in this project`);
  return { removed: true };
}

export async function listHookDeliveries(db: Database, projectId: string, id: number, limit: number) {
  await getHookSubscription(db, projectId, id);
  const result = await db.clients.hooks.execute({
    sql: `SELECT id, outbox_id AS "outboxId", event_type AS "eventType", deploy_id AS "deployId", attempt, outcome,
            status_code AS "statusCode", error, duration_ms AS "durationMs", at
          FROM hook_deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT ?`,
    args: [id, limit],
  });
  return rowsOf<{
    id: number;
    outboxId: number;
    eventType: HookEventType;
    deployId: number;
    attempt: number;
    outcome: "delivered" | "failed" | "gave_up";
    statusCode: number | null;
    error: string | null;
    durationMs: number;
    at: number;
  }>(result);
}

/** A subscription is leased across its deliveries and retries, renewed every tick (leases.ts). */
const SUBSCRIPTIONS: LeasedTable = { table: "hook_subscriptions", key: "id" };

/** Claims (or renews) the lease of every subscription free, expired or already ours; returns those held. */
export async function claimHookSubscriptions(db: Database, owner: string, nowMs: number, leaseMs: number): Promise<HookSubscription[]> {
  await db.clients.hooks.execute(leaseClaimStatement(SUBSCRIPTIONS, { owner, nowMs, leaseMs, renew: true }));
  const rows = await db.hooks.query.hookSubscriptions.findMany({
    where: (s, { eq }) => eq(s.leaseOwner, owner),
    orderBy: (s, { asc }) => asc(s.id),
  });
  return rows.map((s) => ({ ...s, secret: db.secrets.open(s.secret) }));
}

export async function releaseHookSubscriptions(db: Database, owner: string): Promise<void> {
  await releaseLeases(db.clients.hooks, SUBSCRIPTIONS, owner);
}

/** The next event the subscription should receive (after its cursor, through its filters), if any. */
export async function nextHookEvent(db: Database, subscriptionId: number): Promise<HookOutboxRow | undefined> {
  const result = await db.clients.hooks.execute({
    sql: `SELECT o.id, o.project_id AS "projectId", o.source, o.type, o.environment, o.deploy_id AS "deployId",
            o.occurred_at AS "occurredAt", o.payload, o.created_at AS "createdAt"
          FROM hook_subscriptions s JOIN hook_outbox o ON o.project_id = s.project_id AND o.id > s.cursor
          WHERE s.id = ? AND ${FILTER} ORDER BY o.id LIMIT 1`,
    args: [subscriptionId],
  });
  const row = rowsOf<HookOutboxRow>(result)[0];
  return row && { ...row, id: Number(row.id), deployId: Number(row.deployId), occurredAt: Number(row.occurredAt) };
}

interface HookAttemptRecord {
  subscriptionId: number;
  projectId: string;
  event: Pick<HookOutboxRow, "id" | "type" | "deployId">;
  attempt: number;
  outcome: "delivered" | "failed" | "gave_up";
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  nowMs: number;
  /** When failed: the next attempt's time. */
  nextAttemptMs?: number;
}

/** Keeps this many log rows per subscription. */
const KEEP_DELIVERIES = 1000;

/**
 * Logs an attempt and moves the subscription on (delivered or given up) or schedules a retry, in one batch,
 * fenced by the lease and the cursor so a server that lost the lease writes nothing. False when fenced out.
 */
export async function recordHookDelivery(db: Database, owner: string, r: HookAttemptRecord): Promise<boolean> {
  const at = Math.floor(r.nowMs / 1000);
  const fence = `${leaseFence(SUBSCRIPTIONS, "?1", "?2")} AND cursor < ?3`;
  const moveOn = r.outcome !== "failed";
  const [update] = await db.clients.hooks.batch(
    [
      moveOn
        ? {
            sql: `UPDATE hook_subscriptions SET cursor = ?3, attempts = 0, next_attempt_ms = 0, last_status = ?4,
                    last_error = ?5, last_delivered_at = CASE WHEN ?6 THEN ?7 ELSE last_delivered_at END WHERE ${fence}`,
            args: [r.subscriptionId, owner, r.event.id, r.statusCode, r.error, r.outcome === "delivered" ? 1 : 0, at],
          }
        : {
            sql: `UPDATE hook_subscriptions SET attempts = ?4, next_attempt_ms = ?5, last_status = ?6, last_error = ?7
                  WHERE ${fence}`,
            args: [r.subscriptionId, owner, r.event.id, r.attempt, r.nextAttemptMs ?? r.nowMs, r.statusCode, r.error],
          },
      {
        sql: `INSERT INTO hook_deliveries (subscription_id, project_id, outbox_id, event_type, deploy_id, attempt, outcome,
                status_code, error, duration_ms, at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 1`,
        args: [
          r.subscriptionId,
          r.projectId,
          r.event.id,
          r.event.type,
          r.event.deployId,
          r.attempt,
          r.outcome,
          r.statusCode,
          r.error,
          r.durationMs,
          at,
        ],
      },
      {
        sql: `DELETE FROM hook_deliveries WHERE subscription_id = ?1 AND id <= (
                SELECT id FROM hook_deliveries WHERE subscription_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
        args: [r.subscriptionId, KEEP_DELIVERIES],
      },
    ],
    "write",
  );
  return (update?.rowsAffected ?? 0) === 1;
}
