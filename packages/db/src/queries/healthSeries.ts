// The health-check series of deploys: started at go-live, claimed under a lease in the database (so two
// servers never probe the same deploy), advanced one probe at a time, finished with a health status.
// Every write is a single statement or one synchronous batch, so nothing holds the connection across awaits.
import type { InValue } from "@libsql/client";
import type { HealthStatus } from "@cuitty/core";
import type { Database } from "../connection.js";
import { LEASE_GIVEN_BACK, type LeasedTable, leaseClaimStatement, leaseFence, releaseLeases } from "./leases.js";

/** Each series is leased for one probe at a time (leases.ts). */
const SERIES: LeasedTable = { table: "health_series", key: "deploy_id" };

/** What a probe found. */
export interface ProbeResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  /** Unix milliseconds when the probe started. */
  startedMs: number;
}

/** A series this server holds the lease of, with the environment's policy and the deploy's state. */
export interface ClaimedSeries {
  deployId: number;
  projectId: string;
  envId: number;
  environment: string;
  probesDone: number;
  consecutiveFailures: number;
  nextProbeMs: number;
  deployStatus: string;
  isCurrent: boolean;
  healthUrl: string | null;
  expectStatus: number;
  intervalSeconds: number;
  timeoutMs: number;
  checks: number;
  failures: number;
  autoRollback: boolean;
}

/**
 * The two statements that start the series of a deploy that just went live (pending, first probe due at
 * `firstProbeMs`), when its environment has a health URL or a Prometheus condition; a series that exists is left alone. They run inside
 * the go-live's own transaction (applyDeployEvent), so a crash can never keep a go-live and lose its series.
 */
/** Whether environment `e` has a health check to run after a go-live (a URL, or a Prometheus condition). */
export const HEALTH_CHECKED = (e: string) =>
  `(${e}.health_url IS NOT NULL OR (${e}.prometheus_url IS NOT NULL AND ${e}.prometheus_error_query IS NOT NULL))`;

export function healthSeriesStart(projectId: string, deployId: number, firstProbeMs: number) {
  return [
    {
      sql: `UPDATE deploys SET health_status = 'pending'
            WHERE id = ?1 AND project_id = ?2 AND status = 'live'
              AND NOT EXISTS (SELECT 1 FROM health_series WHERE deploy_id = ?1)
              AND EXISTS (SELECT 1 FROM environments e WHERE e.id = deploys.env_id AND ${HEALTH_CHECKED("e")})`,
      args: [deployId, projectId],
    },
    {
      sql: `INSERT INTO health_series (deploy_id, project_id, next_probe_ms)
            SELECT ?1, ?2, ?3 WHERE changes() = 1
            ON CONFLICT (deploy_id) DO NOTHING`,
      args: [deployId, projectId, firstProbeMs],
    },
  ];
}

/** Starts a series on its own (a deploy that went live before series existed). Returns whether one was started. */
export async function startHealthSeries(db: Database, projectId: string, deployId: number, firstProbeMs: number) {
  const [update] = await db.clients.deploys.batch(healthSeriesStart(projectId, deployId, firstProbeMs), "write");
  return (update?.rowsAffected ?? 0) === 1;
}

/**
 * Claims up to `limit` due series whose lease is free or expired (a conditional UPDATE, so of two servers
 * racing for one series exactly one gets it), and returns them with their policy. A lease covers one probe:
 * it is held from the claim until the probe is recorded, then given back, so any server may take the next
 * probe and a crash between probes delays nothing; a crash during a probe delays it by the lease length.
 */
export async function claimDueSeries(db: Database, owner: string, nowMs: number, leaseMs: number, limit: number): Promise<ClaimedSeries[]> {
  const claimed = await db.clients.deploys.execute(
    leaseClaimStatement(SERIES, {
      owner,
      nowMs,
      leaseMs,
      due: "next_probe_ms <= :now",
      orderBy: "next_probe_ms",
      limit,
      returning: "deploy_id",
    }),
  );
  const ids = claimed.rows.map((r) => Number(r.deploy_id));
  if (ids.length === 0) return [];
  const { rows } = await db.clients.deploys.execute({
    sql: `SELECT s.deploy_id, s.project_id, s.probes_done, s.consecutive_failures, s.next_probe_ms,
            d.status, d.env_id, e.name, e.current_deploy_id, e.health_url, e.health_expect_status,
            e.health_interval_seconds, e.health_timeout_ms, e.health_checks, e.health_failures, e.auto_rollback
          FROM health_series s JOIN deploys d ON d.id = s.deploy_id JOIN environments e ON e.id = d.env_id
          WHERE s.lease_owner = ?1 AND s.deploy_id IN (${ids.map(() => "?").join(",")})`,
    args: [owner, ...ids],
  });
  return rows.map((r) => ({
    deployId: Number(r.deploy_id),
    projectId: String(r.project_id),
    envId: Number(r.env_id),
    environment: String(r.name),
    probesDone: Number(r.probes_done),
    consecutiveFailures: Number(r.consecutive_failures),
    nextProbeMs: Number(r.next_probe_ms),
    deployStatus: String(r.status),
    isCurrent: Number(r.current_deploy_id) === Number(r.deploy_id),
    healthUrl: r.health_url === null ? null : String(r.health_url),
    expectStatus: Number(r.health_expect_status),
    intervalSeconds: Number(r.health_interval_seconds),
    timeoutMs: Number(r.health_timeout_ms),
    checks: Number(r.health_checks),
    failures: Number(r.health_failures),
    autoRollback: Boolean(Number(r.auto_rollback)),
  }));
}

