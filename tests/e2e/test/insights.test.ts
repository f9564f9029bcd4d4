// Health, correlations, settings, DORA metrics, mark-as-bad and outbound hooks in a real browser against a real
// server running the health-check and hook-delivery workers (fast intervals) and a real local HTTP target.
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthExtension, hooksExtension } from "@cuitty/server";
import { type ProcedurePath, type TestServer, startTestServer } from "@cuitty/server/testing";
import { type Browser, DIST_DIR, WAIT_MS, launchBrowser, screenshot, signIn } from "./browser.js";

let server: TestServer;
let browser: Browser;
let target: Local;
const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
let seq = 0;

interface Local {
  url: string;
  requests: { path: string; headers: IncomingMessage["headers"] }[];
  close(): Promise<void>;
}

/** A real HTTP server on a random port; `handle` answers the n-th request. */
async function localServer(handle: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<Local> {
  const requests: Local["requests"] = [];
  const s = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests.push({ path: req.url ?? "", headers: req.headers });
      handle(requests.length - 1, req, res);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve()))),
  };
}

async function call<P extends ProcedurePath>(procedure: P, input: unknown, key = server.keys.admin) {
  const res = await server.request(procedure, { input, key });
  expect(res.status, `${procedure}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(200);
  return res.body.result.data;
}

async function emit(input: Record<string, unknown>): Promise<number> {
  const data = await call("deploys.emit", { type: "deploy", id: `ins-${++seq}`, ...input }, server.keys.ingest);
  return data.deploy.id as number;
}

/** Polls `check` until it returns something truthy, failing after WAIT_MS. */
async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false | null>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function card(page: Page, env: string) {
  return page.getByTestId(`env-card-${env}`);
}

beforeAll(async () => {
  server = await startTestServer({
    config: { dashboardDir: DIST_DIR },
    // One policy second lasts 50 ms; hook retries after 40 ms.
    extensions: [
      healthExtension({ tickMs: 10, secondMs: 50, sweepEveryMs: 50 }),
      hooksExtension({ tickMs: 30, retryBaseMs: 40, retryMaxMs: 300, timeoutMs: 1500, hookRetryBaseMs: 30 }),
    ],
  });
  browser = await launchBrowser();
  target = await localServer((_n, req, res) => {
    res.writeHead(req.url === "/down" ? 503 : 200, { "content-type": "text/plain" });
    res.end(req.url === "/down" ? "down" : "ok");
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await target?.close();
});

describe("health, correlations and settings (issue 6)", () => {
  it("shows each environment's health on the overview and every probe on the deploy detail", async () => {
    const policy = { healthIntervalSeconds: 1, healthChecks: 3, healthFailures: 2 };
    await call("environments.update", { environment: "hc-ok", healthUrl: `${target.url}/ok`, ...policy });
    await call("environments.update", { environment: "hc-down", healthUrl: `${target.url}/down`, ...policy });
    const ok = await emit({ deploy: "hc-ok-1", environment: "hc-ok", status: "live", version: "v3.0.0" });
    const down = await emit({ deploy: "hc-down-1", environment: "hc-down", status: "live", version: "v3.0.1" });
    // The real worker probes the real target: wait for both series to end.
    for (const [id, status] of [
      [ok, "passing"],
      [down, "failing"],
    ] as const) {
      await waitUntil(`deploy #${id} ${status}`, async () => (await call("deploys.get", { id }, server.keys.read)).healthStatus === status);
    }

    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await card(page, "hc-ok").locator("[data-testid=env-health][data-health=passing]").waitFor();
    await card(page, "hc-down").locator("[data-testid=env-health][data-health=failing]").waitFor();
    await screenshot(page, "20-overview-health");

    await page.goto(`${server.url}/#/deploys/${down}`);
    const panel = page.locator("[data-testid=health-panel][data-health=failing]");
    await panel.waitFor();
    const probes = panel.locator("[data-testid=health-probes] li");
    expect(await probes.count()).toBeGreaterThanOrEqual(2);
    await expect.poll(() => probes.first().innerText(), { timeout: WAIT_MS }).toMatch(/✕.*HTTP 503/);
    expect(await panel.getByTestId("health-chart").locator("rect.chart-bad").count()).toBe(await probes.count());
    await screenshot(page, "21-deploy-health-failing");

    await page.goto(`${server.url}/#/deploys/${ok}`);
    await page.locator("[data-testid=health-panel][data-health=passing]").waitFor();
    await expect.poll(() => page.getByTestId("health-summary").innerText(), { timeout: WAIT_MS }).toMatch(/^3 of 3 probes passed/);
    await expect
      .poll(() => page.locator("[data-testid=health-probes] li").first().innerText(), { timeout: WAIT_MS })
      .toMatch(/✓.*HTTP 200/);
    await page.close();
  });

  it("charts p99 before and after go-live per metric with the regression verdicts, and lists the audit entries", async () => {
    const t = NOW - 1800;
    await emit({ deploy: "perf-1", environment: "perf", status: "live", version: "v4.0.0", occurredAt: t - 3 * 3600 });
    const id = await emit({ deploy: "perf-2", environment: "perf", status: "live", version: "v4.1.0", occurredAt: t });
    const snap = (metric: string, at: number, p99: number, samples: number) => ({
      environment: "perf",
      metric,
      p99,
      p50: p99 / 3,
      samples,
      windowStart: at,
      windowEnd: at + 60,
    });
    const snapshots = [];
    for (const m of [0, 1, 2]) {
      snapshots.push(snap("GET /checkout", t - 1500 + m * 300, 100, 200), snap("GET /checkout", t + 60 + m * 300, 150, 200));
      snapshots.push(snap("GET /home", t - 1500 + m * 300, 80, 200), snap("GET /home", t + 60 + m * 300, 60, 200));
      snapshots.push(snap("GET /rare", t - 1500 + m * 300, 50, 5), snap("GET /rare", t + 60 + m * 300, 90, 5));
    }
    await call("perf.record", { snapshots }, server.keys.ingest);
    await call(
      "audit.record",
      {
        entries: [
          {
            environment: "perf",
            actor: "alice",
            action: "config.change",
            target: "PAYMENTS_TIMEOUT=30s",
            occurredAt: t + 30,
            deployId: id,
          },
          { environment: "perf", actor: "bob", action: "feature_flag.enable", target: "new-checkout", occurredAt: t + 600 },
        ],
      },
      server.keys.ingest,
    );
    const verdict = await call("deploys.regression", { id }, server.keys.read);
    expect(verdict.verdict).toBe("regressed");

    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.goto(`${server.url}/#/deploys/${id}`);
    const panel = page.getByTestId("correlations-panel");
    await panel.locator("[data-testid=regression-verdict][data-verdict=regressed]").waitFor();
    const metric = (name: string) => panel.locator(`[data-testid=regression-metric][data-metric="${name}"]`);
    expect(await metric("GET /checkout").getAttribute("data-verdict")).toBe("regressed");
    await expect
      .poll(() => metric("GET /checkout").innerText(), { timeout: WAIT_MS })
      .toMatch(/100 ms → 150 ms[\s\S]*\+50\.0%[\s\S]*600 \/ 600 samples/);
    expect(await metric("GET /home").getAttribute("data-verdict")).toBe("improved");
    await expect.poll(() => metric("GET /home").innerText(), { timeout: WAIT_MS }).toContain("-25.0%");
    expect(await metric("GET /rare").getAttribute("data-verdict")).toBe("insufficient_data");
    // One chart per metric, each with its three snapshots on either side of the go-live line.
    expect(await panel.getByTestId("p99-chart").count()).toBe(3);
    expect(await metric("GET /checkout").locator("circle").count()).toBe(6);
    expect(await metric("GET /checkout").locator("line.chart-golive").count()).toBe(1);
    // The caption names the go-live and shows its time, formatted as the page formats times.
    await expect
      .poll(() => panel.locator("p.small").first().innerText(), { timeout: WAIT_MS })
      .toMatch(/^p99 in the hour before go-live at /);
    const goLive = await page.evaluate(
      (at) =>
        new Date(at * 1000).toLocaleString(undefined, {
          month: "short",
          day: "numeric",
          hour: "2-digit",
          minute: "2-digit",
          second: "2-digit",
        }),
      t,
    );
    await expect.poll(() => panel.getByTestId("go-live-time").innerText(), { timeout: WAIT_MS }).toBe(goLive);
    const audit = panel.getByTestId("audit-entry");
    expect(await audit.count()).toBe(2);
    await expect.poll(() => audit.nth(0).innerText(), { timeout: WAIT_MS }).toMatch(/alice[\s\S]*config\.change[\s\S]*names this deploy/);
    await expect.poll(() => audit.nth(1).innerText(), { timeout: WAIT_MS }).toMatch(/bob[\s\S]*feature_flag\.enable/);
    await screenshot(page, "22-deploy-correlations");
    await page.close();
  });

  it("shows a read key the settings read-only, with no form and no subscriptions, and the server refuses its changes", async () => {
    await call("environments.update", { environment: "ro-env", healthUrl: "https://ro.example.com/healthz" });
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.getByTestId("scope").filter({ hasText: "read key" }).waitFor();
    await page.goto(`${server.url}/#/settings?env=ro-env`);
    await page.getByTestId("settings-read-only").waitFor();
    await expect
      .poll(() => page.getByTestId("policy-ro-env").innerText(), { timeout: WAIT_MS })
      .toContain("https://ro.example.com/healthz");
    expect(await page.locator("form.policy-form").count()).toBe(0);
    expect(await page.locator("input").count()).toBe(0);
    expect(await page.getByTestId("hooks-panel").count()).toBe(0);
    await screenshot(page, "23-settings-read-only");
    const refused = await server.request("environments.update", {
      input: { environment: "ro-env", healthUrl: null },
      key: server.keys.read,
    });
    expect(refused.body.error.data.cuittyCode).toBe("FORBIDDEN_SCOPE");
    await page.close();
  });

  it("lets an admin edit the health policy, shows refusals next to their fields, and environments.list returns the change", async () => {
    await call("environments.update", { environment: "edit-me" });
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
    await page.goto(`${server.url}/#/settings`);
    // The environment's tab opens its form (and puts it in the URL).
    await page.locator("nav.tabs a", { hasText: "edit-me" }).click();
    const form = page.getByTestId("policy-form-edit-me");
    await form.waitFor();

    await form.locator("input[name=healthUrl]").fill("ftp://edit-me.example.com/healthz");
    await form.locator("input[name=healthChecks]").fill("0");
    await form.locator("button[type=submit]").click();
    await expect.poll(() => form.getByTestId("error-healthUrl").innerText(), { timeout: WAIT_MS }).toMatch(/\S/);
    await expect.poll(() => form.getByTestId("error-healthChecks").innerText(), { timeout: WAIT_MS }).toMatch(/1/);
    expect(await form.getByTestId("error-healthIntervalSeconds").count()).toBe(0);
    await screenshot(page, "24-settings-validation");
    const before = (await call("environments.list", undefined, server.keys.read)).find((e: { name: string }) => e.name === "edit-me");
    expect(before).toMatchObject({ healthUrl: null, healthChecks: 10 });

    await form.locator("input[name=healthUrl]").fill("https://edit-me.example.com/healthz");
    await form.locator("input[name=healthChecks]").fill("5");
    await form.locator("input[name=healthIntervalSeconds]").fill("15");
    await form.locator("input[name=healthFailures]").fill("2");
    await form.locator("input[name=autoRollback]").check();
    await form.locator("input[name=rollbackWebhookUrl]").fill("https://hooks.example.com/rollback");
    await form.locator("button[type=submit]").click();
    await form.getByTestId("policy-saved").waitFor();
    expect(await form.locator(".field-error").count()).toBe(0);
    const after = (await call("environments.list", undefined, server.keys.read)).find((e: { name: string }) => e.name === "edit-me");
    expect(after).toMatchObject({
      healthUrl: "https://edit-me.example.com/healthz",
      healthChecks: 5,
      healthIntervalSeconds: 15,
      healthFailures: 2,
      healthExpectStatus: 200,
      autoRollback: true,
      rollbackWebhookUrl: "https://hooks.example.com/rollback",
      rollbackGithubRepo: null,
    });
    await screenshot(page, "25-settings-saved");
    await page.close();
  });

  it("lets an admin point an environment at Prometheus with a write-only token, and shows why Prometheus gave no verdict", async () => {
    await call("environments.update", { environment: "prom-env" });
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
    await page.goto(`${server.url}/#/settings?env=prom-env`);
    const form = page.getByTestId("prometheus-form-prom-env");
    await form.waitFor();
    // Nothing listens on a port that was just free: the verdict below must say so.
    const gone = await localServer(() => {});
    await gone.close();
    await form.locator("input[name=prometheusUrl]").fill(gone.url);
    await form.locator("input[name=prometheusErrorMax]").fill("0.02");
    await form.locator("select[name=prometheusAuth]").selectOption("bearer");
    await form.locator("input[name=prometheusSecret]").fill("dash-secret-token");
    await form.locator("button[type=submit]").click();
    await form.getByTestId("prometheus-saved").waitFor();
    const env = (await call("environments.list", undefined, server.keys.read)).find((e: { name: string }) => e.name === "prom-env");
    expect(env).toMatchObject({
      prometheusUrl: gone.url,
      prometheusErrorMax: 0.02,
      prometheusAuth: "bearer",
      prometheusLatencyQuery: null,
    });
    expect(JSON.stringify(env)).not.toContain("dash-secret-token");
    await expect.poll(() => form.locator("label[data-field=prometheusAuth]").innerText(), { timeout: WAIT_MS }).toContain("now: bearer");
    expect(await page.content()).not.toContain("dash-secret-token");

    const id = await emit({ deploy: "prom-1", status: "live", environment: "prom-env", occurredAt: NOW - 7200 });
    await page.goto(`${server.url}/#/deploys/${id}`);
    const reason = page.getByTestId("regression-reason");
    await reason.waitFor();
    await expect
      .poll(() => reason.innerText(), { timeout: WAIT_MS })
      .toMatch(/Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer .*ECONNREFUSED/);
    await screenshot(page, "25b-regression-prometheus-down");
    await page.close();
  });
});

