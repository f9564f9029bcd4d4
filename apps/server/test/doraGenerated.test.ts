// DORA metrics and phase skips on a generated history (seeded, ~300 deploys over 35 days in three
// environments), checked against a second computation written here from the README's definitions with plain
// loops over the generated plan: it shares no code with the SQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedurePath, startTestServer, type TestServer } from "@cuitty/server/testing";
import { seededRandom } from "@cuitty/core/testing";

const H = 3600;
const D = 86_400;
/** Monday 2025-03-03 00:00 UTC: the end of the generated history. */
const END = 1_740_960_000;
const PHASES = ["initiated", "building", "deploying"] as const;

interface Commit {
  sha: string;
  committedAt: number;
}
interface Plan {
  env: string;
  key: string;
  id: number;
  startedAt: number;
  /** Phases reported before go-live or failure, in order. */
  phases: string[];
  liveAt?: number;
  failedAt?: number;
  reason?: string;
  rolledBackAt?: number;
  target?: Plan;
  markedBad: boolean;
  healthFailing: boolean;
  probes: [checkedAt: number, ok: boolean][];
  /** What the deploy ships, oldest first (the CI's `git log <previous live>..HEAD`). */
  commits: Commit[];
}

const ENVIRONMENTS: [name: string, minGapHours: number, spreadHours: number][] = [
  ["production", 1, 9],
  ["staging", 2, 12],
  ["eu", 3, 18],
];

function generate(): Plan[] {
  const rand = seededRandom(20_251_129);
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const plans: Plan[] = [];
  let shaSeq = 0;
  for (const [env, minGap, spread] of ENVIRONMENTS) {
    let cursor = END - 35 * D + between(0, 3 * H);
    let pending: Commit[] = []; // commits not yet live in this environment
    const mine: Plan[] = [];
    while (cursor < END - 3 * H && mine.length < 400) {
      for (let i = between(1, 4); i > 0; i--)
        pending.push({ sha: `c${(shaSeq++).toString(16).padStart(7, "0")}`, committedAt: cursor - between(600, 20 * H) });
      pending.sort((x, y) => x.committedAt - y.committedAt);
      const plan: Plan = {
        env,
        key: `${env}:${mine.length}`,
        id: 0,
        startedAt: cursor,
        phases: PHASES.filter(() => rand() < 0.6),
        markedBad: false,
        healthFailing: false,
        probes: [],
        commits: [...pending],
      };
      const phaseEnd = cursor + 60 * plan.phases.length + between(0, 600);
      const r = rand();
      if (r < 0.15 && plan.phases.length > 0) {
        plan.failedAt = phaseEnd + between(60, 1200);
        const why = rand();
        plan.reason = why < 0.2 ? "cancelled" : why < 0.25 ? "skipped" : "tests failed";
      } else {
        plan.liveAt = phaseEnd + between(60, 1200);
        pending = [];
        const target = [...mine].reverse().find((p) => p.liveAt !== undefined && p.rolledBackAt === undefined);
        if (rand() < 0.12 && target) {
          plan.rolledBackAt = plan.liveAt + between(300, 3 * H);
          plan.target = target;
          // What the rollback undid ships again with the next deploy, as `git log <target>..HEAD` would list it.
          pending = [...plan.commits];
        }
        plan.markedBad = rand() < 0.1;
        if (rand() < 0.07) {
          plan.healthFailing = true;
          if (rand() < 0.6)
            plan.probes = [
              [plan.liveAt + 30, true],
              [plan.liveAt + 90, false],
              [plan.liveAt + 150, false],
            ];
        }
      }
      mine.push(plan);
      const busyUntil = plan.rolledBackAt ?? plan.liveAt ?? plan.failedAt!;
      cursor = Math.max(busyUntil + 60, cursor + minGap * H + between(0, spread * H));
    }
    plans.push(...mine);
  }
  return plans;
}

// ---- the second computation, from the definitions ----

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2;
};
const p90 = (xs: number[]) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.ceil(0.9 * xs.length) - 1]!);

