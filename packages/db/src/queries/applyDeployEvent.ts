// Writes of the lifecycle: an event or a rollback changes a deploy, records its event row and moves
// the environment's current deploy, all in one write transaction (BEGIN IMMEDIATE: writers are
// serialized, so two events can never both pass from the same state). Raw SQL: this is the hot path.
import { type CuittyCode, CuittyError, type DeployEvent, type DeployStatus, type ShippedCommit, decideTransition } from "@cuitty/core";
import type { Database } from "../connection.js";
import { DEPLOY_COLUMN_OF, type SqlExecutor, type SqlResult, deployViewById, deployViewColumnList, firstRow } from "./sqlViews.js";
import { type TransitionDetails, transitionFields } from "./transitionFields.js";
import type { DeployView } from "./views.js";
import { type OwedAuditEntry, queueAuditEntryIn } from "./auditOutbox.js";
import { HEALTH_CHECKED, healthSeriesStart } from "./healthSeries.js";
import { checkTargetPredates, rollbackRefusal, rollbackStanding } from "./rollbackRule.js";
import { queueRollbackHooksIn } from "./healthHooks.js";
import { recordFirstLiveIn } from "./commitFirstLive.js";
import { applyEventsBatchIn, batchable } from "./applyDeployBatch.js";

export interface EmitResult {
  deploy: DeployView;
  /** False when the event repeated a known event id or the deploy already had that status. */
  changed: boolean;
  duplicate: boolean;
  /** The status before this event (null: the deploy was created by it). */
  from: DeployStatus | null;
}

interface DeployState {
  id: number;
  envId: number;
  status: DeployStatus;
  startedAt: number | null;
}

/**
 * The target a rollback goes to: the given one after checks, or the default of docs/design.md §2. Refuses a deploy a
 * later one superseded and a target that went live after it (rollbackRule.ts).
 */
async function rollbackTarget(tx: SqlExecutor, projectId: string, deploy: DeployState, targetId?: number): Promise<number> {
  const standing = await rollbackStanding(tx, projectId, deploy.id);
  if (!standing) throw new CuittyError("NOT_FOUND", `deploy #${deploy.id} does not exist in this project`);
  const refusal = rollbackRefusal(standing);
  if (refusal) throw refusal;
  if (targetId !== undefined) {
    const t = await firstRow<{ id: number; envId: number; liveAt: number | null }>(tx, {
      sql: "SELECT id, env_id AS envId, live_at AS liveAt FROM deploys WHERE id = ? AND project_id = ?",
      args: [targetId, projectId],
    });
    if (!t) throw new CuittyError("NOT_FOUND", `rollback target #${targetId} does not exist in this project`);
    if (t.id === deploy.id) throw new CuittyError("INVALID_ROLLBACK_TARGET", `deploy #${deploy.id} cannot roll back to itself`);
    if (t.envId !== deploy.envId) {
      throw new CuittyError("INVALID_ROLLBACK_TARGET", `rollback target #${targetId} belongs to another environment`);
    }
    if (t.liveAt === null) throw new CuittyError("INVALID_ROLLBACK_TARGET", `rollback target #${targetId} never reached live`);
    checkTargetPredates(standing, { id: t.id, liveAt: t.liveAt });
    return t.id;
  }
  if (standing.defaultTargetId === null) {
    throw new CuittyError("INVALID_ROLLBACK_TARGET", "no earlier live deploy in this environment to roll back to");
  }
  return standing.defaultTargetId;
}

/** The id of the row an INSERT made, from the result (the hot path's and @libsql/client's both carry it). */
function insertedId(result: SqlResult): number {
  if (result.lastInsertRowid === undefined) throw new Error("the INSERT reported no rowid");
  return Number(result.lastInsertRowid);
}

