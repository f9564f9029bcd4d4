// The organisation's overview: every service × environment with its current deploy, what is in flight and
// what went wrong in the last 24 h, in two set-based queries (never one per project), sorted trouble first.
import {
  ATTENTION_LEVELS,
  type Attention,
  type DeployStatus,
  type HealthStatus,
  NOT_A_CHANGE_REASONS,
  RECENT_TROUBLE_SECONDS,
  deployTitle,
} from "@cuitty/core";
import type { Database } from "../connection.js";
import { DEFAULT_ENVIRONMENT_ORDER } from "./environments.js";
import { rowsOf } from "./sqlViews.js";

export interface OrgFilter {
  environment?: string;
  search?: string;
}

/** The filters as SQL over `e` (environments) and `p` (projects), arguments ?1 (environment) and ?2 (search, lower case). */
export const ORG_FILTER_SQL = `(?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR instr(lower(p.name), ?2) > 0 OR instr(lower(p.id), ?2) > 0)`;
export const orgFilterArgs = (f: OrgFilter) => [f.environment ?? null, f.search ? f.search.toLowerCase() : null];

const EFFECTIVE_ORDER = `coalesce(e.sort_order, CASE e.name ${Object.entries(DEFAULT_ENVIRONMENT_ORDER)
  .map(([name, n]) => `WHEN '${name}' THEN ${n}`)
  .join(" ")} END)`;
const IN_FLIGHT = `('initiated', 'building', 'deploying')`;
const TITLE_COLUMNS = (d: string) =>
  `${d}.id AS id, ${d}.version AS version, ${d}.commit_sha AS commitSha, ${d}.external_key AS externalKey`;

interface CellRow {
  projectId: string;
  service: string;
  envId: number | null;
  environment: string | null;
  ord: number | null;
  id: number | null;
  version: string | null;
  commitSha: string | null;
  externalKey: string | null;
  status: DeployStatus | null;
  healthStatus: HealthStatus | null;
  markedBadAt: number | null;
  liveAt: number | null;
  rolledBackToAt: number | null;
  flightId: number | null;
  flightVersion: string | null;
  flightCommitSha: string | null;
  flightExternalKey: string | null;
  flightStatus: DeployStatus | null;
  flightStartedAt: number | null;
}
interface TroubleRow {
  envId: number;
  kind: "failed" | "rolled_back";
  at: number;
  reason: string | null;
  targetId: number | null;
  id: number;
  version: string | null;
  commitSha: string | null;
  externalKey: string | null;
}

const title = (d: { id: number; version: string | null; commitSha: string | null; externalKey: string | null }) => deployTitle(d);

function attentionOf(cell: {
  current: { healthStatus: HealthStatus; markedBad: boolean } | null;
  inFlight: unknown;
  lastFailure: unknown;
  lastRollback: unknown;
}): Attention {
  if (cell.current && (cell.current.healthStatus === "failing" || cell.current.markedBad)) return "broken";
  if (cell.lastFailure || cell.lastRollback) return "failed_recently";
  if (cell.inFlight) return "in_flight";
  return cell.current ? "steady" : "no_deploy";
}

const rank = (a: Attention) => ATTENTION_LEVELS.indexOf(a);

