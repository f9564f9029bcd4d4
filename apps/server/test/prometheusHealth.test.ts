import { afterEach, describe, expect, it } from "vitest";
import { getDeploy } from "@cuitty/db";
import type { TestServer } from "../src/testing.js";
import { type LocalServer, goLive, healthServer, localServer, refusingUrl, setPolicy, settled, waitFor } from "./healthHelpers.js";
import { type RunningPrometheus, prometheusMissing, startPrometheus } from "./prometheusHelpers.js";

/**
 * The error ratio of the last 5 s from the test app's counters (a literal range: with one-second scrapes a
 * `$window` of one policy second would hold too few samples).
 */
const ERROR_QUERY =
  'sum(rate(app_requests_total{env="$environment",code="500"}[5s])) / sum(rate(app_requests_total{env="$environment"}[5s]))';

/** A small app whose /metrics counters grow by 100 requests a scrape, half of them errors once `failing` is set. */
async function testApp(): Promise<LocalServer & { setFailing(on: boolean): void }> {
  let failing = false;
  let ok = 0;
  let errors = 0;
  const app = await localServer((_n, req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    if (failing) {
      ok += 50;
      errors += 50;
    } else ok += 100;
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
    res.end(
      [
        "# TYPE app_requests_total counter",
        `app_requests_total{env="production",code="200"} ${ok}`,
        `app_requests_total{env="production",code="500"} ${errors}`,
        "",
      ].join("\n"),
    );
  });
  return Object.assign(app, { setFailing: (on: boolean) => void (failing = on) });
}

describe.skipIf(prometheusMissing)("the Prometheus condition of health checks, against a real Prometheus scraping a test app", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function errorRatio(prom: RunningPrometheus): Promise<number | undefined> {
    const [sample] = await prom.query(ERROR_QUERY.replaceAll("$environment", "production"));
    return sample?.value;
  }

  it("passes while the error ratio stays low, then fails and rolls back a deploy once it rises above the threshold", async () => {
    const app = await testApp();
    cleanup.push(() => app.close());
    const prom = await startPrometheus({ targets: [new URL(app.url).host] });
    cleanup.push(() => prom.stop());
    const server: TestServer = await healthServer();
    cleanup.push(() => server.stop());
    // No health URL: the Prometheus condition alone makes the series.
    await setPolicy(server, {
      prometheusUrl: prom.url,
      prometheusErrorQuery: ERROR_QUERY,
      prometheusErrorMax: 0.05,
      healthIntervalSeconds: 1,
      healthChecks: 3,
      healthFailures: 2,
      autoRollback: true,
    });
    await waitFor("Prometheus to see a zero error ratio", async () => (await errorRatio(prom)) === 0, 30_000);
    const previous = await goLive(server);
    const healthy = await settled(server, previous);
    expect(healthy.deploy.healthStatus).toBe("passing");
    expect(healthy.probes.map((p) => [p.ok, p.error])).toEqual([
      [true, null],
      [true, null],
      [true, null],
    ]);

    app.setFailing(true);
    await waitFor("Prometheus to see an error ratio of 0.5", async () => (await errorRatio(prom)) === 0.5, 30_000);
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(deploy.healthStatus).toBe("failing");
    expect(probes.map((p) => [p.ok, p.statusCode, p.error])).toEqual([
      [false, null, "prometheus error ratio 0.5 above 0.05"],
      [false, null, "prometheus error ratio 0.5 above 0.05"],
    ]);
    const rolledBack = await waitFor("the auto-rollback", async () => {
      const d = await getDeploy(server.db, server.projectId, id);
      return d.status === "rolled_back" ? d : undefined;
    });
    expect(rolledBack).toMatchObject({ rollbackTargetId: previous });
    expect(rolledBack.reason).toBe("health checks failed: 2 consecutive failed probes (last: prometheus error ratio 0.5 above 0.05)");
    expect((await getDeploy(server.db, server.projectId, previous)).current).toBe(true);
  }, 60_000);

  it("counts Prometheus being unreachable as a failed probe, next to the health URL's own result", async () => {
    const target = await localServer((_n, _req, res) => void res.writeHead(200).end("ok"));
    cleanup.push(() => target.close());
    const server = await healthServer();
    cleanup.push(() => server.stop());
    const down = new URL(await refusingUrl()).origin;
    await setPolicy(server, {
      healthUrl: `${target.url}/healthz`,
      prometheusUrl: down,
      prometheusErrorQuery: ERROR_QUERY,
      healthIntervalSeconds: 1,
      healthChecks: 5,
      healthFailures: 2,
      autoRollback: false,
    });
    const id = await goLive(server);
    const { deploy, probes } = await settled(server, id);
    expect(deploy).toMatchObject({ healthStatus: "failing", status: "live" });
    expect(probes.map((p) => [p.ok, p.statusCode, p.error])).toEqual([
      [false, 200, `prometheus inconclusive (${down}): ECONNREFUSED`],
      [false, 200, `prometheus inconclusive (${down}): ECONNREFUSED`],
    ]);
  });

  it("leaves health checks as they were when the environment has a Prometheus URL but no error query", async () => {
    const target = await localServer((_n, _req, res) => void res.writeHead(200).end("ok"));
    cleanup.push(() => target.close());
    const server = await healthServer();
    cleanup.push(() => server.stop());
    await setPolicy(server, {
      healthUrl: `${target.url}/healthz`,
      prometheusUrl: new URL(await refusingUrl()).origin,
      healthIntervalSeconds: 1,
      healthChecks: 2,
      healthFailures: 1,
    });
    const { deploy, probes } = await settled(server, await goLive(server));
    expect(deploy.healthStatus).toBe("passing");
    expect(probes.map((p) => [p.ok, p.error])).toEqual([
      [true, null],
      [true, null],
    ]);
  });
});
