// Mark a deploy bad (or good again) after the fact: the history and the outbound event go to hooks.db first,
// then the deploys row takes the current mark (used by metrics and the default rollback target). A crash in
// between leaves an unapplied history row, which the next mark or the server start applies.
import { CuittyError, type HookEvent } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type DeployFields, eventDeploy, feedOutbox } from "./hookOutbox.js";
import { deployViewById, rowsOf } from "./sqlViews.js";
import { actorNames } from "./actorNames.js";
import type { DeployView } from "./views.js";

export interface DeployMarkView {
  id: number;
  deployId: number;
  action: "bad" | "good";
  reason: string | null;
  actor: string;
  /** The actor as people read it: the key's label, or what was recorded. */
  actorName: string;
  at: number;
}

// Marks of one process run one at a time, so the history order and the deploys row always agree.
let queue: Promise<unknown> = Promise.resolve();
function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

async function applyMark(
  db: Database,
  mark: { id: number; deployId: number; action: string; reason: string | null; actor: string; at: number },
  now: number,
) {
  await db.clients.deploys.execute(
    mark.action === "bad"
      ? {
          sql: `UPDATE deploys SET marked_bad_at = coalesce(marked_bad_at, ?2), marked_bad_reason = ?3, marked_bad_by = ?4,
                  updated_at = ?5 WHERE id = ?1`,
          args: [mark.deployId, mark.at, mark.reason, mark.actor, now],
        }
      : {
          sql: `UPDATE deploys SET marked_bad_at = NULL, marked_bad_reason = NULL, marked_bad_by = NULL, updated_at = ?2 WHERE id = ?1`,
          args: [mark.deployId, now],
        },
  );
  await db.clients.hooks.execute({ sql: "UPDATE deploy_marks SET applied_at = ? WHERE id = ?", args: [now, mark.id] });
}

/** Applies marks recorded but not yet on their deploys row (after a crash), oldest first. */
export async function reconcileDeployMarks(db: Database, now: number): Promise<number> {
  return serialized(() => reconcile(db, now));
}

async function reconcile(db: Database, now: number): Promise<number> {
  const pending = rowsOf<{ id: number; deployId: number; action: string; reason: string | null; actor: string; at: number }>(
    await db.clients.hooks.execute(
      `SELECT id, deploy_id AS "deployId", action, reason, actor, at FROM deploy_marks WHERE applied_at IS NULL ORDER BY id`,
    ),
  );
  for (const m of pending) await applyMark(db, m, now);
  return pending.length;
}

export function markDeploy(
  db: Database,
  projectId: string,
  input: { id: number; action: "bad" | "good"; reason?: string; actor: string },
  now: number,
): Promise<{ deploy: DeployView; changed: boolean }> {
  return serialized(async () => {
    await reconcile(db, now);
    const fields = rowsOf<DeployFields>(
      await db.clients.deploys.execute({
        sql: `SELECT d.id AS "deployId", d.external_key AS "externalKey", d.version, d.commit_sha AS "commitSha",
                d.branch, d.triggered_by AS "triggeredBy", d.build_logs_url AS "buildLogsUrl", d.provider,
                d.started_at AS "startedAt", d.live_at AS "liveAt", d.health_status AS "healthStatus",
                d.marked_bad_at AS "markedBadAt", d.marked_bad_reason AS "markedBadReason", d.status,
                e.name AS "environment", d.project_id AS "projectId"
              FROM deploys d JOIN environments e ON e.id = d.env_id WHERE d.id = ? AND d.project_id = ?`,
        args: [input.id, projectId],
      }),
    )[0] as (DeployFields & { markedBadReason: string | null }) | undefined;
    if (!fields) throw new CuittyError("NOT_FOUND", `deploy #${input.id} does not exist in this project`);
    const isBad = fields.markedBadAt !== null;
    const bad = input.action === "bad";
    const reason = input.reason ?? null;
    if ((!bad && !isBad) || (bad && isBad && fields.markedBadReason === reason)) {
      return { deploy: await deployViewById(db.clients.deploys, input.id), changed: false };
    }
    // Transitions accepted before the mark are queued before it, so receivers see them in that order.
    await feedOutbox(db);
    const event: HookEvent = {
      id: "", // set from the mark's id below
      type: bad ? "deploy.marked_bad" : "deploy.marked_good",
      projectId,
      environment: fields.environment,
      occurredAt: now,
      deploy: { ...eventDeploy(fields, fields.status), markedBad: bad },
      mark: { bad, reason, by: input.actor },
    };
    const [inserted] = await db.clients.hooks.batch(
      [
        {
          sql: `INSERT INTO deploy_marks (project_id, deploy_id, action, reason, actor, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
          args: [projectId, input.id, input.action, reason, input.actor, now],
        },
        {
          sql: `INSERT INTO hook_outbox (project_id, source, type, environment, deploy_id, occurred_at, payload)
                SELECT ?1, 'mark:' || last_insert_rowid(), ?2, ?3, ?4, ?5, json_set(?6, '$.id', 'cuitty:mark:' || last_insert_rowid())
                WHERE EXISTS (SELECT 1 FROM hook_subscriptions WHERE project_id = ?1)`,
          args: [projectId, event.type, event.environment, input.id, now, JSON.stringify(event)],
        },
      ],
      "write",
    );
    const markId = Number(inserted!.rows[0]!.id);
    await applyMark(db, { id: markId, deployId: input.id, action: input.action, reason, actor: input.actor, at: now }, now);
    return { deploy: await deployViewById(db.clients.deploys, input.id), changed: true };
  });
}

/** Every mark of a deploy, newest first. */
export async function listDeployMarks(db: Database, projectId: string, deployId: number): Promise<DeployMarkView[]> {
  const result = await db.clients.hooks.execute({
    sql: `SELECT id, deploy_id AS "deployId", action, reason, actor, at FROM deploy_marks
          WHERE deploy_id = ? AND project_id = ? ORDER BY id DESC`,
    args: [deployId, projectId],
  });
  const marks = rowsOf<Omit<DeployMarkView, "actorName">>(result);
  const nameOf = await actorNames(
    db,
    projectId,
    marks.map((m) => m.actor),
  );
  return marks.map((m) => ({
    ...m,
    id: Number(m.id),
    deployId: Number(m.deployId),
    at: Number(m.at),
    actorName: nameOf(m.actor) ?? m.actor,
  }));
}