function expected(plans: Plan[], env: string, from: number, to: number) {
  const ps = plans.filter((p) => p.env === env);
  const inWindow = (t: number | undefined) => t !== undefined && t >= from && t < to;
  const failedChange = (p: Plan) => p.liveAt !== undefined && (p.rolledBackAt !== undefined || p.markedBad || p.healthFailing);

  const wentLive = ps.filter((p) => inWindow(p.liveAt));
  const failedRuns = ps.filter(
    (p) => p.liveAt === undefined && inWindow(p.failedAt) && p.reason !== "cancelled" && p.reason !== "skipped",
  ).length;

  // Lead time: each commit at its first go-live in the environment.
  const firstLive = new Map<string, number>();
  for (const p of ps) {
    if (p.liveAt === undefined) continue;
    for (const c of p.commits) if (!firstLive.has(c.sha) || firstLive.get(c.sha)! > p.liveAt) firstLive.set(c.sha, p.liveAt);
  }
  const committed = new Map(ps.flatMap((p) => p.commits.map((c) => [c.sha, c.committedAt] as const)));
  const leadTimes: number[] = [];
  for (const [sha, liveAt] of firstLive) if (inWindow(liveAt)) leadTimes.push(Math.max(0, liveAt - committed.get(sha)!));

  // Outages: each failed change from its go-live (first failing probe when it failed its health checks) to the
  // first healthy go-live or rollback to a healthy deploy at or after that; overlapping ones merged.
  const starts: number[] = [];
  for (const p of ps) {
    if (!failedChange(p)) continue;
    const firstBadProbe = p.healthFailing ? p.probes.find(([, ok]) => !ok)?.[0] : undefined;
    const s = firstBadProbe ?? p.liveAt!;
    if (s < to) starts.push(s);
  }
  const ends: number[] = [];
  for (const p of ps) {
    if (p.liveAt !== undefined && p.liveAt < to && !failedChange(p)) ends.push(p.liveAt);
    if (p.rolledBackAt !== undefined && p.rolledBackAt < to && !failedChange(p.target!)) ends.push(p.rolledBackAt);
  }
  const intervals = starts.map((s) => ({ s, e: Math.min(Infinity, ...ends.filter((t) => t >= s)) })).sort((a, b) => a.s - b.s);
  const merged: { s: number; e: number }[] = [];
  for (const iv of intervals) {
    const last = merged[merged.length - 1];
    if (last && iv.s <= last.e) last.e = Math.max(last.e, iv.e);
    else merged.push({ ...iv });
  }
  const restored = merged.filter((o) => o.e !== Infinity && inWindow(o.e)).map((o) => o.e - o.s);
  const open = merged.filter((o) => o.e === Infinity);

  const skipped: Record<string, number> = { initiated: 0, building: 0, deploying: 0 };
  let straightToLive = 0;
  for (const p of ps) {
    if (p.liveAt === undefined || !inWindow(p.startedAt)) continue;
    if (p.phases.length === 0) straightToLive++;
    else for (const phase of PHASES) if (!p.phases.includes(phase)) skipped[phase]!++;
  }

  return {
    overlapping: intervals.length - merged.length,
    deploymentFrequency: wentLive.length,
    leadTime: { samples: leadTimes.length, medianSeconds: median(leadTimes), p90Seconds: p90(leadTimes) },
    changeFailureRate: { failures: wentLive.filter(failedChange).length, total: wentLive.length, failedRuns },
    timeToRestore: {
      samples: restored.length,
      medianSeconds: median(restored),
      p90Seconds: p90(restored),
      unrestored: open.length,
      openSince: open[0]?.s ?? null,
    },
    skipped,
    straightToLive,
  };
}

// ---- the server ----

let server: TestServer;
let plans: Plan[];

