// Lead time is read from each commit's recorded first go-live (commit_first_live), kept as events arrive: the
// answer must not depend on their order. The same history is written in different orders, each into its own
// environment, and every order must give the README's definition, worked out by hand: a commit counts once per
// environment, at its first go-live there, and a rolled-back deploy keeps its go-live.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedurePath, startTestServer, type TestServer } from "@cuitty/server/testing";

const H = 3600;
const D = 86_400;
/** Monday 2025-03-03 00:00 UTC. */
const T0 = 1_740_960_000;
const X = { sha: "a".repeat(40), committedAt: T0 - 2 * H };
const Y = { sha: "b".repeat(40), committedAt: T0 + D - H };

let server: TestServer;

async function call<P extends ProcedurePath>(procedure: P, input?: unknown) {
  const res = await server.request(procedure, { input });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

/** One event of deploy `key`; a rollback names its target by key (resolved to the id the server gave it). */
type Step = { key: string; status: string; at: number; commits?: (typeof X)[]; rollbackTo?: string };

/** Emits the steps one by one, in the order given, into `environment`. */
async function write(environment: string, steps: Step[]): Promise<void> {
  const ids = new Map<string, number>();
  for (const [i, s] of steps.entries()) {
    const { deploy } = await call("deploys.emit", {
      id: `${environment}:${i}`,
      type: "deploy",
      deploy: `${environment}:${s.key}`,
      environment,
      status: s.status,
      occurredAt: s.at,
      ...(s.commits ? { commits: s.commits } : {}),
      ...(s.rollbackTo ? { rollbackTargetId: ids.get(s.rollbackTo) } : {}),
    });
    ids.set(s.key, deploy.id);
  }
}

/** Lead time over the first three days, per day: X ships on day 0 at 10:00, Y on day 1 at 10:00. */
async function leadTime(environment: string) {
  const m = await call("metrics.dora", { environment, from: T0, to: T0 + 3 * D, bucket: "day" });
  return {
    samples: m.leadTime.samples,
    series: m.leadTime.series.map((b) => [b.medianSeconds, b.samples]),
  };
}

/** By the definition: X at its first go-live (day 0, 10:00) 12 h after its commit, Y at day 1, 10:00, 11 h after. */
const DEFINED = {
  samples: 2,
  series: [
    [12 * H, 1],
    [11 * H, 1],
    [null, 0],
  ],
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe("lead time with events in any order", () => {
  it("counts a commit at its earliest go-live when a later deploy's go-live arrives before an earlier one's", async () => {
    const a: Step = { key: "A", status: "live", at: T0 + 10 * H, commits: [X] };
    const b: Step = { key: "B", status: "live", at: T0 + D + 10 * H, commits: [X, Y] };
    await write("in-order", [a, b]);
    await write("later-first", [b, a]);
    expect(await leadTime("in-order")).toEqual(DEFINED);
    expect(await leadTime("later-first")).toEqual(DEFINED);
  });

  it("counts commits attached to a deploy after its go-live at that go-live, kept after its rollback", async () => {
    // Z and A live on day 0, B (X and Y) on day 1 and rolled back to A; then A, current again, is rolled back
    // to Z by an event that lists A's commit X only now: X's first go-live becomes A's, on day 0.
    const z: Step = { key: "Z", status: "live", at: T0 + H };
    const aLive: Step = { key: "A", status: "live", at: T0 + 10 * H };
    const bLive: Step = { key: "B", status: "live", at: T0 + D + 10 * H, commits: [X, Y] };
    const bBack: Step = { key: "B", status: "rolled_back", at: T0 + D + 10.5 * H, rollbackTo: "A" };
    const aBack: Step = { key: "A", status: "rolled_back", at: T0 + D + 11 * H, rollbackTo: "Z", commits: [X] };
    await write("attached-late", [z, aLive, bLive, bBack, aBack]);
    // The same commits listed before A's go-live instead.
    await write("attached-early", [z, { ...aLive, commits: [X] }, bLive, bBack, { ...aBack, commits: undefined }]);
    expect(await leadTime("attached-late")).toEqual(DEFINED);
    expect(await leadTime("attached-early")).toEqual(DEFINED);
  });

  it("keeps one sample per commit when the same events are written in a batch, later go-live first", async () => {
    const events = [
      { deploy: "B", occurredAt: T0 + D + 10 * H, commits: [X, Y] },
      { deploy: "A", occurredAt: T0 + 10 * H, commits: [X] },
    ].map((e, i) => ({ id: `batch:${i}`, type: "deploy", environment: "batch", status: "live", ...e }));
    const { results } = await call("deploys.emitBatch", { events });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await leadTime("batch")).toEqual(DEFINED);
  });
});
