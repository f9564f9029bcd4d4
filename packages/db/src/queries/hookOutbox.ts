// The outbound events queue (hooks.db hook_outbox): feeders copy accepted transitions and health changes from
// deploys.db in id order, so every subscription sees one ordered stream per project. Copies are idempotent
// (unique `source`) and the feed cursors only move forward, so repeating a feed after a crash is harmless.
import type { InStatement } from "@libsql/client";
import type { DeployStatus, HookEvent, HookEventType } from "@cuitty/core";
import type { Database } from "../connection.js";
import type { deploys, environments } from "../schema/deploys.js";
import { rowsOf } from "./sqlViews.js";

const DEPLOY_FIELDS = `d.id AS "deployId", d.external_key AS "externalKey", d.version, d.commit_sha AS "commitSha",
  d.branch, d.triggered_by AS "triggeredBy", d.build_logs_url AS "buildLogsUrl", d.provider, d.started_at AS "startedAt",
  d.live_at AS "liveAt", d.health_status AS "healthStatus", d.marked_bad_at AS "markedBadAt", d.status,
  e.name AS "environment", d.project_id AS "projectId"`;

type DeployRow = typeof deploys.$inferSelect;

/** One row of DEPLOY_FIELDS: the deploy's columns under their drizzle names, its id as `deployId`, its environment's name. */
export type DeployFields = Pick<
  DeployRow,
  | "externalKey"
  | "version"
  | "commitSha"
  | "branch"
  | "triggeredBy"
  | "buildLogsUrl"
  | "provider"
  | "startedAt"
  | "liveAt"
  | "healthStatus"
  | "markedBadAt"
  | "status"
  | "projectId"
> & { deployId: DeployRow["id"]; environment: (typeof environments.$inferSelect)["name"] };

/** The event's `deploy` object; `status` is the status as of the event. */
export function eventDeploy(d: DeployFields, status: DeployStatus): HookEvent["deploy"] {
  return {
    id: Number(d.deployId),
    externalKey: d.externalKey,
    status,
    version: d.version,
    commitSha: d.commitSha,
    branch: d.branch,
    triggeredBy: d.triggeredBy,
    buildLogsUrl: d.buildLogsUrl,
    provider: d.provider,
    startedAt: d.startedAt === null ? null : Number(d.startedAt),
    liveAt: d.liveAt === null ? null : Number(d.liveAt),
    healthStatus: d.healthStatus,
    markedBad: d.markedBadAt !== null,
  };
}

/** The statement that queues one event (ignored when its source was queued before). */
function outboxInsert(event: HookEvent, source: string): InStatement {
  return {
    sql: `INSERT INTO hook_outbox (project_id, source, type, environment, deploy_id, occurred_at, payload)
          VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source) DO NOTHING`,
    args: [event.projectId, source, event.type, event.environment, event.deploy.id, event.occurredAt, JSON.stringify(event)],
  };
}

function cursorUpsert(name: string, value: number): InStatement {
  return {
    sql: `INSERT INTO hook_cursors (name, value) VALUES (?1, ?2)
          ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`,
    args: [name, value],
  };
}

async function readCursor(db: Database, name: string): Promise<number | null> {
  const { rows } = await db.clients.hooks.execute({ sql: "SELECT value FROM hook_cursors WHERE name = ?", args: [name] });
  return rows[0] ? Number(rows[0].value) : null;
}

/** Projects with at least one subscription: only their events are queued. */
async function subscribedProjects(db: Database): Promise<string[]> {
  const { rows } = await db.clients.hooks.execute("SELECT DISTINCT project_id FROM hook_subscriptions");
  return rows.map((r) => String(r.project_id));
}

interface FeedResult {
  queued: number;
  /** False when a page limit stopped the feed; call again. */
  caughtUp: boolean;
}

/**
 * Copies accepted transitions (deploy_events rows after the cursor) into the outbox, in id order. The rows
 * and the table's max id are read in one statement, so the cursor never skips a row committed meanwhile.
 */
