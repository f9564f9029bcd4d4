import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../src/testing.js";
import { startTestServer } from "../src/testing.js";
import { type LocalServer, localServer, refusingUrl } from "./healthHelpers.js";
import {
  type HistogramSeries,
  type RunningPrometheus,
  histogramOpenMetrics,
  prometheusMissing,
  startPrometheus,
} from "./prometheusHelpers.js";

// Go-live of the deploy under test: an aligned hour six hours ago, so promtool's backfilled blocks lie well
// before Prometheus' head block. The previous deploy went live 30 minutes earlier, so the before window
// is [t − 30 min, t) and the after window [t, t + 1 h).
const T = Math.floor(Date.now() / 1000 / 3600) * 3600 - 6 * 3600;
const PREV = T - 1800;
const STEP = 15;
const BOUNDS = [0.1, 0.2, 0.4];

/**
 * The observations of a scrape at `ts` happened in (ts − 15 s, ts]: old before PREV, "before" in (PREV, T],
 * "after" beyond T. Per scrape, 100 requests:
 * - /slow: old all in (0.2, 0.4] (p99 398 ms, which a window reaching past PREV would mix in); before 99 at
 *   ≤ 0.1 and 1 in (0.1, 0.2]: the 99th percentile sits exactly on the 0.1 bound → 100 ms; after 99 in
 *   (0.1, 0.2] and 1 in (0.2, 0.4] → 200 ms. Δ = +100 % → regressed.
 * - /flat: always 99 at ≤ 0.1, 1 in (0.1, 0.2] → 100 ms on both sides → unchanged (Δ 0).
 * - /rare: one request a minute → about 30 before and 60 after, under 100 → insufficient_data.
 */
const period = (ts: number) => (ts <= PREV ? "old" : ts <= T ? "before" : "after");
const labels = (route: string) => ({ deployment_environment: "production", http_route: route });
const series: HistogramSeries[] = [
  {
    labels: labels("/slow"),
    bounds: BOUNDS,
    observations: (ts) => ({ old: [0, 0, 100], before: [99, 1, 0], after: [0, 99, 1] })[period(ts)],
  },
  { labels: labels("/flat"), bounds: BOUNDS, observations: () => [99, 1, 0] },
  { labels: labels("/rare"), bounds: BOUNDS, observations: (ts) => (ts % 60 === 0 ? [1, 0, 0] : [0, 0, 0]) },
  // Another environment's series, which the default query's $environment filter must leave out.
  { labels: { deployment_environment: "staging", http_route: "/slow" }, bounds: BOUNDS, observations: () => [0, 0, 100] },
];

