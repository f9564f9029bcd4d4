// The GitHub provider against a local fake GitHub and a real server: exact events recorded, exact requests made.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { type CuittyClient, type CuittyClientError, createCuittyClient } from "../src/index.js";
import { type DeploysPlugin, deploysPlugin } from "../src/plugins/deploys.js";
import { FAKE_SHA, type FakeGithub, type FakeRun, fakeRun, startFakeGithub } from "./fakeGithub.js";
import { recordedTransitions } from "./helpers.js";

const _SHA = FAKE_SHA;
const at = (minute: number) => new Date(Date.UTC(2025, 10, 28, 3, minute)).toISOString();
const run = (id: number, over: Partial<FakeRun> = {}) => fakeRun(id, at(0), over);

let github: FakeGithub;
let server: TestServer;
let clients: CuittyClient[] = [];
let errors: CuittyClientError[] = [];

beforeEach(async () => {
  github = await startFakeGithub();
  server = await startTestServer();
  clients = [];
  errors = [];
});
afterEach(async () => {
  for (const c of clients) await c.stop({ timeoutMs: 2_000 });
  await github.stop();
  await server.stop();
});

function pollingClient(over: Record<string, unknown> = {}): { client: CuittyClient; plugin: DeploysPlugin } {
  const client = createCuittyClient({
    portalUrl: server.url,
    projectId: server.projectId,
    apiKey: server.keys.ingest,
    retry: { baseMs: 10, maxMs: 100 },
    onError: (e) => errors.push(e),
  });
  const plugin = deploysPlugin({
    provider: "github",
    repo: "acme/api",
    token: github.token,
    environment: "production",
    baseUrl: github.url,
    interval: 3_600_000,
    secondMs: 20,
    requestTimeoutMs: 500,
    ...over,
  } as Parameters<typeof deploysPlugin>[0]) as DeploysPlugin;
  client.use(plugin);
  clients.push(client);
  return { client, plugin };
}

/** The scripted history of two runs and a re-run, one step per poll. */
const history: ((g: FakeGithub) => void)[] = [
  (g) => g.runs.set(101, run(101)),
  (g) => {
    g.runs.set(101, run(101, { status: "in_progress", updated_at: at(1), run_started_at: at(1) }));
    g.jobs.set(101, [{ name: "build", status: "in_progress", conclusion: null, started_at: at(1) }]);
    g.runs.set(102, run(102, { created_at: at(1), updated_at: at(1) }));
  },
  (g) =>
    g.jobs.set(101, [
      { name: "build", status: "completed", conclusion: "success", started_at: at(1) },
      { name: "deploy (production)", status: "in_progress", conclusion: null, started_at: at(2) },
    ]),
  (g) => {
    g.runs.set(101, run(101, { status: "completed", conclusion: "success", updated_at: at(3), run_started_at: at(1) }));
    g.runs.set(102, run(102, { status: "completed", conclusion: "failure", created_at: at(1), updated_at: at(3) }));
  },
  (g) => g.runs.set(101, run(101, { run_attempt: 2, status: "queued", created_at: at(4), updated_at: at(4), run_started_at: at(4) })),
  (g) =>
    g.runs.set(
      101,
      run(101, { run_attempt: 2, status: "completed", conclusion: "success", created_at: at(4), updated_at: at(5), run_started_at: at(4) }),
    ),
];

const EXPECTED = [
  "github:acme/api:run:101:1 ∅→initiated",
  "github:acme/api:run:101:1 initiated→building",
  "github:acme/api:run:102:1 ∅→initiated",
  "github:acme/api:run:101:1 building→deploying",
  "github:acme/api:run:101:1 deploying→live",
  "github:acme/api:run:102:1 initiated→failed (failure)",
  "github:acme/api:run:101:2 ∅→initiated",
  "github:acme/api:run:101:2 initiated→live",
];

