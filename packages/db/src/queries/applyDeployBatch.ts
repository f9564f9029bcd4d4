// A batch of deploy events (deploys.emitBatch) applied with its state read once and its writes made in a few
// statements, instead of a read, a read-back and four writes per event.
//
// The batch's deploys, environments and already-seen event ids are read in three statements; the events are then
// decided in order against that state in memory, exactly as applyDeployEventIn decides them one by one (same checks,
// same errors, same answers), and the state is updated as each event's writes would update it. The writes are kept
// until the batch ends (or until a go-live must start a health series, which reads the rows) and then made as
// multi-row INSERTs of the new deploys (with the ids AUTOINCREMENT would give them) and of the event rows, one UPDATE
// per deploy that existed before, one statement for the commits' first go-lives, and one UPDATE per environment whose
// current deploy moved (the last go-live that would have won). All of it runs in the batch's transaction, so it is
// kept or dropped as a unit and answered after its COMMIT, as before. Rollbacks (status rolled_back) read the
// environment's history, so a batch with one goes the general way, event by event (applyDeployEvent.ts).
import { CuittyError, type DeployEvent, type DeployStatus, decideTransition } from "@cuitty/core";
import { recordFirstLiveManyIn } from "./commitFirstLive.js";
import { type KnownDeploy, type Row, loadBatchState } from "./batchState.js";
import { healthSeriesStart } from "./healthSeries.js";
import { DEPLOY_COLUMN_OF, DEPLOY_VIEW_KEYS, type SqlExecutor, rowsOf } from "./sqlViews.js";
import { insertRows } from "./multiRowInsert.js";
import { transitionFields } from "./transitionFields.js";
import type { DeployView } from "./views.js";

export interface AppliedEvent {
  deploy: DeployView;
  changed: boolean;
  duplicate: boolean;
  from: DeployStatus | null;
}

/** Whether applyEventsBatchIn takes the batch; otherwise its events go one by one. */
export function batchable(events: DeployEvent[]): boolean {
  return events.every((e) => e.status !== "rolled_back");
}

const VIEW_KEYS = DEPLOY_VIEW_KEYS.map(([key]) => key);

/** Columns whose schema default is not NULL: written even when NULL. health_status is left out at its default. */
const NOT_NULL_DEFAULT = new Set(["status", "startedAt", "provider", "healthStatus", "updatedAt"]);
/**
 * The columns a new deploy's INSERT names: those not at their default (most of a row is NULL, and each bound
 * value costs), so rows are inserted in groups of the same columns.
 */
function insertedKeys(row: Row): string[] {
  return VIEW_KEYS.filter((k) => (k === "healthStatus" ? row[k] !== "unknown" : row[k] !== null || NOT_NULL_DEFAULT.has(k)));
}
const EVENT_COLUMNS = [
  "project_id",
  "deploy_id",
  "event_id",
  "from_status",
  "to_status",
  "occurred_at",
  "received_at",
  "reason",
  "rollback_target_id",
  "actor",
];

/** The id AUTOINCREMENT gives the next deploy, less one: the largest id the table ever had. */
const LAST_DEPLOY_ID = `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'deploys'), 0),
  coalesce((SELECT max(id) FROM deploys), 0)) AS lastId`;

/**
 * Applies the events in order inside an open transaction (each with its own receipt time `now`), each answered as applyDeployEventIn would answer it (a
 * refused event's CuittyError in its place). Throws (and the caller's transaction drops every write) on anything else.
 */