describe.skipIf(prometheusMissing)("deploys.regression from a real Prometheus with backfilled history", () => {
  let prom: RunningPrometheus;
  let server: TestServer;
  let deployId: number;
  const fakes: LocalServer[] = [];

  async function emit(deploy: string, occurredAt: number, environment = "production"): Promise<number> {
    const res = await server.request("deploys.emit", {
      key: server.keys.ingest,
      input: { id: `evt-${deploy}`, type: "deploy", deploy, status: "live", environment, occurredAt },
    });
    expect(res.status).toBe(200);
    return res.body.result.data.deploy.id;
  }
  async function setEnv(settings: Record<string, unknown>, environment = "production") {
    const res = await server.request("environments.update", { input: { environment, ...settings } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.result.data;
  }
  async function regression(input: Record<string, unknown>) {
    const res = await server.request("deploys.regression", { key: server.keys.read, input });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.result.data;
  }

  beforeAll(async () => {
    prom = await startPrometheus({
      openMetrics: histogramOpenMetrics("http_server_request_duration_seconds", series, T - 2 * 3600, T + 2 * 3600, STEP),
    });
    server = await startTestServer();
    await emit("prev", PREV);
    deployId = await emit("under-test", T);
  }, 60_000);
  afterAll(async () => {
    for (const f of fakes) await f.close();
    await server?.stop();
    await prom?.stop();
  });

  it("answers the verdicts worked out by hand from the default queries over the same windows as snapshots", async () => {
    await setEnv({ prometheusUrl: prom.url });
    const r = await regression({ id: deployId });
    expect(r).toMatchObject({
      deployId,
      source: "prometheus",
      reason: null,
      verdict: "regressed",
      threshold: 10,
      liveAt: T,
      windows: { before: { from: PREV, to: T }, after: { from: T, to: T + 3600 } },
    });
    const by = Object.fromEntries(r.metrics.map((m) => [m.metric, m]));
    expect(Object.keys(by)).toEqual(["/flat", "/rare", "/slow"]);
    expect(by["/slow"]!.verdict).toBe("regressed");
    expect(by["/slow"]!.p99Before).toBeCloseTo(100, 6);
    expect(by["/slow"]!.p99After).toBeCloseTo(200, 6);
    expect(by["/slow"]!.deltaPercent).toBeCloseTo(100, 6);
    // 119 increments of 100 requests inside (t − 30 min, t], extrapolated by Prometheus to the window: 12 000.
    expect(by["/slow"]!.samplesBefore).toBe(12_000);
    expect(by["/slow"]!.samplesAfter).toBe(24_000);
    expect(by["/flat"]).toMatchObject({ verdict: "unchanged", samplesBefore: 12_000, samplesAfter: 24_000 });
    expect(by["/flat"]!.p99Before).toBeCloseTo(100, 6);
    expect(by["/flat"]!.deltaPercent).toBeCloseTo(0, 6);
    expect(by["/rare"]!.verdict).toBe("insufficient_data");
    expect(by["/rare"]!.samplesBefore).toBeLessThan(100);
    expect(by["/rare"]!.samplesAfter).toBeLessThan(100);
  });

  it("cuts the after window at the next go-live: the previous deploy improved from 398 ms to 100 ms", async () => {
    const prevId = deployId - 1;
    const r = await regression({ id: prevId, metric: "/slow" });
    expect(r).toMatchObject({
      source: "prometheus",
      verdict: "improved",
      windows: { before: { from: PREV - 3600, to: PREV }, after: { from: PREV, to: T } },
    });
    const [slow] = r.metrics;
    // Before: all 100 a scrape in (0.2, 0.4] → 0.2 + 0.2 × 0.99 s. After (PREV, T]: 100 ms as above.
    expect(slow!.p99Before).toBeCloseTo(398, 6);
    expect(slow!.p99After).toBeCloseTo(100, 6);
    expect(slow!.deltaPercent).toBeCloseTo(((100 - 398) / 398) * 100, 6);
    expect([slow!.samplesBefore, slow!.samplesAfter]).toEqual([24_000, 12_000]);
  });

  it("filters by metric and applies the threshold exactly as for snapshots", async () => {
    const slow = await regression({ id: deployId, metric: "/slow", threshold: 150 });
    expect(slow.metrics).toHaveLength(1);
    expect(slow).toMatchObject({ verdict: "unchanged", source: "prometheus", metrics: [{ metric: "/slow", verdict: "unchanged" }] });
  });

  it("uses the latency and count queries of the environment with $environment and $window filled in", async () => {
    // Queries of its own (here p50 of one route, no labels left) replace the defaults.
    await setEnv({
      prometheusLatencyQuery:
        'histogram_quantile(0.5, sum by (le) (increase(http_server_request_duration_seconds_bucket{deployment_environment="$environment",http_route="/slow"}[$window])))',
      prometheusCountQuery:
        'sum(increase(http_server_request_duration_seconds_count{deployment_environment="$environment",http_route="/slow"}[$window]))',
    });
    const r = await regression({ id: deployId });
    // One series without labels is the metric "*". p50 before: rank 50 of 100 in (0, 0.1] → 0.1 × 50/99 s.
    expect(r.metrics).toHaveLength(1);
    expect(r.metrics[0]!.metric).toBe("*");
    expect(r.metrics[0]!.p99Before).toBeCloseTo((100 * 50) / 99, 6);
    // After: rank 50 in (0.1, 0.2] holding 99 → 100 + 100 × 50/99 ms.
    expect(r.metrics[0]!.p99After).toBeCloseTo(100 + (100 * 50) / 99, 6);
    expect(r.metrics[0]!.samplesBefore).toBe(12_000);
    await setEnv({ prometheusLatencyQuery: null, prometheusCountQuery: null });
  });

  it("keeps answering from pushed snapshots in an environment without Prometheus", async () => {
    const stagingDeploy = await emit("staging-1", T, "staging");
    const snapshots = [T - 600, T + 600].map((windowStart, i) => ({
      environment: "staging",
      metric: "GET /x",
      p99: i === 0 ? 100 : 300,
      samples: 500,
      windowStart,
      windowEnd: windowStart + 60,
    }));
    const rec = await server.request("perf.record", { key: server.keys.ingest, input: { snapshots } });
    expect(rec.status).toBe(200);
    const r = await regression({ id: stagingDeploy });
    expect(r).toMatchObject({
      source: "snapshots",
      reason: null,
      verdict: "regressed",
      metrics: [{ metric: "GET /x", p99Before: 100, p99After: 300, deltaPercent: 200, verdict: "regressed" }],
    });
  });

  it("answers insufficient_data with the reason when Prometheus is down", async () => {
    const down = new URL(await refusingUrl()).origin;
    await setEnv({ prometheusUrl: down });
    const r = await regression({ id: deployId });
    expect(r).toMatchObject({
      source: "prometheus",
      verdict: "insufficient_data",
      metrics: [],
      windows: { before: { from: PREV, to: T } },
    });
    expect(r.reason).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer the (latency|count) query of the (before|after) window: ECONNREFUSED$/,
    );
  });

  it("answers insufficient_data with the reason when Prometheus answers an error or something that is not JSON", async () => {
    await setEnv({ prometheusUrl: prom.url, prometheusLatencyQuery: "histogram_quantile(0.99, sum by (le) (" });
    const bad = await regression({ id: deployId });
    expect(bad).toMatchObject({ source: "prometheus", verdict: "insufficient_data", metrics: [] });
    expect(bad.reason).toContain("did not answer the latency query");
    expect(bad.reason).toContain("HTTP 400: bad_data: ");
    await setEnv({ prometheusLatencyQuery: null });

    const html = await localServer((_n, _req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html>bad gateway</html>");
    });
    fakes.push(html);
    await setEnv({ prometheusUrl: html.url });
    const notJson = await regression({ id: deployId });
    expect(notJson).toMatchObject({ verdict: "insufficient_data", metrics: [] });
    expect(notJson.reason).toMatch(/: HTTP 502, not JSON$/);
  });

  it("gives up on a Prometheus that does not answer after 5 s and answers insufficient_data", async () => {
    const silent = await localServer(() => {}); // never answers
    fakes.push(silent);
    await setEnv({ prometheusUrl: silent.url });
    const started = Date.now();
    const r = await regression({ id: deployId });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r).toMatchObject({ verdict: "insufficient_data", metrics: [] });
    expect(r.reason).toMatch(/: timeout after 5000 ms$/);
  }, 30_000);

  it("sends the bearer token or basic auth it was given (one at a time) and never lists them back", async () => {
    const empty = JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } });
    const fake = await localServer((_n, _req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(empty);
    });
    fakes.push(fake);
    const bearer = await setEnv({ prometheusUrl: `${fake.url}/prom/`, prometheusBearerToken: "s3cret-token" });
    expect(bearer.prometheusAuth).toBe("bearer");
    expect(JSON.stringify(bearer)).not.toContain("s3cret-token");
    const r = await regression({ id: deployId });
    expect(r).toMatchObject({ source: "prometheus", reason: null, verdict: "insufficient_data", metrics: [] });
    expect(fake.requests).toHaveLength(4);
    expect(fake.requests.every((q) => q.headers.authorization === "Bearer s3cret-token")).toBe(true);
    const asked = fake.requests.map((q) => new URL(q.path, fake.url));
    expect(asked.every((u) => u.pathname === "/prom/api/v1/query")).toBe(true);
    expect(asked.map((u) => Number(u.searchParams.get("time"))).sort()).toEqual([T, T, T + 3600, T + 3600]);
    expect(asked.map((u) => u.searchParams.get("query")).filter((q) => q?.includes("[1800s]"))).toHaveLength(2);
    expect(asked.every((u) => u.searchParams.get("query")?.includes('deployment_environment="production"'))).toBe(true);

    const basic = await setEnv({ prometheusBasicAuth: "alice:pa:ss" });
    expect(basic.prometheusAuth).toBe("basic");
    fake.requests.length = 0;
    await regression({ id: deployId });
    expect(fake.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from("alice:pa:ss").toString("base64")}`);

    const both = await server.request("environments.update", {
      input: { environment: "production", prometheusBearerToken: "t", prometheusBasicAuth: "u:p" },
    });
    expect(both.status).toBe(400);
    expect(both.body.error.data).toMatchObject({
      cuittyCode: "VALIDATION_FAILED",
      fields: ["prometheusBearerToken", "prometheusBasicAuth"],
    });

    const list = await server.request("environments.list", { key: server.keys.read });
    expect(JSON.stringify(list.body)).not.toContain("pa:ss");
    expect(JSON.stringify(list.body)).not.toContain("s3cret-token");
    await setEnv({ prometheusUrl: prom.url, prometheusBasicAuth: null });
  });
});
