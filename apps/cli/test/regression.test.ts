// `cuitty regression` gates CI: exit 1 on a regressed p99, 0 otherwise, on synthetic data with known answers.
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedurePath, startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, runCli } from "./helpers.js";

let server: TestServer;
/** Go-live time of the deploys under test: two hours ago, so both windows lie in the past. */
const T = Math.floor(Date.now() / 1000) - 7200;
const ids: Record<string, number> = {};

async function ingest<P extends ProcedurePath>(procedure: P, input: unknown) {
  const res = await server.request(procedure, { input, key: server.keys.ingest });
  if (res.status !== 200) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.result.data;
}

/** A previous deploy two hours before T and the deploy under test at T, in their own environment. */
async function deployPair(environment: string): Promise<number> {
  await ingest("deploys.emit", { type: "deploy", deploy: `${environment}-prev`, status: "live", environment, occurredAt: T - 7200 });
  const { deploy } = await ingest("deploys.emit", {
    type: "deploy",
    deploy: `${environment}-new`,
    status: "live",
    environment,
    occurredAt: T,
  });
  return deploy.id;
}

/** One snapshot before go-live (starting 30 min before T) and one after (10 min after T). */
const around = (environment: string, metric: string, before: number, after: number, samples = 500) => [
  { environment, metric, p99: before, samples, windowStart: T - 1800, windowEnd: T - 1740 },
  { environment, metric, p99: after, samples, windowStart: T + 600, windowEnd: T + 660 },
];

beforeAll(async () => {
  server = await startTestServer();
  ids.regressed = await deployPair("reg-worse");
  ids.improved = await deployPair("reg-better");
  ids.sparse = await deployPair("reg-sparse");
  await ingest("perf.record", {
    snapshots: [
      ...around("reg-worse", "GET /checkout", 100, 150), // +50 %: regressed
      ...around("reg-worse", "GET /home", 200, 204), // +2 %: unchanged
      ...around("reg-better", "GET /checkout", 200, 100), // −50 %: improved
      ...around("reg-sparse", "GET /checkout", 100, 300, 40), // 40 samples a side: insufficient_data
      // Outside the windows (before the previous go-live's hour, and after T + 1 h): must not count.
      { environment: "reg-worse", metric: "GET /checkout", p99: 10_000, samples: 1000, windowStart: T - 3700, windowEnd: T - 3640 },
      { environment: "reg-worse", metric: "GET /checkout", p99: 10_000, samples: 1000, windowStart: T + 3600, windowEnd: T + 3660 },
    ],
  });
});
afterAll(() => server?.stop());

const read = () => cleanEnv(connection(server, "read"));