interface Transition {
  to: DeployStatus;
  occurredAt: number;
  now: number;
  eventId?: string;
  reason?: string;
  actor?: string;
  rollbackTargetId?: number;
  /** Details the event brings (commit, branch, …); only those given overwrite. */
  details?: TransitionDetails;
  /** A rollback the health checks made (said so in its hooks). */
  automatic?: boolean;
  /** The audit entry this transition owes (copied into audit.db after the commit, see auditOutbox). */
  audit?: (rolledBack: DeployView) => OwedAuditEntry;
  /** The commits the deploy ships; added to those already known (one row per deploy and SHA). */
  commits?: ShippedCommit[];
  /** False when the environment has no health check set (nothing to start on go-live); unknown: look. */
  healthChecked?: boolean;
}

/**
 * Writes an allowed transition: creates the deploy (`deploy.id` 0) or moves it, moves the current
 * deploy, records the event. Every check that can refuse runs before the first write, so a refused
 * event never leaves a partial write, even inside a batch's shared transaction.
 */
async function writeTransition(
  tx: SqlExecutor,
  projectId: string,
  deploy: DeployState & { externalKey?: string; provider?: string },
  from: DeployStatus | null,
  environment: string,
  t: Transition,
): Promise<DeployView> {
  const target = t.to === "rolled_back" ? await rollbackTarget(tx, projectId, deploy, t.rollbackTargetId) : undefined;
  let envId = deploy.envId;
  if (envId === 0) {
    envId = insertedId(
      await tx.execute({ sql: "INSERT INTO environments (project_id, name) VALUES (?, ?)", args: [projectId, environment] }),
    );
  }
  const startedAt = deploy.startedAt ?? t.occurredAt;
  const cols: Record<string, string | number | null> = {};
  for (const [key, value] of transitionFields({ ...t, startedAt })) cols[DEPLOY_COLUMN_OF.get(key)!] = value;
  if (target !== undefined) cols.rollback_target_id = target;
  // Lead time counts a deploy that listed no commits by its head commit (dora.ts); set in the same write.
  if (t.commits?.length) cols.commits_listed = 1;
  // No RETURNING: SQLite buffers a RETURNING row through a temporary table, which cost more than the write
  // itself (56 of ~94 µs per batched event). The row is read back by its rowid instead, once, for the answer.
  let id = deploy.id;
  if (deploy.id === 0) {
    Object.assign(cols, {
      project_id: projectId,
      env_id: envId,
      external_key: deploy.externalKey!,
      provider: deploy.provider ?? "manual",
      started_at: startedAt,
    });
    const names = Object.keys(cols);
    id = insertedId(
      await tx.execute({
        sql: `INSERT INTO deploys (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
        args: Object.values(cols),
      }),
    );
  } else {
    await tx.execute({
      sql: `UPDATE deploys SET ${Object.keys(cols)
        .map((c) => `${c} = ?`)
        .join(", ")} WHERE id = ?`,
      args: [...Object.values(cols), deploy.id],
    });
  }
  if (target !== undefined) {
    await tx.execute({ sql: "UPDATE environments SET current_deploy_id = ? WHERE id = ?", args: [target, envId] });
  } else if (t.to === "live") {
    // Becomes current unless a later go-live is already current (events may arrive out of order).
    await tx.execute({
      sql: `UPDATE environments SET current_deploy_id = ?1 WHERE id = ?2 AND (current_deploy_id IS NULL
            OR coalesce((SELECT live_at FROM deploys WHERE id = environments.current_deploy_id), 0) <= ?3)`,
      args: [id, envId, t.occurredAt],
    });
  }
  if (t.commits?.length) {
    // One statement for the whole list, so the hot path prepares it once.
    await tx.execute({
      sql: `INSERT INTO deploy_commits (project_id, deploy_id, sha, committed_at)
            SELECT ?1, ?2, lower(json_extract(c.value, '$.sha')), json_extract(c.value, '$.committedAt') FROM json_each(?3) c
            WHERE true ON CONFLICT (deploy_id, sha) DO NOTHING`,
      args: [projectId, id, JSON.stringify(t.commits)],
    });
  }
  // Lead time's first go-live per commit: on go-live, and when commits are added to a deploy already live.
  if (t.to === "live" || (t.commits?.length && from === "live")) await recordFirstLiveIn(tx, id);
  await tx.execute({
    sql: `INSERT INTO deploy_events (project_id, deploy_id, event_id, from_status, to_status, occurred_at,
          received_at, reason, rollback_target_id, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [projectId, id, t.eventId ?? null, from, t.to, t.occurredAt, t.now, t.reason ?? null, target ?? null, t.actor ?? null],
  });
  const row = await firstRow<Omit<DeployView, "environment">>(tx, {
    sql: `SELECT ${deployViewColumnList()} FROM deploys WHERE id = ?`,
    args: [id],
  });
  const view = { ...row!, environment };
  await writeEffects(tx, projectId, view, t);
  return view;
}

/**
 * The effects a transition causes, written in its own transaction so that a crash keeps both or neither: a
 * go-live starts its health series; a rollback made here (no client event id: CI reporting a rollback it made
 * itself must not be asked to roll back again) queues the environment's rollback hooks; an auto-rollback owes
 * its audit entry. Outbound events need nothing here: they are derived from deploy_events (hookOutbox.ts).
 */
async function writeEffects(tx: SqlExecutor, projectId: string, view: DeployView, t: Transition): Promise<void> {
  if (t.to === "live" && t.healthChecked !== false) {
    for (const stmt of healthSeriesStart(projectId, view.id, t.now * 1000)) await tx.execute(stmt);
  }
  if (t.to === "rolled_back" && !t.eventId) {
    await queueRollbackHooksIn(tx, projectId, view, {
      automatic: t.automatic ?? false,
      occurredAt: t.occurredAt,
      reason: t.reason ?? null,
    });
  }
  if (t.audit) await queueAuditEntryIn(tx, projectId, t.audit(view));
}

/** Applies one event inside an open transaction: one read, then only writes that cannot be refused. */
async function applyDeployEventIn(tx: SqlExecutor, projectId: string, event: DeployEvent, now: number): Promise<EmitResult> {
  const state = await firstRow<{
    seenDeployId: number | null;
    envId: number | null;
    id: number | null;
    deployEnvId: number | null;
    status: DeployStatus | null;
    startedAt: number | null;
    healthChecked: number | null;
  }>(tx, {
    sql: `SELECT (SELECT deploy_id FROM deploy_events WHERE project_id = ?1 AND event_id = ?2) AS seenDeployId,
                 (SELECT id FROM environments WHERE project_id = ?1 AND name = ?3) AS envId,
                 (SELECT ${HEALTH_CHECKED("e")} FROM environments e WHERE e.project_id = ?1 AND e.name = ?3) AS healthChecked,
                 d.id AS id, d.env_id AS deployEnvId, d.status AS status, d.started_at AS startedAt
          FROM (SELECT 1) LEFT JOIN deploys d ON d.project_id = ?1 AND d.external_key = ?4`,
    args: [projectId, event.id ?? null, event.environment, event.deploy],
  });
  const { seenDeployId, envId, id, deployEnvId, status, startedAt, healthChecked } = state!;
  const existing: DeployState | undefined = id != null ? { id, envId: deployEnvId!, status: status!, startedAt } : undefined;
  if (seenDeployId != null) {
    const deploy = await deployViewById(tx, seenDeployId);
    return { deploy, changed: false, duplicate: true, from: deploy.status };
  }
  const decision = decideTransition(existing?.status ?? null, event.status);
  if (decision.kind === "refuse") {
    throw new CuittyError(
      "INVALID_TRANSITION",
      existing
        ? `deploy "${event.deploy}" cannot go from ${existing.status} to ${event.status}`
        : `deploy "${event.deploy}" does not exist yet and cannot start as ${event.status}`,
      { from: existing?.status ?? null, to: event.status },
    );
  }
  if (existing && existing.envId !== envId) {
    throw new CuittyError("VALIDATION_FAILED", `deploy "${event.deploy}" belongs to another environment`, { fields: ["environment"] });
  }
  if (decision.kind === "same") {
    return { deploy: await deployViewById(tx, existing!.id), changed: false, duplicate: false, from: existing!.status };
  }
  const occurredAt = event.occurredAt ?? now;
  const deploy = existing ?? {
    id: 0,
    envId: envId ?? 0,
    status: "initiated" as const,
    startedAt: occurredAt,
    externalKey: event.deploy,
    provider: event.provider,
  };
  const view = await writeTransition(tx, projectId, deploy, existing?.status ?? null, event.environment, {
    to: event.status,
    occurredAt,
    now,
    eventId: event.id,
    reason: event.reason,
    actor: event.triggeredBy,
    rollbackTargetId: event.rollbackTargetId,
    details: event,
    commits: event.commits,
    // A new environment has no health check yet; the series start's own conditions decide otherwise.
    healthChecked: healthChecked === 1,
  });
  return { deploy: view, changed: true, duplicate: false, from: existing?.status ?? null };
}

/** Single events sent at the same time to one project are decided and written together, as a batch (applyDeployBatch.ts). */
const emitsTogether = (tx: SqlExecutor, items: unknown[]) => {
  const emits = items as { projectId: string; event: DeployEvent; now: number }[];
  return applyEventsBatchIn(tx, emits[0]!.projectId, emits);
};

export function applyDeployEvent(db: Database, projectId: string, event: DeployEvent, now: number): Promise<EmitResult> {
  const alone = (tx: SqlExecutor) => applyDeployEventIn(tx, projectId, event, now);
  if (!batchable([event])) return db.hot.grouped(alone);
  return db.hot.grouped(alone, { key: projectId, item: { projectId, event, now }, many: emitsTogether });
}

export type BatchItemResult =
  | ({ ok: true } & EmitResult)
  | { ok: false; error: { cuittyCode: CuittyCode; message: string; fields?: string[] } };

/**
 * Applies events in order in one transaction (shared with concurrent emits, see groupCommit.ts). Checks run
 * before writes (see writeTransition), so a refused event writes nothing and the others still apply; an
 * unexpected error rolls back them all, and only them.
 */
export function applyDeployEvents(db: Database, projectId: string, events: DeployEvent[], now: number): Promise<BatchItemResult[]> {
  return db.hot.grouped(async (tx) => {
    if (batchable(events)) {
      return (
        await applyEventsBatchIn(
          tx,
          projectId,
          events.map((event) => ({ event, now })),
        )
      ).map(itemResult);
    }
    const results: BatchItemResult[] = [];
    for (const event of events) {
      try {
        results.push(itemResult(await applyDeployEventIn(tx, projectId, event, now)));
      } catch (error) {
        if (!(error instanceof CuittyError)) throw error;
        results.push(itemResult(error));
      }
    }
    return results;
  });
}

function itemResult(r: EmitResult | CuittyError): BatchItemResult {
  if (!(r instanceof CuittyError)) return { ok: true, deploy: r.deploy, changed: r.changed, duplicate: r.duplicate, from: r.from };
  const { fields } = r.details;
  return { ok: false, error: { cuittyCode: r.code, message: r.message, ...(fields ? { fields } : {}) } };
}

export function rollbackDeploy(
  db: Database,
  projectId: string,
  input: {
    deployId: number;
    targetId?: number;
    reason?: string;
    actor?: string;
    automatic?: boolean;
    audit?: Transition["audit"];
  },
  now: number,
): Promise<EmitResult> {
  return db.hot.transaction(async (tx) => {
    const deploy = await firstRow<DeployState & { environment: string }>(tx, {
      sql: `SELECT d.id, d.env_id AS envId, d.status, d.started_at AS startedAt, e.name AS environment
            FROM deploys d JOIN environments e ON e.id = d.env_id WHERE d.id = ? AND d.project_id = ?`,
      args: [input.deployId, projectId],
    });
    if (!deploy) throw new CuittyError("NOT_FOUND", `deploy #${input.deployId} does not exist in this project`);
    const view = await writeTransition(tx, projectId, deploy, deploy.status, deploy.environment, {
      to: "rolled_back",
      occurredAt: now,
      now,
      reason: input.reason,
      actor: input.actor,
      rollbackTargetId: input.targetId,
      automatic: input.automatic,
      audit: input.audit,
    });
    return { deploy: view, changed: true, duplicate: false, from: deploy.status };
  });
}
