// The dashboard in a real browser against a real server: sign-in, overview, timeline, detail, rollback, live updates.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstDeployCommands } from "@cuitty/dashboard/firstDeployCommands";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { type Browser, DIST_DIR, WAIT_MS, launchBrowser, screenshot, signIn } from "./browser.js";

let server: TestServer;
let browser: Browser;
const T0 = Math.floor(Date.now() / 1000) - 3600;
const ids: Record<string, number> = {};

async function emit(input: Record<string, unknown>): Promise<number> {
  const res = await server.request("deploys.emit", { input: { type: "deploy", ...input }, key: server.keys.ingest });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result.data.deploy.id as number;
}

/** A deploy that goes through building and deploying to `status`, `minutes` after T0. */
async function deploy(
  key: string,
  env: string,
  version: string,
  minutes: number,
  status: "live" | "failed",
  extra: { branch?: string; reason?: string } = {},
) {
  const { reason, ...rest } = extra;
  const base = {
    deploy: key,
    environment: env,
    version,
    commitSha: `${minutes.toString(16).padStart(4, "0")}abcdef0123456789`,
    branch: "main",
    triggeredBy: "octocat",
    buildLogsUrl: `https://github.com/acme/api/actions/runs/${1000 + minutes}`,
    ...rest,
  };
  const at = T0 + minutes * 60;
  await emit({ ...base, id: `${key}:b`, status: "building", occurredAt: at });
  await emit({ ...base, id: `${key}:d`, status: "deploying", occurredAt: at + 95 });
  const id = await emit({ ...base, id: `${key}:${status}`, status, occurredAt: at + 140, reason });
  ids[key] = id;
  return id;
}

let seeded: Promise<void> | undefined;
/** Three production releases (live, failed, live) and one staging release; once per run, so any test may run alone. */
function seedReleases(): Promise<void> {
  seeded ??= (async () => {
    await deploy("rel-100", "production", "v1.0.0", 1, "live");
    await deploy("rel-110", "production", "v1.1.0", 10, "failed", { reason: "migration failed" });
    await deploy("rel-120", "production", "v1.2.0", 20, "live");
    await deploy("stg-120", "staging", "v1.2.0-rc.1", 15, "live", { branch: "release/1.2" });
  })();
  return seeded;
}

function rows(page: Page) {
  return page.getByTestId("timeline-row");
}
function row(page: Page, id: number) {
  return page.locator(`[data-testid=timeline-row][data-deploy-id="${id}"]`);
}