async function feedTransitions(db: Database, opts: { limit?: number } = {}): Promise<FeedResult> {
  const limit = opts.limit ?? 500;
  const projects = await subscribedProjects(db);
  const cursor = (await readCursor(db, "deploy_events")) ?? 0;
  if (projects.length === 0) {
    // Nobody listens: skip ahead, so the first subscription does not replay history.
    const { rows } = await db.clients.deploys.execute("SELECT coalesce(max(id), 0) AS m FROM deploy_events");
    await db.clients.hooks.execute(cursorUpsert("deploy_events", Number(rows[0]!.m)));
    return { queued: 0, caughtUp: true };
  }
  const result = await db.clients.deploys.execute({
    sql: `SELECT ev.id AS "eventRowId", ev.from_status AS "fromStatus", ev.to_status AS "toStatus",
            ev.occurred_at AS "occurredAt", ev.reason AS "reason", ev.actor AS "actor",
            ev.rollback_target_id AS "rollbackTargetId", ${DEPLOY_FIELDS},
            (SELECT max(id) FROM deploy_events) AS "maxId"
          FROM deploy_events ev JOIN deploys d ON d.id = ev.deploy_id JOIN environments e ON e.id = d.env_id
          WHERE ev.id > ?1 AND ev.project_id IN (SELECT value FROM json_each(?2))
          ORDER BY ev.id LIMIT ?3`,
    args: [cursor, JSON.stringify(projects), limit],
  });
  type Row = DeployFields & {
    eventRowId: number;
    fromStatus: DeployStatus | null;
    toStatus: DeployStatus;
    occurredAt: number;
    reason: string | null;
    actor: string | null;
    rollbackTargetId: number | null;
    maxId: number;
  };
  const rows = rowsOf<Row>(result);
  let next: number;
  if (rows.length === limit) next = Number(rows.at(-1)!.eventRowId);
  else if (rows.length > 0) next = Number(rows[0]!.maxId);
  else {
    const { rows: m } = await db.clients.deploys.execute({
      sql: "SELECT coalesce(max(id), 0) AS m FROM deploy_events WHERE id > ?",
      args: [cursor],
    });
    // Only rows of unsubscribed projects (or none) lie beyond the cursor. A row committed after this read has a
    // larger id than anything read, and a project subscribed since is picked up from the next feed on.
    next = Math.max(cursor, Number(m[0]!.m));
  }
  // A rollback out of live may follow a health verdict not fed yet (auto-rollback acts right after a failing
  // one): queue that verdict first, so the deploy's events stay in order; feedHealth then finds it already seen.
  const rolledBack = rows.filter((r) => r.toStatus === "rolled_back" && r.fromStatus === "live").map((r) => Number(r.deployId));
  const verdicts = new Map<number, { checkId: number; checkedAt: number; seen: string }>();
  if (rolledBack.length > 0) {
    const last = await db.clients.deploys.execute({
      sql: `SELECT deploy_id, max(id) AS id, checked_at FROM health_checks
            WHERE deploy_id IN (SELECT value FROM json_each(?)) GROUP BY deploy_id`,
      args: [JSON.stringify(rolledBack)],
    });
    const seen = await healthSeen(db, rolledBack);
    for (const c of last.rows) {
      const id = Number(c.deploy_id);
      verdicts.set(id, { checkId: Number(c.id), checkedAt: Number(c.checked_at), seen: seen.get(id) ?? "pending" });
    }
  }
  const stmts: InStatement[] = rows.flatMap((r) => {
    const verdict = r.toStatus === "rolled_back" && r.fromStatus === "live" ? verdicts.get(Number(r.deployId)) : undefined;
    const before =
      verdict && (r.healthStatus === "passing" || r.healthStatus === "failing") && r.healthStatus !== verdict.seen
        ? healthEventStatements(r, r.fromStatus!, verdict.seen, verdict.checkId, verdict.checkedAt)
        : [];
    const event: HookEvent = {
      id: `cuitty:transition:${r.eventRowId}`,
      type: `deploy.${r.toStatus}` as HookEventType,
      projectId: r.projectId,
      environment: r.environment,
      occurredAt: Number(r.occurredAt),
      deploy: eventDeploy(r, r.toStatus),
      transition: {
        from: r.fromStatus,
        to: r.toStatus,
        reason: r.reason,
        actor: r.actor,
        rollbackTargetId: r.rollbackTargetId === null ? null : Number(r.rollbackTargetId),
      },
    };
    return [...before, outboxInsert(event, `transition:${r.eventRowId}`)];
  });
  stmts.push(cursorUpsert("deploy_events", next));
  await db.clients.hooks.batch(stmts, "write");
  return { queued: rows.length, caughtUp: rows.length < limit };
}

/** The last health status announced for each of these deploys (none yet: absent). */
async function healthSeen(db: Database, deployIds: number[]): Promise<Map<number, string>> {
  const result = await db.clients.hooks.execute({
    sql: `SELECT deploy_id AS "deployId", status FROM hook_health_seen WHERE deploy_id IN (SELECT value FROM json_each(?))`,
    args: [JSON.stringify(deployIds)],
  });
  return new Map(rowsOf<{ deployId: number; status: string }>(result).map((r) => [Number(r.deployId), r.status]));
}