describe("cuitty regression", () => {
  it("exits 1 with E_REGRESSION when a metric's p99 rose by the threshold or more, and prints the table", async () => {
    const result = await runCli(["regression", String(ids.regressed)], { env: read() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("[E_REGRESSION]");
    expect(result.stderr).toContain("GET /checkout +50.0%");
    expect(result.stderr).toContain("fix:");
    const lines = result.stdout.split("\n");
    const header = lines.findIndex((l) => l.startsWith("METRIC"));
    expect(lines[header]).toMatch(/^METRIC\s+P99 BEFORE → AFTER\s+DELTA\s+SAMPLES\s+VERDICT$/);
    expect(lines[header + 1]).toMatch(/^GET \/checkout\s+100ms → 150ms\s+\+50\.0%\s+500 \/ 500\s+regressed$/);
    expect(lines[header + 2]).toMatch(/^GET \/home\s+200ms → 204ms\s+\+2\.0%\s+500 \/ 500\s+unchanged$/);
    // Columns line up: each row's DELTA starts where the header's does.
    const col = lines[header]!.indexOf("DELTA");
    expect(lines[header + 1]!.slice(col)).toMatch(/^\+50\.0%/);
    expect(lines[header + 2]!.slice(col)).toMatch(/^\+2\.0%/);
    expect(result.stdout).toMatch(/verdict:\s+regressed/);
    expect(result.stdout).not.toContain("\x1b["); // no colour without a TTY
  });

  it("prints the server's answer with --json and still exits 1 on a regression", async () => {
    const result = await runCli(["regression", `#${ids.regressed}`, "--json"], { env: read() });
    expect(result.code).toBe(1);
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({ deployId: ids.regressed, verdict: "regressed", threshold: 10, liveAt: T });
    expect(answer.metrics).toEqual([
      {
        metric: "GET /checkout",
        p99Before: 100,
        p99After: 150,
        deltaPercent: 50,
        samplesBefore: 500,
        samplesAfter: 500,
        verdict: "regressed",
      },
      { metric: "GET /home", p99Before: 200, p99After: 204, deltaPercent: 2, samplesBefore: 500, samplesAfter: 500, verdict: "unchanged" },
    ]);
  });

  it("exits 0 when the regressed metric is filtered out with --metric, or the threshold is above the change", async () => {
    const home = await runCli(["regression", String(ids.regressed), "--metric", "GET /home", "--json"], { env: read() });
    expect(home.code).toBe(0);
    expect(JSON.parse(home.stdout)).toMatchObject({ verdict: "unchanged", metrics: [{ metric: "GET /home" }] });
    const loose = await runCli(["regression", String(ids.regressed), "--threshold", "60"], { env: read() });
    expect(loose.code).toBe(0);
    expect(loose.stdout).toMatch(/verdict:\s+unchanged/);
    expect(loose.stdout).toContain("±60%");
  });

  it("exits 0 for an improvement and for too few samples", async () => {
    const better = await runCli(["regression", String(ids.improved), "--json"], { env: read() });
    expect(better.code).toBe(0);
    expect(JSON.parse(better.stdout)).toMatchObject({ verdict: "improved", metrics: [{ deltaPercent: -50, verdict: "improved" }] });
    const sparse = await runCli(["regression", String(ids.sparse)], { env: read() });
    expect(sparse.code).toBe(0);
    expect(sparse.stdout).toMatch(/40 \/ 40\s+insufficient_data/);
  });

  it("says where data would come from when no snapshots lie around the go-live, and exits 0", async () => {
    const { deploy } = await ingest("deploys.emit", {
      type: "deploy",
      deploy: "reg-empty-1",
      status: "live",
      environment: "reg-empty",
      occurredAt: T,
    });
    const result = await runCli(["regression", String(deploy.id)], { env: read() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verdict:\s+insufficient_data/);
    expect(result.stderr).toContain("cuitty perf record");
  });

  it("names Prometheus as the source and prints why it gave no verdict, exiting 0, when the environment's Prometheus is down", async () => {
    const { deploy } = await ingest("deploys.emit", {
      type: "deploy",
      deploy: "reg-prom-1",
      status: "live",
      environment: "reg-prom",
      occurredAt: T,
    });
    // A port that was just free: nothing listens there.
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, "127.0.0.1", resolve));
    const down = `http://127.0.0.1:${(free.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const set = await server.request("environments.update", { input: { environment: "reg-prom", prometheusUrl: down } });
    expect(set.status).toBe(200);
    const result = await runCli(["regression", String(deploy.id)], { env: read() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/source:\s+the environment's Prometheus/);
    expect(result.stdout).toMatch(/verdict:\s+insufficient_data/);
    expect(result.stdout).toMatch(new RegExp(`reason:\\s+Prometheus at ${down.replace(/[.]/g, "\\.")} did not answer .*ECONNREFUSED`));
    expect(result.stderr).toContain("--prometheus-url");
    expect(result.stderr).not.toContain("cuitty perf record");
  });

  it("refuses an unknown deploy with E_NOT_FOUND and a bad threshold with E_USAGE", async () => {
    const missing = await runCli(["regression", "999999"], { env: read() });
    expect(missing.code).toBe(6);
    expect(missing.stderr).toContain("[E_NOT_FOUND]");
    const bad = await runCli(["regression", String(ids.regressed), "--threshold", "-5"], { env: read() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("threshold");
    const noId = await runCli(["regression"], { env: read() });
    expect(noId.code).toBe(2);
  });

  it("has --help with its options, examples and the exit code", async () => {
    const result = await runCli(["regression", "--help"]);
    expect(result.code).toBe(0);
    for (const option of ["--metric", "--threshold", "--json", "--portal-url"]) expect(result.stdout).toContain(option);
    expect(result.stdout).toMatch(/Examples:\n {2}cuitty regression 42/);
    expect(result.stdout).toContain("Exit code: 1 when the verdict is regressed");
  });
});