describe("the GitHub provider", () => {
  it("records each transition of a scripted history exactly once and an unchanged repository costs only 304s", async () => {
    const { client, plugin } = pollingClient();
    const perPoll: string[][] = [];
    for (const step of history) {
      step(github);
      await plugin.poll();
      perPoll.push(github.take().map((r) => `${r.status} ${r.path.replace(/\?.*/, "")}`));
    }
    const remaining = github.rate.remaining;
    await plugin.poll();
    await plugin.poll();
    perPoll.push(github.take().map((r) => `${r.status} ${r.path.replace(/\?.*/, "")}`));
    expect(await client.flush(5_000)).toBe(true);

    expect(await recordedTransitions(server)).toEqual(EXPECTED);
    const runs = "/repos/acme/api/actions/runs";
    expect(perPoll).toEqual([
      [`200 ${runs}`],
      [`200 ${runs}`, `200 ${runs}/101/jobs`],
      [`304 ${runs}`, `200 ${runs}/101/jobs`],
      [`200 ${runs}`],
      [`200 ${runs}`],
      [`200 ${runs}`],
      [`304 ${runs}`, `304 ${runs}`],
    ]);
    expect(github.rate.remaining).toBe(remaining);
    expect(errors).toEqual([]);
  });

  it("emits only live and failed for completed runs when onlyCompleted is set, without reading jobs", async () => {
    const { client, plugin } = pollingClient({ onlyCompleted: true });
    for (const step of history) {
      step(github);
      await plugin.poll();
    }
    await client.flush(5_000);
    expect(await recordedTransitions(server)).toEqual([
      "github:acme/api:run:101:1 ∅→live",
      "github:acme/api:run:102:1 ∅→failed (failure)",
      "github:acme/api:run:101:2 ∅→live",
    ]);
    expect(github.log.filter((r) => r.path.includes("/jobs"))).toEqual([]);
  });

  it("lists the commits each go-live ships from GitHub's compare since the previous successful run, the head commit when none is known", async () => {
    const sha = (n: number) => `${n}`.repeat(40).slice(0, 40);
    for (let n = 1; n <= 5; n++) github.commits.push({ sha: sha(n), date: at(n) });
    const done = (id: number, head: string, created: number) =>
      run(id, {
        status: "completed",
        conclusion: "success",
        head_sha: head,
        created_at: at(created),
        updated_at: at(created + 5),
        head_commit: { timestamp: at(created) },
      });
    const { client, plugin } = pollingClient({ onlyCompleted: true });
    github.runs.set(201, done(201, sha(2), 10));
    github.runs.set(202, done(202, sha(5), 20));
    await plugin.poll();
    // A force-pushed commit GitHub cannot compare (404): the head commit alone.
    github.runs.set(203, done(203, "f".repeat(40), 30));
    await plugin.poll();
    await client.flush(5_000);
    const commitsOf = async (runId: number) => {
      const list = await server.request("deploys.list", { input: { limit: 10 } });
      const d = list.body.result.data.items.find((x) => x.externalKey === `github:acme/api:run:${runId}:1`);
      return (await server.request("deploys.get", { input: { id: d!.id } })).body.result.data.commits.map((c) => [c.sha, c.committedAt]);
    };
    const unix = (n: number) => Date.parse(at(n)) / 1000;
    // 201 is the first go-live seen: nothing to compare with, so its head commit (time from head_commit).
    expect(await commitsOf(201)).toEqual([[sha(2), unix(10)]]);
    // 202: compare 201's commit ... 202's: the three commits after it, oldest first, with their commit times.
    expect(await commitsOf(202)).toEqual([
      [sha(3), unix(3)],
      [sha(4), unix(4)],
      [sha(5), unix(5)],
    ]);
    expect(await commitsOf(203)).toEqual([["f".repeat(40), unix(30)]]);
    const compares = github.log.filter((r) => r.path.includes("/compare/"));
    expect(compares.map((r) => `${r.status} ${r.path}`)).toEqual([
      `200 /repos/acme/api/compare/${sha(2)}...${sha(5)}`,
      `404 /repos/acme/api/compare/${sha(5)}...${"f".repeat(40)}`,
    ]);
  });

  it("follows Link pagination when a burst of runs arrives between polls, and stops at the first known run", async () => {
    const { client, plugin } = pollingClient({ perPage: 2, onlyCompleted: true });
    const done = (id: number) => run(id, { status: "completed", conclusion: "success", updated_at: at(id % 60) });
    github.runs.set(1, done(1));
    github.runs.set(2, done(2));
    github.runs.set(3, done(3));
    await plugin.poll(); // the first poll reads one page only: no backfill of old history
    expect(github.take().map((r) => new URL(r.path, "http://x").searchParams.get("page"))).toEqual(["1"]);
    for (const id of [10, 11, 12, 13, 14]) github.runs.set(id, done(id));
    await plugin.poll();
    expect(github.take().map((r) => `${r.status} page=${new URL(r.path, "http://x").searchParams.get("page")}`)).toEqual([
      "200 page=1",
      "200 page=2",
      "200 page=3",
    ]);
    await client.flush(5_000);
    const keys = (await recordedTransitions(server)).map((t) => t.split(" ")[0]!.split(":")[3]);
    expect(keys).toEqual(["2", "3", "10", "11", "12", "13", "14"]);
  });

  it("waits out a secondary rate limit, a primary rate limit, 5xx answers and a hung request, losing nothing", async () => {
    const { client, plugin } = pollingClient();
    github.runs.set(101, run(101, { status: "completed", conclusion: "success" }));
    github.faults.push(
      {
        kind: "status",
        status: 403,
        headers: { "retry-after": "1" },
        body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
      },
      {
        kind: "status",
        status: 403,
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000)) },
        body: { message: "API rate limit exceeded for user ID 1." },
      },
      { kind: "status", status: 502, body: { message: "Server Error" } },
      { kind: "status", status: 503, body: { message: "Service Unavailable" } },
      { kind: "hang", ms: 5_000 },
    );
    await plugin.poll();
    expect(github.take().map((r) => r.status)).toEqual([403, 403, 502, 503, 0, 200]);
    await client.flush(5_000);
    expect(await recordedTransitions(server)).toEqual(["github:acme/api:run:101:1 ∅→live"]);
    expect(errors).toEqual([]);
  });

  it("reports an invalid token once and stops polling", async () => {
    const { plugin } = pollingClient({ token: "ghp_wrong" });
    github.runs.set(101, run(101));
    await plugin.poll();
    await plugin.poll();
    expect(github.take().map((r) => r.status)).toEqual([401]);
    expect(errors.map((e) => e.code)).toEqual(["GITHUB_AUTH"]);
    expect(errors[0]!.message).toMatch(/acme\/api.*401.*polling stopped/);
  });

  it("records each transition once when two clients poll the same repository", async () => {
    const a = pollingClient();
    const b = pollingClient();
    for (const step of history) {
      step(github);
      await a.plugin.poll();
      await b.plugin.poll();
    }
    await Promise.all([a.client.flush(5_000), b.client.flush(5_000)]);
    expect(await recordedTransitions(server)).toEqual(EXPECTED);
    expect(a.client.stats().deploys!.sent).toBe(EXPECTED.length);
    expect(b.client.stats().deploys!.sent).toBe(EXPECTED.length);
    expect(errors).toEqual([]);
  });

  it("refuses the same plugin twice on one client with a clear message", () => {
    const { client } = pollingClient();
    expect(() =>
      client.use(deploysPlugin({ provider: "github", repo: "acme/api", token: "t", environment: "production", baseUrl: github.url })),
    ).toThrow(/plugin "deploys:github:acme\/api:production" is already in use/);
  });
});
