// What an in-memory batch (applyDeployBatch.ts) starts from: the environments, already-seen event ids and deploys
// its events name, read in three statements, and the shapes it keeps them in while it decides the events.
import type { DeployEvent } from "@cuitty/core";
import { HEALTH_CHECKED } from "./healthSeries.js";
import { DEPLOY_VIEW_KEYS, type SqlExecutor, deployViewColumnList, rowsOf } from "./sqlViews.js";

/** A deploy as its answers show it: its public columns by view key (camelCase) in the view's order, then its environment. */
export type Row = Record<string, string | number | null>;

export interface KnownDeploy {
  envId: number;
  environment: string;
  row: Row;
  /** `row` was handed out in an answer: copied before it changes (most deploys change once per batch). */
  shared: boolean;
  /** Made by this batch: written by the INSERT at the next flush. */
  inserted: boolean;
  /** View keys changed since the last flush (deploys that existed before). */
  changed: Set<string>;
  /** Whether it lists commits (`commits_listed`): only then does its go-live owe commit_first_live rows. */
  hasCommits: boolean;
  /** A deploy that existed before listed its first commits since the last flush: its UPDATE sets commits_listed. */
  listedNow: boolean;
}

interface KnownEnvironment {
  id: number;
  healthChecked: boolean;
  currentId: number | null;
  /** The current deploy's live_at (a go-live is entered once, so it does not change while it is current). */
  currentLiveAt: number | null;
  moved: boolean;
}

const SELECT_ENVIRONMENTS = `SELECT e.id, e.name, ${HEALTH_CHECKED("e")} AS healthChecked, e.current_deploy_id AS currentId,
    (SELECT live_at FROM deploys WHERE id = e.current_deploy_id) AS currentLiveAt
  FROM environments e WHERE e.project_id = ?1 AND e.name IN (SELECT value FROM json_each(?2))`;
const SELECT_SEEN = `SELECT event_id AS eventId, deploy_id AS deployId FROM deploy_events
  WHERE project_id = ?1 AND event_id IN (SELECT value FROM json_each(?2))`;
/** The deploys the batch names, and those its already-seen event ids made (?3, their ids: their answers show them). */
const SELECT_DEPLOYS = `SELECT d.env_id AS envId, e.name AS environment,
    d.commits_listed AS hasCommits, ${deployViewColumnList("d.")}
  FROM deploys d JOIN environments e ON e.id = d.env_id
  WHERE d.id IN (SELECT id FROM deploys WHERE project_id = ?1 AND external_key IN (SELECT value FROM json_each(?2))
                 UNION SELECT value FROM json_each(?3))`;
const VIEW_KEYS = DEPLOY_VIEW_KEYS.map(([key]) => key);
const unique = <T>(xs: (T | undefined)[]) => [...new Set(xs.filter((x): x is T => x !== undefined))];

export interface BatchState {
  environments: Map<string, KnownEnvironment>;
  /** Event ids already recorded, and the deploy each made. */
  seen: Map<string, number>;
  byId: Map<number, KnownDeploy>;
  byKey: Map<string, KnownDeploy>;
}

/** Reads the state the events of a batch name (three statements, inside the batch's transaction). */
export async function loadBatchState(tx: SqlExecutor, projectId: string, events: DeployEvent[]): Promise<BatchState> {
  const eventIds = JSON.stringify(unique(events.map((e) => e.id)));
  const environments = new Map<string, KnownEnvironment>();
  for (const e of rowsOf<{ id: number; name: string; healthChecked: number; currentId: number | null; currentLiveAt: number | null }>(
    await tx.execute({ sql: SELECT_ENVIRONMENTS, args: [projectId, JSON.stringify(unique(events.map((e) => e.environment)))] }),
  )) {
    environments.set(e.name, {
      id: e.id,
      healthChecked: e.healthChecked === 1,
      currentId: e.currentId,
      currentLiveAt: e.currentLiveAt,
      moved: false,
    });
  }
  const seen = new Map<string, number>();
  for (const s of rowsOf<{ eventId: string; deployId: number }>(await tx.execute({ sql: SELECT_SEEN, args: [projectId, eventIds] }))) {
    seen.set(s.eventId, s.deployId);
  }
  const byId = new Map<number, KnownDeploy>();
  const byKey = new Map<string, KnownDeploy>();
  for (const r of rowsOf<Row & { envId: number; environment: string; hasCommits: number }>(
    await tx.execute({
      sql: SELECT_DEPLOYS,
      args: [projectId, JSON.stringify(unique(events.map((e) => e.deploy))), JSON.stringify([...new Set(seen.values())])],
    }),
  )) {
    const row: Row = {};
    for (const key of VIEW_KEYS) row[key] = r[key]!;
    row.environment = r.environment;
    const d: KnownDeploy = {
      envId: r.envId,
      environment: r.environment,
      row,
      shared: false,
      inserted: false,
      changed: new Set(),
      hasCommits: r.hasCommits === 1,
      listedNow: false,
    };
    byId.set(row.id as number, d);
    byKey.set(row.externalKey as string, d);
  }
  return { environments, seen, byId, byKey };
}