export async function orgOverview(db: Database, filter: OrgFilter & { limit: number }, now: number) {
  const client = db.clients.deploys;
  const args = orgFilterArgs(filter);
  const envJoin = filter.environment === undefined ? "LEFT JOIN" : "JOIN";
  const [cells, trouble] = await Promise.all([
    // Every environment of every matching service with its current deploy, when that deploy became current again
    // through a rollback (the rolled-back deploys of a project are few: index project_id, status), and its newest
    // deploy in flight (index project_id, status, started_at: only in-flight rows are read).
    client.execute({
      sql: `SELECT p.id AS projectId, p.name AS service, e.id AS envId, e.name AS environment, ${EFFECTIVE_ORDER} AS ord,
              ${TITLE_COLUMNS("d")}, d.status AS status, d.health_status AS healthStatus, d.marked_bad_at AS markedBadAt,
              d.live_at AS liveAt,
              (SELECT max(ev.occurred_at) FROM deploys r JOIN deploy_events ev ON ev.deploy_id = r.id AND ev.to_status = 'rolled_back'
                 WHERE r.project_id = p.id AND r.status = 'rolled_back' AND +r.env_id = e.id AND r.rollback_target_id = d.id) AS rolledBackToAt,
              f.id AS flightId, f.version AS flightVersion, f.commit_sha AS flightCommitSha, f.external_key AS flightExternalKey,
              f.status AS flightStatus, f.started_at AS flightStartedAt
            FROM projects p ${envJoin} environments e ON e.project_id = p.id AND (?1 IS NULL OR e.name = ?1)
            LEFT JOIN deploys d ON d.id = e.current_deploy_id
            LEFT JOIN deploys f ON f.id = (SELECT x.id FROM deploys x
              WHERE x.project_id = p.id AND x.status IN ${IN_FLIGHT} AND +x.env_id = e.id ORDER BY +x.started_at DESC, +x.id DESC LIMIT 1)
            WHERE (?2 IS NULL OR instr(lower(p.name), ?2) > 0 OR instr(lower(p.id), ?2) > 0)`,
      args,
    }),
    // Failures (not cancelled or skipped runs) and rollbacks of the last 24 h (index occurred_at), newest first.
    client.execute({
      sql: `SELECT d.env_id AS envId, ev.to_status AS kind, ev.occurred_at AS at, ev.reason AS reason,
              ev.rollback_target_id AS targetId, ${TITLE_COLUMNS("d")}
            FROM deploy_events ev JOIN deploys d ON d.id = ev.deploy_id
            JOIN environments e ON e.id = d.env_id JOIN projects p ON p.id = e.project_id
            WHERE ev.occurred_at >= ?3 AND ev.to_status IN ('failed', 'rolled_back')
              AND NOT (ev.to_status = 'failed' AND coalesce(ev.reason, '') IN (${NOT_A_CHANGE_REASONS.map((r) => `'${r}'`).join(", ")}))
              AND ${ORG_FILTER_SQL}
            ORDER BY ev.occurred_at DESC, ev.id DESC`,
      args: [...args, now - RECENT_TROUBLE_SECONDS],
    }),
  ]);

  const failureByEnv = new Map<number, TroubleRow>();
  const rollbackByEnv = new Map<number, TroubleRow>();
  for (const t of rowsOf<TroubleRow>(trouble)) {
    const byEnv = t.kind === "failed" ? failureByEnv : rollbackByEnv;
    if (!byEnv.has(Number(t.envId))) byEnv.set(Number(t.envId), t); // newest first: keep the first seen
  }

  type Cell = ReturnType<typeof toCell>;
  function toCell(r: CellRow & { envId: number; environment: string }) {
    const flight =
      r.flightId === null
        ? undefined
        : {
            id: r.flightId,
            version: r.flightVersion,
            commitSha: r.flightCommitSha,
            externalKey: r.flightExternalKey,
            status: r.flightStatus!,
            startedAt: r.flightStartedAt,
          };
    const failure = failureByEnv.get(r.envId);
    const rollback = rollbackByEnv.get(r.envId);
    const cell = {
      environment: r.environment,
      current:
        r.id === null
          ? null
          : {
              id: r.id,
              title: title({ ...r, id: r.id }),
              version: r.version,
              commitSha: r.commitSha,
              status: r.status!,
              healthStatus: r.healthStatus!,
              markedBad: r.markedBadAt !== null,
              /** When it became the environment's current deploy: its go-live, or a later rollback to it. */
              liveSince: Math.max(Number(r.liveAt ?? 0), Number(r.rolledBackToAt ?? 0)) || null,
            },
      inFlight: flight ? { id: flight.id, title: title(flight), status: flight.status, startedAt: flight.startedAt } : null,
      lastFailure: failure ? { deployId: failure.id, title: title(failure), at: failure.at, reason: failure.reason } : null,
      lastRollback: rollback
        ? { deployId: rollback.id, title: title(rollback), at: rollback.at, targetId: rollback.targetId, reason: rollback.reason }
        : null,
    };
    return { ...cell, attention: attentionOf(cell) };
  }

  const services = new Map<string, { projectId: string; service: string; cells: (Cell & { ord: number | null })[] }>();
  const columnOrder = new Map<string, number | null>();
  for (const r of rowsOf<CellRow>(cells)) {
    let s = services.get(r.projectId);
    if (!s) services.set(r.projectId, (s = { projectId: r.projectId, service: r.service, cells: [] }));
    if (r.envId === null || r.environment === null) continue;
    const ord = r.ord === null ? null : Number(r.ord);
    s.cells.push({ ...toCell({ ...r, envId: Number(r.envId), environment: r.environment }), ord });
    const seen = columnOrder.get(r.environment);
    if (!columnOrder.has(r.environment) || (ord !== null && (seen === null || seen === undefined || ord < seen))) {
      columnOrder.set(r.environment, ord);
    }
  }
  const byOrder = (a: { ord: number | null; name: string }, b: { ord: number | null; name: string }) =>
    (a.ord === null ? 1 : 0) - (b.ord === null ? 1 : 0) || (a.ord ?? 0) - (b.ord ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  const rows = [...services.values()].map((s) => {
    const ordered = s.cells
      .map((c) => ({ ...c, name: c.environment }))
      .sort(byOrder)
      .map(({ ord: _o, name: _n, ...c }) => c);
    const attention = ordered.reduce<Attention>((worst, c) => (rank(c.attention) < rank(worst) ? c.attention : worst), "no_deploy");
    return { projectId: s.projectId, service: s.service, attention, cells: ordered };
  });
  const key = (s: string) => s.toLowerCase();
  rows.sort(
    (a, b) =>
      rank(a.attention) - rank(b.attention) ||
      (key(a.service) < key(b.service) ? -1 : key(a.service) > key(b.service) ? 1 : 0) ||
      (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0),
  );
  const environments = [...columnOrder.entries()]
    .map(([name, ord]) => ({ name, ord }))
    .sort(byOrder)
    .map((c) => c.name);
  return { environments, total: rows.length, services: rows.slice(0, filter.limit), generatedAt: now };
}
