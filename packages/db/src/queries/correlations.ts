// deploys.correlations: the audit entries a deploy produced and the perf snapshots of its before/after
// windows (the same windows deploys.regression compares), read across the attached module files.
import { CuittyError } from "@cuitty/core";
import type { Database } from "../connection.js";
import type { AuditEntryView } from "./audit.js";
import { deployWindowsCte } from "./deployWindows.js";
import type { PerfSnapshotView } from "./perf.js";

/** At most this many rows of each kind; the dashboard pages nothing here, it charts. */
const CORRELATION_LIMIT = 1000;

export interface Correlations {
  deployId: number;
  liveAt: number | null;
  /** When the deploy stopped being current: next go-live in its environment or its rollback; null while current. */
  currentUntil: number | null;
  windows: { before: { from: number; to: number }; after: { from: number; to: number } } | null;
  /** Entries naming the deploy (by id or commit) and entries in its environment while it was current, oldest first. */
  audit: AuditEntryView[];
  perf: { before: PerfSnapshotView[]; after: PerfSnapshotView[] };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function deployCorrelations(db: Database, projectId: string, id: number): Promise<Correlations> {
  await db.cross.ensureAttached();
  const s = db.cross.schemas;
  const head = await db.cross.client.execute({
    sql: `WITH ${deployWindowsCte(s)}
      SELECT w.t AS t, w.lo AS lo, w.hi AS hi, w.env AS env, w.commit_sha AS commit_sha,
        MIN(COALESCE(w.next_live, 1e18),
            COALESCE((SELECT MIN(ev.occurred_at) FROM ${s.deploys}.deploy_events ev
                      WHERE ev.deploy_id = w.id AND ev.to_status = 'rolled_back'), 1e18)) AS until
      FROM w`,
    args: [id, projectId],
  });
  const row = head.rows[0];
  if (!row) throw new CuittyError("NOT_FOUND", `deploy #${id} does not exist in this project`);
  const t = num(row.t);
  const lo = num(row.lo);
  const hi = num(row.hi);
  const until = num(row.until);
  const currentUntil = until !== null && until < 1e18 ? until : null;
  const env = String(row.env);
  const commit = row.commit_sha === null ? null : String(row.commit_sha).toLowerCase();

  const [audit, perf] = await Promise.all([
    db.cross.client.execute({
      sql: `SELECT * FROM ${s.audit}.audit_entries a
        WHERE a.project_id = ?1 AND (
          a.deploy_id = ?2
          OR (?3 IS NOT NULL AND a.commit_sha = ?3)
          OR (?4 IS NOT NULL AND a.environment = ?5 AND a.occurred_at >= ?4 AND a.occurred_at < ?6))
        ORDER BY a.occurred_at, a.id LIMIT ${CORRELATION_LIMIT}`,
      args: [projectId, id, commit, t, env, currentUntil ?? Number.MAX_SAFE_INTEGER],
    }),
    t === null || lo === null || hi === null
      ? Promise.resolve({ rows: [] })
      : db.cross.client.execute({
          sql: `SELECT * FROM ${s.perf}.perf_snapshots p
            WHERE p.project_id = ?1 AND p.environment = ?2 AND p.window_start >= ?3 AND p.window_start < ?4
            ORDER BY p.window_start, p.metric, p.id LIMIT ${CORRELATION_LIMIT}`,
          args: [projectId, env, lo, hi],
        }),
  ]);

  const snapshots = perf.rows.map(
    (r): PerfSnapshotView => ({
      id: Number(r.id),
      environment: String(r.environment),
      metric: String(r.metric),
      p50: num(r.p50),
      p95: num(r.p95),
      p99: Number(r.p99),
      errorRate: num(r.error_rate),
      samples: Number(r.samples),
      windowStart: Number(r.window_start),
      windowEnd: Number(r.window_end),
    }),
  );
  return {
    deployId: id,
    liveAt: t,
    currentUntil,
    windows: t === null || lo === null || hi === null ? null : { before: { from: lo, to: t }, after: { from: t, to: hi } },
    audit: audit.rows.map(
      (r): AuditEntryView => ({
        id: r.entry_id === null ? null : String(r.entry_id),
        rowId: Number(r.id),
        environment: String(r.environment),
        actor: String(r.actor),
        action: String(r.action),
        target: r.target === null ? null : String(r.target),
        occurredAt: Number(r.occurred_at),
        deployId: num(r.deploy_id),
        commitSha: r.commit_sha === null ? null : String(r.commit_sha),
        metadata: r.metadata === null ? null : (JSON.parse(String(r.metadata)) as Record<string, unknown>),
        receivedAt: Number(r.received_at),
      }),
    ),
    perf: {
      before: snapshots.filter((p) => p.windowStart < t!),
      after: snapshots.filter((p) => p.windowStart >= t!),
    },
  };
}
