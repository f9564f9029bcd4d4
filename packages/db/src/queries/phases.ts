// Phase timings from deploy_events: how long deploys spend initiated, building and deploying before live,
// per deploy (for its detail page) and as median/p90 per environment and range, with skipped phases counted.
import { CuittyError, type DeployStatus, type MetricBucket, PHASES, type Phase } from "@cuitty/core";
import type { Database } from "../connection.js";
import { resolveMetricRange } from "./dora.js";
import { RANGE_KEY, packSql, packedStats } from "./metricStats.js";
import { rowsOf } from "./sqlViews.js";

const PHASE_ORDER: Record<string, number> = { initiated: 0, building: 1, deploying: 2, live: 3 };

/**
 * Per deploy and phase: the seconds from entering the phase to entering the next phase it moved forward to
 * (a phase that ended in `failed` is not a sample; what follows go-live, such as a rollback, is never part of one).
 * `total`: first event to live, when the first event was not live itself. Phases only move forward and each is
 * entered at most once, so the next phase entered is the first later time set, the first event is the earliest
 * phase set, and a deploy that failed entered none after the one it failed in.
 *
 * A phase is skipped when the deploy reported an earlier phase and went live without this one (only what came
 * before its go-live counts, so a later rollback cannot change the answer); a deploy first reported as live
 * reported no phase at all: neither samples nor skips, counted as `straightToLive`.
 *
 * Computed in SQL over the deploys started in the range and their phase entry times (columns written with each
 * transition, read from the covering index deploys_env_phases_idx): each phase's samples as one JSON array of
 * packed samples (metricStats.ts, PACK), and the skip counts. Arguments: ?1 env id, ?2 from, ?3 to.
 */
function phaseSql(first: number, bucket: MetricBucket): string {
  const sample = (v: string) => packSql(`max(0, ${v})`, "d.started_at", first, bucket);
  const samples = (entered: string, next: string) =>
    `json_group_array(${sample(`${next} - ${entered}`)}) FILTER (WHERE ${entered} IS NOT NULL AND ${next} IS NOT NULL)`;
  const anyPhase = "coalesce(d.initiated_at, d.building_at, d.deploying_at)";
  const skipped = (phase: string) => `count(*) FILTER (WHERE d.live_at IS NOT NULL AND ${anyPhase} IS NOT NULL AND ${phase} IS NULL)`;
  return `SELECT ${samples("d.initiated_at", "coalesce(d.building_at, d.deploying_at, d.live_at)")},
      ${samples("d.building_at", "coalesce(d.deploying_at, d.live_at)")},
      ${samples("d.deploying_at", "d.live_at")},
      ${samples(anyPhase, "d.live_at")},
      ${skipped("d.initiated_at")}, ${skipped("d.building_at")}, ${skipped("d.deploying_at")},
      count(*) FILTER (WHERE d.live_at IS NOT NULL AND ${anyPhase} IS NULL)
    FROM deploys d WHERE d.env_id = ?1 AND d.started_at >= ?2 AND d.started_at < ?3`;
}

interface PhaseStats {
  phase: Phase | "total";
  medianSeconds: number | null;
  p90Seconds: number | null;
  samples: number;
}

export interface PhaseTimings {
  environment: string;
  from: number;
  to: number;
  bucket: MetricBucket;
  /** Over the whole range; `skipped`: deploys that reached live through earlier phases without this one. */
  phases: (PhaseStats & { skipped: number })[];
  /** Deploys first reported as live (a poller that saw only the end): no phase reported, so neither samples nor skips. */
  straightToLive: number;
  series: { start: number; phases: PhaseStats[] }[];
}

const ALL_PHASES = [...PHASES, "total"] as const;