/** Queues the `deploy.health` event of a verdict (decided by probe `checkId`) and remembers it as announced. */
function healthEventStatements(d: DeployFields, status: DeployStatus, before: string, checkId: number, occurredAt: number): InStatement[] {
  const id = Number(d.deployId);
  const event: HookEvent = {
    id: `cuitty:health:${id}:${checkId}`,
    type: "deploy.health",
    projectId: d.projectId,
    environment: d.environment,
    occurredAt,
    deploy: eventDeploy(d, status),
    health: { from: before, to: d.healthStatus },
  };
  return [
    outboxInsert(event, `health:${id}:${checkId}`),
    {
      sql: `INSERT INTO hook_health_seen (deploy_id, project_id, status) VALUES (?1, ?2, ?3)
            ON CONFLICT (deploy_id) DO UPDATE SET status = excluded.status`,
      args: [id, d.projectId, d.healthStatus],
    },
  ];
}

/**
 * Queues a `deploy.health` event when a deploy's health status became passing or failing. Health probes are
 * tailed (health_checks by id): the verdict is written in the same batch as the probe that decided it.
 */
async function feedHealth(db: Database, opts: { limit?: number } = {}): Promise<FeedResult> {
  const limit = opts.limit ?? 500;
  const cursor = await readCursor(db, "health_checks");
  const projects = await subscribedProjects(db);
  if (cursor === null || projects.length === 0) {
    const { rows } = await db.clients.deploys.execute("SELECT coalesce(max(id), 0) AS m FROM health_checks");
    await db.clients.hooks.execute(cursorUpsert("health_checks", Number(rows[0]!.m)));
    return { queued: 0, caughtUp: true };
  }
  const page = await db.clients.deploys.execute({
    sql: "SELECT id, deploy_id FROM health_checks WHERE id > ? ORDER BY id LIMIT ?",
    args: [cursor, limit],
  });
  if (page.rows.length === 0) return { queued: 0, caughtUp: true };
  const lastCheckByDeploy = new Map<number, number>();
  for (const r of page.rows) lastCheckByDeploy.set(Number(r.deploy_id), Number(r.id));
  const ids = [...lastCheckByDeploy.keys()];
  const deploysNow = rowsOf<DeployFields>(
    await db.clients.deploys.execute({
      sql: `SELECT ${DEPLOY_FIELDS} FROM deploys d JOIN environments e ON e.id = d.env_id
            WHERE d.id IN (SELECT value FROM json_each(?1)) AND d.project_id IN (SELECT value FROM json_each(?2))`,
      args: [JSON.stringify(ids), JSON.stringify(projects)],
    }),
  );
  const seen = await healthSeen(db, ids);
  const stmts: InStatement[] = [];
  const nowS = Math.floor(Date.now() / 1000);
  for (const d of deploysNow) {
    const id = Number(d.deployId);
    const before = seen.get(id) ?? "pending";
    if (d.healthStatus === before || (d.healthStatus !== "passing" && d.healthStatus !== "failing")) continue;
    stmts.push(...healthEventStatements(d, d.status, before, lastCheckByDeploy.get(id)!, nowS));
  }
  stmts.push(cursorUpsert("health_checks", Number(page.rows.at(-1)!.id)));
  await db.clients.hooks.batch(stmts, "write");
  return { queued: (stmts.length - 1) / 2, caughtUp: page.rows.length < limit };
}

/**
 * Copies everything pending: transitions first, health changes only once transitions are caught up (a verdict
 * that preceded a rollback out of live is queued just before that rollback by feedTransitions).
 */
export async function feedOutbox(db: Database, opts: { maxPages?: number } = {}): Promise<boolean> {
  const maxPages = opts.maxPages ?? 10;
  for (let i = 0; i < maxPages; i++) {
    if ((await feedTransitions(db)).caughtUp) {
      for (let j = 0; j < maxPages; j++) if ((await feedHealth(db)).caughtUp) return true;
      return false;
    }
  }
  return false;
}

/** Forgets delivered events older than `olderThan` (unix seconds) that every subscription of the project has passed. */
export async function pruneOutbox(db: Database, olderThan: number): Promise<number> {
  const r = await db.clients.hooks.execute({
    sql: `DELETE FROM hook_outbox WHERE created_at < ?1
          AND id <= coalesce((SELECT min(cursor) FROM hook_subscriptions s WHERE s.project_id = hook_outbox.project_id), id)`,
    args: [olderThan],
  });
  return r.rowsAffected;
}