async function call<P extends ProcedurePath>(procedure: P, input?: unknown) {
  const res = await server.request(procedure, { input });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

beforeAll(async () => {
  server = await startTestServer();
  plans = generate();
  for (const p of plans) {
    const steps: [string, number, Record<string, unknown>?][] = p.phases.map((phase, i) => [phase, p.startedAt + 60 * i]);
    if (p.failedAt !== undefined) steps.push(["failed", p.failedAt, { reason: p.reason }]);
    if (p.liveAt !== undefined) steps.push(["live", p.liveAt]);
    if (p.rolledBackAt !== undefined) steps.push(["rolled_back", p.rolledBackAt, { rollbackTargetId: p.target!.id }]);
    const head = p.commits[p.commits.length - 1];
    const events = steps.map(([status, occurredAt, extra], i) => ({
      id: `${p.key}:${i}`,
      type: "deploy",
      deploy: p.key,
      environment: p.env,
      status,
      occurredAt,
      ...(i === 0 && head ? { commitSha: head.sha, committedAt: head.committedAt, commits: p.commits } : {}),
      ...extra,
    }));
    const { results } = await call("deploys.emitBatch", { events });
    for (const r of results) if (!r.ok) throw new Error(`${p.key}: ${JSON.stringify(r.error)}`);
    const [first] = results;
    if (!first?.ok) throw new Error(`${p.key}: no result`);
    p.id = first.deploy.id;
  }
  for (const p of plans) {
    if (p.markedBad) await call("deploys.markBad", { id: p.id, reason: "generated" });
    if (!p.healthFailing) continue;
    // The health worker's record of failed checks (no health URL here, so no worker probes these deploys).
    for (const [checkedAt, ok] of p.probes) {
      await server.db.clients.deploys.execute({
        sql: "INSERT INTO health_checks (project_id, deploy_id, checked_at, ok, status_code) VALUES (?, ?, ?, ?, ?)",
        args: [server.projectId, p.id, checkedAt, ok ? 1 : 0, ok ? 200 : 503],
      });
    }
    await server.db.clients.deploys.execute({ sql: "UPDATE deploys SET health_status = 'failing' WHERE id = ?", args: [p.id] });
  }
}, 120_000);
afterAll(() => server?.stop());

const WINDOWS: [name: string, from: number, to: number][] = [
  ["the last 30 days", END - 30 * D, END],
  ["a window that ends in the past", END - 20 * D, END - 10 * D],
];

describe("the generated history", () => {
  it("has a few hundred deploys with rollbacks, marks, health failures, failed runs and overlapping failures", () => {
    expect(plans.length).toBeGreaterThan(200);
    expect(plans.filter((p) => p.rolledBackAt !== undefined).length).toBeGreaterThan(5);
    expect(plans.filter((p) => p.markedBad).length).toBeGreaterThan(5);
    expect(plans.filter((p) => p.probes.length > 0).length).toBeGreaterThan(2);
    expect(plans.filter((p) => p.reason === "tests failed").length).toBeGreaterThan(5);
    expect(plans.filter((p) => p.reason === "cancelled").length).toBeGreaterThan(0);
    const overlaps = ENVIRONMENTS.reduce((n, [env]) => n + expected(plans, env, END - 35 * D, END).overlapping, 0);
    expect(overlaps).toBeGreaterThan(0);
  });

  for (const [env] of ENVIRONMENTS) {
    for (const [name, from, to] of WINDOWS) {
      it(`gives the figures of the definitions for ${env} over ${name}`, async () => {
        const want = expected(plans, env, from, to);
        const m = await call("metrics.dora", { environment: env, from, to, bucket: "day" });
        expect(m.deploymentFrequency.count).toBe(want.deploymentFrequency);
        expect(m.changeFailureRate).toMatchObject(want.changeFailureRate);
        expect(m.timeToRestore).toMatchObject(want.timeToRestore);
        expect(m.timeToRestore.series.reduce((n: number, s) => n + s.samples, 0)).toBe(want.timeToRestore.samples);
        expect(m.leadTime).toMatchObject(want.leadTime);
        const phases = await call("metrics.phases", { environment: env, from, to, bucket: "week" });
        const skipped = Object.fromEntries(phases.phases.filter((p) => p.phase !== "total").map((p) => [p.phase, p.skipped]));
        expect(skipped).toEqual(want.skipped);
        expect(phases.straightToLive).toBe(want.straightToLive);
      });
    }
  }
});