/** Where a series goes after a probe: on (next probe due at `nextProbeMs`) or finished with a status. */
type SeriesStep = { kind: "continue"; nextProbeMs: number } | { kind: "finish"; status: HealthStatus };

/** The policy's verdict after one more probe: failing at N consecutive failures, passing after all checks. */
export function nextStep(
  series: Pick<ClaimedSeries, "probesDone" | "consecutiveFailures" | "checks" | "failures">,
  ok: boolean,
): { probesDone: number; consecutiveFailures: number; status: HealthStatus } {
  const probesDone = series.probesDone + 1;
  const consecutiveFailures = ok ? 0 : series.consecutiveFailures + 1;
  if (consecutiveFailures >= series.failures) return { probesDone, consecutiveFailures, status: "failing" };
  if (probesDone >= series.checks) return { probesDone, consecutiveFailures, status: "passing" };
  return { probesDone, consecutiveFailures, status: "pending" };
}

/**
 * Records a probe and advances (or finishes) the series in one write batch, fenced by the lease and the
 * progress read at claim time: if another server took the series over meanwhile, nothing is written and
 * false is returned.
 */
export async function recordProbe(
  db: Database,
  owner: string,
  series: Pick<ClaimedSeries, "deployId" | "projectId" | "probesDone">,
  probe: ProbeResult,
  after: { probesDone: number; consecutiveFailures: number },
  step: SeriesStep,
): Promise<boolean> {
  const held = `${leaseFence(SERIES, "?1", "?2")} AND probes_done = ?3`;
  const fence = `EXISTS (SELECT 1 FROM health_series WHERE ${held})`;
  const base: InValue[] = [series.deployId, owner, series.probesDone];
  const stmts = [
    {
      sql: `INSERT INTO health_checks (project_id, deploy_id, checked_at, ok, status_code, latency_ms, error)
            SELECT ?4, ?1, ?5, ?6, ?7, ?8, ?9 WHERE ${fence}`,
      args: [
        ...base,
        series.projectId,
        Math.floor(probe.startedMs / 1000),
        probe.ok ? 1 : 0,
        probe.statusCode,
        probe.latencyMs,
        probe.error,
      ],
    },
  ];
  if (step.kind === "continue") {
    stmts.push({
      sql: `UPDATE health_series SET probes_done = ?4, consecutive_failures = ?5, next_probe_ms = ?6, ${LEASE_GIVEN_BACK}
            WHERE ${held}`,
      args: [...base, after.probesDone, after.consecutiveFailures, step.nextProbeMs],
    });
  } else {
    stmts.push(
      {
        sql: `UPDATE deploys SET health_status = ?4 WHERE id = ?1 AND ${fence}`,
        args: [...base, step.status],
      },
      { sql: `DELETE FROM health_series WHERE ${held}`, args: base },
    );
  }
  const [inserted] = await db.clients.deploys.batch(stmts, "write");
  return (inserted?.rowsAffected ?? 0) === 1;
}

/** Ends a series without a probe (the deploy is no longer live and current, or the URL was removed). */
export async function abandonSeries(db: Database, owner: string, deployId: number, status: HealthStatus) {
  await db.clients.deploys.batch(
    [
      {
        sql: `UPDATE deploys SET health_status = ?3
              WHERE id = ?1 AND EXISTS (SELECT 1 FROM health_series WHERE ${leaseFence(SERIES, "?1", "?2")})`,
        args: [deployId, owner, status],
      },
      { sql: `DELETE FROM health_series WHERE ${leaseFence(SERIES, "?1", "?2")}`, args: [deployId, owner] },
    ],
    "write",
  );
}

/** Gives back every lease this server holds (on a clean stop), so another server resumes at once. */
export async function releaseSeriesLeases(db: Database, owner: string) {
  await releaseLeases(db.clients.deploys, SERIES, owner);
}

/**
 * Deploys that failed their health checks, are still live and current, in environments with auto-rollback:
 * the ones to roll back now (also found again after a crash between the verdict and the rollback).
 * Scans environments (few), not deploys.
 */
export async function findAutoRollbackCandidates(db: Database) {
  const { rows } = await db.clients.deploys.execute(
    `SELECT d.id AS deploy_id, d.project_id AS project_id
     FROM environments e JOIN deploys d ON d.id = e.current_deploy_id
     WHERE e.auto_rollback = 1 AND d.status = 'live' AND d.health_status = 'failing'`,
  );
  return rows.map((r) => ({ deployId: Number(r.deploy_id), projectId: String(r.project_id) }));
}

/** The probes of a deploy, newest last (for the worker's reason text and for tests). */
export async function listHealthChecks(db: Database, deployId: number) {
  const { rows } = await db.clients.deploys.execute({
    sql: `SELECT checked_at, ok, status_code, latency_ms, error FROM health_checks WHERE deploy_id = ?1 ORDER BY id`,
    args: [deployId],
  });
  return rows.map((r) => ({
    checkedAt: Number(r.checked_at),
    ok: Boolean(Number(r.ok)),
    statusCode: r.status_code === null ? null : Number(r.status_code),
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    error: r.error === null ? null : String(r.error),
  }));
}