export async function phaseTimings(
  db: Database,
  projectId: string,
  input: { environment: string; from?: number; to?: number; bucket: MetricBucket },
  now: number,
): Promise<PhaseTimings> {
  const r = await resolveMetricRange(db, projectId, input, now);
  const args = [r.envId, r.from, r.to];
  const { rows } = await db.clients.deploys.execute({ sql: phaseSql(r.starts[0] ?? 0, r.bucket), args });
  const row = rows[0];
  const column = (i: number) => JSON.parse(String(row?.[i] ?? "[]")) as number[];
  const stats = ALL_PHASES.flatMap((phase, i) => packedStats(column(i), r.starts).map((s) => ({ ...s, phase })));
  const skippedBy = new Map<string, number>(PHASES.map((phase, i) => [phase, Number(row?.[4 + i] ?? 0)]));
  const straightToLive = Number(row?.[7] ?? 0);
  const key = (phase: string, b: number) => `${phase}:${b}`;
  const byKey = new Map(stats.map((s) => [key(s.phase, s.b), s]));
  const statsOf = (phase: Phase | "total", b: number): PhaseStats => {
    const s = byKey.get(key(phase, b));
    return { phase, medianSeconds: s?.median ?? null, p90Seconds: s?.p90 ?? null, samples: s?.n ?? 0 };
  };
  return {
    environment: r.environment,
    from: r.from,
    to: r.to,
    bucket: r.bucket,
    phases: ALL_PHASES.map((p) => ({ ...statsOf(p, RANGE_KEY), skipped: p === "total" ? 0 : (skippedBy.get(p) ?? 0) })),
    straightToLive,
    series: r.starts.map((start) => ({ start, phases: ALL_PHASES.map((p) => statsOf(p, start)) })),
  };
}

type PhaseState = "done" | "failed" | "running" | "skipped" | "not_reached";

export interface DeployPhase {
  phase: Phase;
  state: PhaseState;
  enteredAt: number | null;
  leftAt: number | null;
  /** Time in the phase (up to now while running); null when skipped or pending. */
  durationSeconds: number | null;
}

/** The phases of one deploy from its events; `totalSeconds`: first event to live. */
export async function deployPhases(
  db: Database,
  projectId: string,
  deployId: number,
  now: number,
): Promise<{ deployId: number; status: DeployStatus; phases: DeployPhase[]; totalSeconds: number | null }> {
  const rows = rowsOf<{ toStatus: DeployStatus; occurredAt: number; status: DeployStatus }>(
    await db.clients.deploys.execute({
      sql: `SELECT ev.to_status AS "toStatus", ev.occurred_at AS "occurredAt", d.status FROM deploys d
            LEFT JOIN deploy_events ev ON ev.deploy_id = d.id WHERE d.id = ? AND d.project_id = ? ORDER BY ev.id`,
      args: [deployId, projectId],
    }),
  );
  if (rows.length === 0) throw new CuittyError("NOT_FOUND", `deploy #${deployId} does not exist in this project`);
  const events = rows.filter((e) => e.toStatus !== null).map((e) => ({ to: e.toStatus, at: Number(e.occurredAt) }));
  const furthest = Math.max(-1, ...events.map((e) => PHASE_ORDER[e.to] ?? -1));
  const phases = PHASES.map((phase): DeployPhase => {
    const i = events.findIndex((e) => e.to === phase);
    if (i < 0) {
      // Never entered: skipped when the deploy got past it, else (still before it, or failed earlier) not reached.
      const passed = furthest > PHASE_ORDER[phase]!;
      return { phase, state: passed ? "skipped" : "not_reached", enteredAt: null, leftAt: null, durationSeconds: null };
    }
    const entered = events[i]!.at;
    const next = events[i + 1];
    if (!next) return { phase, state: "running", enteredAt: entered, leftAt: null, durationSeconds: Math.max(0, now - entered) };
    return {
      phase,
      state: next.to === "failed" ? "failed" : "done",
      enteredAt: entered,
      leftAt: next.at,
      durationSeconds: Math.max(0, next.at - entered),
    };
  });
  const live = events.find((e) => e.to === "live");
  const first = events[0];
  return {
    deployId,
    status: rows[0]!.status,
    phases,
    totalSeconds: live && first && first.to !== "live" ? Math.max(0, live.at - first.at) : null,
  };
}