export async function applyEventsBatchIn(
  tx: SqlExecutor,
  projectId: string,
  items: readonly { event: DeployEvent; now: number }[],
): Promise<(AppliedEvent | CuittyError)[]> {
  const { environments, seen, byId, byKey } = await loadBatchState(
    tx,
    projectId,
    items.map((i) => i.event),
  );
  let lastId: number | undefined;

  const inserts: KnownDeploy[] = [];
  const updates = new Set<KnownDeploy>();
  const eventRows: unknown[][] = [];
  const commits: { deployId: number; json: string }[] = [];
  const wentLive: number[] = [];

  async function flush(): Promise<void> {
    if (inserts.length > 0) {
      // Each row keeps the id it was given, so the order of the groups changes nothing.
      const groups = new Map<string, { keys: string[]; rows: KnownDeploy[] }>();
      for (const d of inserts) {
        const keys = insertedKeys(d.row);
        const shape = `${keys.join()}${d.hasCommits ? "+commits" : ""}`;
        const group = groups.get(shape);
        if (group) group.rows.push(d);
        else groups.set(shape, { keys, rows: [d] });
      }
      for (const { keys, rows } of groups.values()) {
        const listed = rows[0]!.hasCommits;
        const columns = ["project_id", "env_id", ...keys.map((k) => DEPLOY_COLUMN_OF.get(k)!), ...(listed ? ["commits_listed"] : [])];
        await insertRows(tx, "deploys", columns, rows.length, (i, args, at) => {
          const d = rows[i]!;
          args[at] = projectId;
          args[at + 1] = d.envId;
          for (let k = 0; k < keys.length; k++) args[at + 2 + k] = d.row[keys[k]!];
          if (listed) args[at + 2 + keys.length] = 1;
        });
      }
    }
    for (const d of updates) {
      const keys = [...d.changed];
      const set = keys.map((k) => `${DEPLOY_COLUMN_OF.get(k)} = ?`);
      // Lead time counts a deploy that listed no commits by its head commit (dora.ts), as writeTransition marks it.
      if (d.listedNow) set.push("commits_listed = 1");
      await tx.execute({ sql: `UPDATE deploys SET ${set.join(", ")} WHERE id = ?`, args: [...keys.map((k) => d.row[k]), d.row.id] });
      d.changed.clear();
      d.listedNow = false;
    }
    for (const d of inserts) d.inserted = false;
    inserts.length = 0;
    updates.clear();
    for (const c of commits) {
      // The statement applyDeployEvent.ts uses for one event's commits.
      await tx.execute({
        sql: `INSERT INTO deploy_commits (project_id, deploy_id, sha, committed_at)
            SELECT ?1, ?2, lower(json_extract(c.value, '$.sha')), json_extract(c.value, '$.committedAt') FROM json_each(?3) c
            WHERE true ON CONFLICT (deploy_id, sha) DO NOTHING`,
        args: [projectId, c.deployId, c.json],
      });
    }
    commits.length = 0;
    await recordFirstLiveManyIn(tx, wentLive);
    wentLive.length = 0;
    await insertRows(tx, "deploy_events", EVENT_COLUMNS, eventRows.length, (i, args, at) => {
      const row = eventRows[i]!;
      for (let k = 0; k < row.length; k++) args[at + k] = row[k];
    });
    eventRows.length = 0;
    for (const env of environments.values()) {
      if (!env.moved) continue;
      await tx.execute({ sql: "UPDATE environments SET current_deploy_id = ? WHERE id = ?", args: [env.currentId, env.id] });
      env.moved = false;
    }
  }

  const view = (d: KnownDeploy): DeployView => {
    d.shared = true;
    return d.row as unknown as DeployView;
  };
  const writable = (d: KnownDeploy): void => {
    if (!d.shared) return;
    d.row = { ...d.row };
    d.shared = false;
  };

  async function apply(event: DeployEvent, now: number): Promise<AppliedEvent> {
    const seenDeployId = event.id !== undefined ? seen.get(event.id) : undefined;
    if (seenDeployId !== undefined) {
      const d = byId.get(seenDeployId)!;
      return { deploy: view(d), changed: false, duplicate: true, from: d.row.status as DeployStatus };
    }
    const existing = byKey.get(event.deploy);
    const from = existing ? (existing.row.status as DeployStatus) : null;
    let env = environments.get(event.environment);
    const decision = decideTransition(from, event.status);
    if (decision.kind === "refuse") {
      throw new CuittyError(
        "INVALID_TRANSITION",
        existing
          ? `deploy "${event.deploy}" cannot go from ${from} to ${event.status}`
          : `deploy "${event.deploy}" does not exist yet and cannot start as ${event.status}`,
        { from, to: event.status },
      );
    }
    if (existing && existing.envId !== env?.id) {
      throw new CuittyError("VALIDATION_FAILED", `deploy "${event.deploy}" belongs to another environment`, { fields: ["environment"] });
    }
    if (decision.kind === "same") return { deploy: view(existing!), changed: false, duplicate: false, from };
    const occurredAt = event.occurredAt ?? now;
    if (!env) {
      const result = await tx.execute({
        sql: "INSERT INTO environments (project_id, name) VALUES (?, ?)",
        args: [projectId, event.environment],
      });
      if (result.lastInsertRowid === undefined) throw new Error("the INSERT reported no rowid");
      env = { id: Number(result.lastInsertRowid), healthChecked: false, currentId: null, currentLiveAt: null, moved: false };
      environments.set(event.environment, env);
    }
    let d = existing;
    if (!d) {
      lastId ??= rowsOf<{ lastId: number }>(await tx.execute(LAST_DEPLOY_ID))[0]!.lastId;
      const row: Row = {};
      for (const key of VIEW_KEYS) row[key] = null;
      Object.assign(row, {
        id: ++lastId,
        startedAt: occurredAt,
        externalKey: event.deploy,
        provider: event.provider ?? "manual",
        healthStatus: "unknown",
        environment: event.environment,
      });
      d = {
        envId: env.id,
        environment: event.environment,
        row,
        shared: false,
        inserted: true,
        changed: new Set(),
        hasCommits: false,
        listedNow: false,
      };
      byId.set(lastId, d);
      byKey.set(event.deploy, d);
      inserts.push(d);
    } else if (!d.inserted) {
      updates.add(d);
    }
    writable(d);
    const set = (key: string, value: string | number) => {
      d.row[key] = value;
      if (!d.inserted) d.changed.add(key);
    };
    // The fields writeTransition writes, in its order.
    const startedAt = (d.row.startedAt as number | null) ?? occurredAt;
    const fields = transitionFields({ to: event.status, occurredAt, now, startedAt, reason: event.reason, details: event });
    for (const [key, value] of fields) set(key, value);
    const id = d.row.id as number;
    if (event.status === "live") {
      // Becomes current unless a later go-live is already current (the UPDATE of applyDeployEvent.ts, decided here).
      if (env.currentId === null || (env.currentLiveAt ?? 0) <= occurredAt) {
        env.currentId = id;
        env.currentLiveAt = occurredAt;
        env.moved = true;
      }
    }
    if (event.commits?.length) {
      commits.push({ deployId: id, json: JSON.stringify(event.commits) });
      if (!d.hasCommits && !d.inserted) d.listedNow = true;
      d.hasCommits = true;
    }
    // Its commits' first go-lives (recordFirstLiveIn's rule, for every deploy of the flush at once).
    if (event.status === "live" && d.hasCommits) wentLive.push(id);
    eventRows.push([
      projectId,
      id,
      event.id ?? null,
      from,
      event.status,
      occurredAt,
      now,
      event.reason ?? null,
      null,
      event.triggeredBy ?? null,
    ]);
    if (event.id !== undefined) seen.set(event.id, id);
    const answer = { deploy: view(d), changed: true, duplicate: false, from };
    if (event.status === "live" && env.healthChecked) {
      // The series start reads the rows as written: write what is pending first, and read back what it changed.
      await flush();
      for (const stmt of healthSeriesStart(projectId, id, now * 1000)) await tx.execute(stmt);
      const [h] = rowsOf<{ healthStatus: string }>(
        await tx.execute({ sql: "SELECT health_status AS healthStatus FROM deploys WHERE id = ?", args: [id] }),
      );
      writable(d);
      d.row.healthStatus = h!.healthStatus;
    }
    return answer;
  }

  const results: (AppliedEvent | CuittyError)[] = [];
  for (const { event, now } of items) {
    try {
      results.push(await apply(event, now));
    } catch (error) {
      if (!(error instanceof CuittyError)) throw error;
      results.push(error);
    }
  }
  await flush();
  return results;
}