describe("DORA metrics, phases, mark as bad and outbound hooks (issue 7)", () => {
  let seeded: Promise<number> | undefined;
  /**
   * Four go-lives (lead times 1 h, 2 h, 1 h, 1 h); one run failed before going live (a failed run, not a change
   * failure); the last go-live rolled back after 30 min (the one change failure, restored by the rollback to a
   * healthy deploy). Known answers. Once per run.
   */
  function seedDora(): Promise<number> {
    seeded ??= seedDoraOnce();
    return seeded;
  }
  async function seedDoraOnce(): Promise<number> {
    const b = NOW - 9 * DAY;
    const first = await emit({ deploy: "dora-1", environment: "dora", status: "building", occurredAt: b, committedAt: b - 3000 });
    await emit({ deploy: "dora-1", environment: "dora", status: "deploying", occurredAt: b + 400 });
    await emit({ deploy: "dora-1", environment: "dora", status: "live", occurredAt: b + 600 });
    await emit({ deploy: "dora-2", environment: "dora", status: "live", occurredAt: NOW - 7 * DAY, committedAt: NOW - 7 * DAY - 7200 });
    const f = NOW - 5 * DAY;
    await emit({ deploy: "dora-3", environment: "dora", status: "building", occurredAt: f - 300 });
    await emit({ deploy: "dora-3", environment: "dora", status: "failed", occurredAt: f, reason: "tests failed" });
    await emit({ deploy: "dora-4", environment: "dora", status: "live", occurredAt: f + 1800, committedAt: f - 1800 });
    await emit({ deploy: "dora-5", environment: "dora", status: "live", occurredAt: NOW - 2 * DAY, committedAt: NOW - 2 * DAY - 3600 });
    await emit({ deploy: "dora-5", environment: "dora", status: "rolled_back", occurredAt: NOW - 2 * DAY + 1800, reason: "p99 doubled" });
    return first;
  }

  it("shows the four DORA figures of a known history with their bands, and the phase timings", async () => {
    const first = await seedDora();
    const api = await call("metrics.dora", { environment: "dora" }, server.keys.read);
    expect(api.bands).toEqual({ deploymentFrequency: "medium", leadTime: "elite", changeFailureRate: "low", timeToRestore: "elite" });

    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.goto(`${server.url}/#/metrics/dora?range=30d&bucket=day`);
    const figure = (m: string) => page.getByTestId(`dora-${m}`);
    await figure("deploymentFrequency").waitFor();
    await expect.poll(() => figure("deploymentFrequency").getByTestId("dora-value").innerText(), { timeout: WAIT_MS }).toBe("4.0 a month");
    await expect.poll(() => figure("deploymentFrequency").innerText(), { timeout: WAIT_MS }).toContain("4 deploys went live");
    await expect.poll(() => figure("leadTime").getByTestId("dora-value").innerText(), { timeout: WAIT_MS }).toBe("1 h 0 min");
    // The definitions changed with issue 11: 1 of 4 go-lives (was 1 of 5 "finished", counting the failed run).
    await expect.poll(() => figure("changeFailureRate").getByTestId("dora-value").innerText(), { timeout: WAIT_MS }).toBe("25%");
    await expect.poll(() => figure("changeFailureRate").innerText(), { timeout: WAIT_MS }).toContain("1 of 4 deploys that went live");
    await expect
      .poll(() => figure("changeFailureRate").getByTestId("failed-runs").innerText(), { timeout: WAIT_MS })
      .toContain("1 run failed before going live");
    await expect.poll(() => figure("timeToRestore").getByTestId("dora-value").innerText(), { timeout: WAIT_MS }).toBe("30 min 0 s");
    for (const [m, band] of Object.entries(api.bands)) expect(await figure(m).getAttribute("data-band")).toBe(band);
    // Each figure says what it counts, with DORA's words as its title.
    const definition = (m: string) => figure(m).getByTestId("dora-definition");
    await expect.poll(() => definition("timeToRestore").innerText(), { timeout: WAIT_MS }).toContain("rollback to a healthy deploy");
    await expect(definition("changeFailureRate").getAttribute("title")).resolves.toContain("degraded service");
    await expect.poll(() => definition("leadTime").innerText(), { timeout: WAIT_MS }).toContain("median over commits");
    await expect.poll(() => definition("deploymentFrequency").innerText(), { timeout: WAIT_MS }).toContain("went live");
    // A bar per day of the range, one per go-live day non-empty.
    const bars = figure("deploymentFrequency").locator("rect.chart-bar");
    expect(await bars.count()).toBe(api.deploymentFrequency.series.length);
    await expect.poll(() => figure("changeFailureRate").locator(".band-current").innerText(), { timeout: WAIT_MS }).toMatch(/^low/);

    const phase = (p: string) => page.locator(`[data-testid=phase-timing][data-phase=${p}]`);
    await expect.poll(() => phase("building").getByTestId("phase-median").innerText(), { timeout: WAIT_MS }).toBe("6 min 40 s");
    await expect.poll(() => phase("deploying").getByTestId("phase-median").innerText(), { timeout: WAIT_MS }).toBe("3 min 20 s");
    await screenshot(page, "26-metrics-dora");

    await page.goto(`${server.url}/#/deploys/${first}`);
    const phases = page.getByTestId("deploy-phases");
    await expect.poll(() => phases.locator("[data-phase=building]").innerText(), { timeout: WAIT_MS }).toContain("6 min 40 s");
    await expect.poll(() => phases.locator("[data-phase=total]").innerText(), { timeout: WAIT_MS }).toContain("10 min 0 s");
    await page.close();
  });

  it("lists the commits a deploy shipped on its page and counts them on the timeline", async () => {
    const commits = [
      { sha: "1111111aaaaaaa", committedAt: NOW - 3 * 3600 },
      { sha: "2222222bbbbbbb", committedAt: NOW - 2 * 3600 },
      { sha: "3333333ccccccc", committedAt: NOW - 3600 },
    ];
    const id = await emit({
      deploy: "shipped-1",
      environment: "shipped",
      status: "live",
      version: "v7.0.0",
      occurredAt: NOW - 600,
      commits,
    });
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.goto(`${server.url}/#/deploys/${id}`);
    const list = page.getByTestId("shipped-commits");
    await list.getByTestId("shipped-commit").first().waitFor();
    expect(await list.getByTestId("shipped-commit").evaluateAll((els) => els.map((e) => e.getAttribute("data-sha")))).toEqual(
      commits.map((c) => c.sha),
    );
    await expect.poll(() => list.innerText(), { timeout: WAIT_MS }).toContain("3 commits shipped");
    await page.goto(`${server.url}/#/env/shipped`);
    const row = page.locator(`[data-testid=timeline-row][data-deploy-id="${id}"]`);
    await expect.poll(() => row.getByTestId("commit-count").innerText(), { timeout: 10_000 }).toBe("3 commits");
    await page.close();
  });

  it("marks a deploy bad with a reason, shows who and why on the detail and the timeline, and marks it good again", async () => {
    await emit({ deploy: "mark-1", environment: "marks", status: "live", version: "v5.0.0", occurredAt: NOW - 600 });
    const id = await emit({ deploy: "mark-2", environment: "marks", status: "live", version: "v5.1.0", occurredAt: NOW - 300 });
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
    await page.goto(`${server.url}/#/deploys/${id}`);
    await page.getByTestId("mark-bad-button").click();
    await page.getByTestId("mark-bad-form").locator("input[name=reason]").fill("corrupts invoices");
    await page.getByTestId("mark-bad-confirm").click();
    const notice = page.getByTestId("marked-bad");
    await expect.poll(() => notice.getByTestId("marked-bad-reason").innerText(), { timeout: WAIT_MS }).toBe("corrupts invoices");
    // The key's label, not its id: the first-start admin key is labelled "first admin key".
    await expect.poll(() => notice.innerText(), { timeout: WAIT_MS }).toMatch(/Marked bad by first admin key at/);
    await page.getByTestId("mark-history").filter({ hasText: "marked it bad: corrupts invoices" }).waitFor();
    const detail = await call("deploys.get", { id }, server.keys.read);
    expect(detail).toMatchObject({ markedBadReason: "corrupts invoices", status: "live" });
    expect(detail.markedBadBy).toMatch(/^key:/);
    await screenshot(page, "27-deploy-marked-bad");

    await page.goto(`${server.url}/#/env/marks`);
    const row = page.locator(`[data-testid=timeline-row][data-deploy-id="${id}"]`);
    await row.getByTestId("marked-bad-badge").waitFor();
    await expect
      .poll(() => row.getByTestId("marked-bad-reason").innerText(), { timeout: WAIT_MS })
      .toBe("Marked bad by first admin key: corrupts invoices");
    await screenshot(page, "28-timeline-marked-bad");

    await page.goto(`${server.url}/#/deploys/${id}`);
    await page.getByTestId("mark-good-button").click();
    await page.getByTestId("mark-bad-button").waitFor();
    expect(await page.getByTestId("marked-bad").count()).toBe(0);
    expect((await call("deploys.get", { id }, server.keys.read)).markedBadAt).toBeNull();
    await page.close();
  });

  it("adds an outbound hook subscription, shows its deliveries with status codes, and removes it", async () => {
    // The receiver fails the first delivery, then accepts: the log shows both answers.
    const receiver = await localServer((n, _req, res) => {
      res.writeHead(n === 0 ? 500 : 204);
      res.end();
    });
    try {
      const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
      await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
      await page.goto(`${server.url}/#/settings`);
      const panel = page.getByTestId("hooks-panel");
      await panel.getByTestId("hooks-empty").waitFor();
      const url = `${receiver.url}/cuitty`;
      await panel.locator("input[name=url]").fill(url);
      await panel.locator("input[name=environments]").fill("hooked");
      await panel.getByTestId("hook-add-button").click();
      await expect.poll(() => panel.getByTestId("hook-secret").innerText(), { timeout: WAIT_MS }).toMatch(/whsec_\S+/);
      const hook = panel.locator(`[data-testid=hook][data-url="${url}"]`);
      await hook.waitFor();
      await expect.poll(() => hook.innerText(), { timeout: WAIT_MS }).toContain("environments: hooked");
      const listed = await call("hooks.list", undefined);
      expect(listed).toHaveLength(1);

      await emit({ deploy: "hooked-1", environment: "hooked", status: "live", version: "v6.0.0" });
      await waitUntil("two delivery attempts", async () => receiver.requests.length >= 2);
      expect(receiver.requests[1]!.headers["x-cuitty-signature"]).toMatch(/^v1=/);
      await hook.getByTestId("hook-log-toggle").click();
      await hook.locator("[data-testid=hook-delivery][data-outcome=delivered][data-status-code='204']").waitFor();
      await hook.locator("[data-testid=hook-delivery][data-outcome=failed][data-status-code='500']").waitFor();
      await screenshot(page, "29-settings-hooks");

      await hook.getByTestId("hook-remove").click();
      await hook.getByTestId("hook-remove-confirm").click();
      await panel.getByTestId("hooks-empty").waitFor();
      expect(await call("hooks.list", undefined)).toEqual([]);
      await page.close();
    } finally {
      await receiver.close();
    }
  });

  it("fits the metrics, settings and deploy pages on a phone-width screen", async () => {
    const first = await seedDora();
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${server.url}/#/metrics/dora`);
    await page.getByTestId("phase-timings").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "30-metrics-phone-dark");
    await page.goto(`${server.url}/#/settings?env=dora`);
    await page.getByTestId("policy-form-dora").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "31-settings-phone-dark");
    await page.goto(`${server.url}/#/deploys/${first}`);
    await page.getByTestId("deploy-phases").waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.close();
  });
});