beforeAll(async () => {
  server = await startTestServer({ config: { dashboardDir: DIST_DIR } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the dashboard", () => {
  it("refuses a wrong key with a plain message and stores nothing", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, "cuitty_wrong_key");
    await expect
      .poll(() => page.locator("#signin-error").innerText(), { timeout: WAIT_MS })
      .toMatch(/Wrong key: it is not an active key of project/);
    expect(await page.evaluate(() => sessionStorage.getItem("cuitty.session"))).toBeNull();
    await screenshot(page, "01-sign-in-wrong-key");

    await page.fill("input[name=projectId]", "no-such-project");
    await page.click("button[type=submit]");
    await page.locator("#signin-error", { hasText: "There is no project" }).waitFor();

    await page.fill("input[name=projectId]", server.projectId);
    await page.fill("input[name=apiKey]", server.keys.ingest);
    await page.click("button[type=submit]");
    await page.locator("#signin-error", { hasText: "Sign in with a read or admin key" }).waitFor();
    await page.close();
  });

  it("shows a new project how to send its first deploy, and that cURL line works", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.getByTestId("empty-state").waitFor();
    const text = await page.getByTestId("empty-state").innerText();
    expect(text).toContain("curl");
    expect(text).toContain("cuitty deploy run --env production");
    await screenshot(page, "02-empty-state");

    // Run the page's own cURL lines with an ingest key: the first deploy then appears without a reload.
    const { curl } = firstDeployCommands(server.url, server.projectId);
    // Into its own environment, so the releases below stay the current deploys of production.
    const script = curl.replace("<an ingest or admin key>", server.keys.ingest).replace('"production"', '"sandbox"');
    // Async: the server answers from this same process.
    const { stdout: out } = await promisify(execFile)("bash", ["-c", script], { encoding: "utf8", timeout: WAIT_MS });
    expect(JSON.parse(out).result.data.deploy.status).toBe("live");
    await page.locator("[data-testid=env-card-sandbox] [data-testid=current-deploy]", { hasText: "v0.1.0" }).waitFor();
    await page.close();
  });

  it("shows events sent over the wire on the overview and the timeline, failures as failures", async () => {
    await seedReleases();

    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    const production = page.getByTestId("env-card-production");
    await production.getByTestId("current-deploy").filter({ hasText: "v1.2.0" }).waitFor();
    await expect
      .poll(() => production.getByTestId("current-deploy").innerText(), { timeout: WAIT_MS })
      .toMatch(/octocat[\s\S]*main|main[\s\S]*octocat/);
    await production.getByTestId("last-failure").filter({ hasText: "v1.1.0" }).waitFor();
    await expect.poll(() => production.getByTestId("last-failure").innerText(), { timeout: WAIT_MS }).toContain("migration failed");
    await page.getByTestId("env-card-staging").getByTestId("current-deploy").filter({ hasText: "v1.2.0-rc.1" }).waitFor();
    await screenshot(page, "03-overview");

    await production.getByRole("link", { name: "production" }).click();
    await row(page, ids["rel-120"]!).waitFor();
    expect(await rows(page).count()).toBe(3);
    const failed = row(page, ids["rel-110"]!);
    expect(await failed.getAttribute("data-status")).toBe("failed");
    await expect.poll(() => failed.innerText(), { timeout: WAIT_MS }).toMatch(/✕ failed[\s\S]*Failed: migration failed/);
    const commit = row(page, ids["rel-120"]!).locator("a.mono");
    expect(await commit.getAttribute("href")).toMatch(/^https:\/\/github\.com\/acme\/api\/commit\/0014abcdef/);
    await expect.poll(() => row(page, ids["rel-120"]!).innerText(), { timeout: WAIT_MS }).toContain("current");
    await screenshot(page, "04-timeline");

    // Filters: status and branch narrow the list; the URL keeps them.
    await page.selectOption("select[name=status]", "failed");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=timeline-row]").length === 1, undefined, { timeout: WAIT_MS });
    expect(page.url()).toContain("status=failed");
    await page.selectOption("select[name=status]", "");
    await page.fill("input[name=branch]", "no-such-branch");
    await page.click("form.filters button[type=submit]");
    await page.getByTestId("timeline-empty").filter({ hasText: "No deploys match" }).waitFor();
    await page.close();
  });

  it("shows each transition with its time in phase on the deploy detail page", async () => {
    await seedReleases();
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.goto(`${server.url}/#/deploys/${ids["rel-110"]}`);
    const table = page.getByTestId("transitions");
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toMatch(/building[\s\S]*1 min 35 s/);
    expect(text).toMatch(/deploying[\s\S]*45 s/);
    expect(text).toMatch(/failed[\s\S]*final/);
    await page.getByTestId("health-panel").waitFor();
    await page.getByTestId("correlations-panel").waitFor();
    expect(await page.getByTestId("rollback-button").count()).toBe(0);
    await screenshot(page, "05-deploy-detail-failed");
    await page.close();
  });

  it("gives a read key no rollback button", async () => {
    await seedReleases();
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.getByTestId("scope").filter({ hasText: "read key" }).waitFor();
    await page.goto(`${server.url}/#/env/production`);
    await row(page, ids["rel-120"]!).waitFor();
    await page.goto(`${server.url}/#/deploys/${ids["rel-120"]}`);
    await page.getByTestId("deploy-facts").waitFor();
    expect(await page.getByTestId("rollback-button").count()).toBe(0);
    await page.goto(`${server.url}/#/env/production`);
    await row(page, ids["rel-120"]!).waitFor();
    expect(await page.getByTestId("rollback-button").count()).toBe(0);
    await page.close();
  });

  it("offers an admin rollback only on the deploy in charge, not on one a later go-live superseded", async () => {
    await seedReleases();
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
    await page.goto(`${server.url}/#/deploys/${ids["rel-120"]}`);
    await page.getByTestId("rollback-button").waitFor();
    // rel-120 is current; it went live after rel-100 went live and after rel-110 started, superseding both.
    for (const key of ["rel-100", "rel-110"]) {
      await page.goto(`${server.url}/#/deploys/${ids[key]}`);
      await page.getByTestId("deploy-facts").waitFor();
      expect(await page.getByTestId("rollback-button").count()).toBe(0);
    }
    await page.close();
  });

  it("rolls back with an admin key after a confirmation naming the target, and draws the rollback", async () => {
    await seedReleases();
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
    await page.goto(`${server.url}/#/env/production`);
    const current = row(page, ids["rel-120"]!);
    await current.getByTestId("rollback-button").click();
    const confirm = current.getByTestId("rollback-confirm");
    // Named as a person would: title, id, when it went live, commit (was "v1.0.0 (#1, 0001abc)").
    await expect
      .poll(() => confirm.getByTestId("rollback-target").innerText(), { timeout: WAIT_MS })
      .toMatch(new RegExp(`^v1\\.0\\.0, #${ids["rel-100"]}, live \\d+ min ago, 0001abc$`));
    await screenshot(page, "06-rollback-confirm");
    await confirm.locator("input").fill("error rate up");
    await confirm.getByTestId("rollback-confirm-button").click();

    await page.locator(`[data-testid=timeline-row][data-deploy-id="${ids["rel-120"]}"][data-status=rolled_back]`).waitFor();
    const detail = await server.request("deploys.get", { method: "GET", input: { id: ids["rel-120"] }, key: server.keys.read });
    expect(detail.body.result.data).toMatchObject({ status: "rolled_back", rollbackTargetId: ids["rel-100"], reason: "error rate up" });

    const link = row(page, ids["rel-120"]!).getByTestId("rollback-link");
    expect(await link.getAttribute("data-target-id")).toBe(String(ids["rel-100"]));
    await expect.poll(() => link.innerText(), { timeout: WAIT_MS }).toBe(`v1.0.0 (#${ids["rel-100"]})`);
    // The arrow: starts at the rolled-back row, runs past the rows between, ends at the target.
    expect(await row(page, ids["rel-120"]!).locator(".seg-start").count()).toBe(1);
    expect(await row(page, ids["rel-110"]!).locator(".seg-mid").count()).toBe(1);
    expect(await row(page, ids["rel-100"]!).locator(".seg-end").count()).toBe(1);
    await expect.poll(() => row(page, ids["rel-100"]!).innerText(), { timeout: WAIT_MS }).toContain("current");
    await screenshot(page, "07-timeline-after-rollback");

    await page.goto(`${server.url}/#/`);
    const production = page.getByTestId("env-card-production");
    await production.getByTestId("current-deploy").filter({ hasText: "v1.0.0" }).waitFor();
    await production.getByTestId("last-rollback").filter({ hasText: "v1.2.0 → v1.0.0" }).waitFor();

    await page.goto(`${server.url}/#/deploys/${ids["rel-120"]}`);
    await page
      .getByTestId("rollback-target-link")
      .filter({ hasText: `v1.0.0 (#${ids["rel-100"]})` })
      .waitFor();
    await screenshot(page, "08-deploy-detail-rolled-back");
    await page.close();
  });

  it("shows a new event and its next transition on the open timeline without a reload", async () => {
    const first = await deploy("can-100", "canary", "v2.0.0", 30, "live");
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.goto(`${server.url}/#/env/canary`);
    await row(page, first).waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const id = await emit({ deploy: "can-110", environment: "canary", status: "building", version: "v2.1.0" });
    await row(page, id).filter({ hasText: "building" }).waitFor();
    await emit({ deploy: "can-110", environment: "canary", status: "live" });
    await page.locator(`[data-testid=timeline-row][data-deploy-id="${id}"][data-status=live]`).waitFor();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.close();
  });

  it("pages through ten thousand deploys with load more", { timeout: 180_000 }, async () => {
    const started = performance.now();
    for (let batch = 0; batch < 20; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => {
        const n = batch * 500 + i;
        return {
          type: "deploy",
          deploy: `bulk-${n}`,
          environment: "bulk",
          status: n % 10 === 3 ? "failed" : "live",
          version: `v0.${n}`,
          occurredAt: T0 - 20_000 + n,
        };
      });
      const res = await server.request("deploys.emitBatch", { input: { events }, key: server.keys.ingest });
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    }
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    const loadStarted = performance.now();
    await page.goto(`${server.url}/#/env/bulk`);
    await page.getByTestId("timeline").filter({ hasText: "v0.9999" }).waitFor();
    expect(await rows(page).count()).toBe(50);
    for (const expected of [100, 150, 200]) {
      await page.getByRole("button", { name: /Load 50 older deploys/ }).click();
      await page.waitForFunction((n) => document.querySelectorAll("[data-testid=timeline-row]").length === n, expected, {
        timeout: WAIT_MS,
      });
    }
    await page.getByTestId("timeline").filter({ hasText: "v0.9800" }).waitFor();
    console.log(
      `10,000 deploys: ingest ${Math.round(loadStarted - started)} ms, first page + 3 more ${Math.round(performance.now() - loadStarted)} ms`,
    );
    await page.close();
  });

  it("fits a phone-width screen and reads in dark mode", async () => {
    await seedReleases();
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.getByTestId("env-card-production").waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(15, 18, 22)");
    await screenshot(page, "09-overview-phone-dark");
    await page.goto(`${server.url}/#/env/production`);
    await row(page, ids["rel-120"]!).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, "10-timeline-phone-dark");
    await page.close();
  });
});
