// The organisation view in a real browser: sign in with an organisation key, read the matrix trouble first,
// filter it, watch the activity feed update, and walk from the matrix into one service's deploy.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, signedRequester, startTestServer } from "@cuitty/server/testing";
import { type Browser, CLI_BIN, DIST_DIR, WAIT_MS, launchBrowser, screenshot, signIn } from "./browser.js";

let server: TestServer;
let browser: Browser;
let orgKey: string;
const NOW = Math.floor(Date.now() / 1000);
const services: Record<string, { projectId: string; apiKey: string; deployId?: number }> = {};

async function cuitty(args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI_BIN, ...args, "--data", server.dataDir, "--json"], {
    timeout: WAIT_MS,
    env: { PATH: process.env.PATH },
  });
  return JSON.parse(stdout);
}

async function emit(service: string, input: Record<string, unknown>): Promise<number> {
  const s = services[service]!;
  const res = await signedRequester(server.url, s.projectId, s.apiKey)("deploys.emit", { input: { type: "deploy", ...input } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result.data.deploy.id as number;
}

beforeAll(async () => {
  server = await startTestServer({ config: { dashboardDir: DIST_DIR } });
  browser = await launchBrowser();
  // Services and the organisation key issued as the README says, with the built CLI on the data directory.
  for (const name of ["payments", "search"]) {
    const created = await cuitty(["projects", "create", name]);
    services[name] = { projectId: created.projectId, apiKey: created.apiKey };
  }
  orgKey = (await cuitty(["keys", "create", "--org", "--scope", "read", "--label", "platform team"])).apiKey;
  await emit("search", { id: "s1", deploy: "s1", environment: "production", status: "live", version: "s-1.0.0", occurredAt: NOW - 7200 });
  services.payments!.deployId = await emit("payments", {
    id: "p1",
    deploy: "p1",
    environment: "production",
    status: "live",
    version: "v2.0.0",
    occurredAt: NOW - 3600,
  });
  await emit("payments", {
    id: "p2",
    deploy: "p2",
    environment: "staging",
    status: "failed",
    version: "v2.1.0-rc",
    reason: "tests failed",
    occurredAt: NOW - 600,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the organisation view", () => {
  it("signs in with an organisation key and walks from the matrix to one service's deploy", async () => {
    const page = await signIn(browser.context, server.url, "org", orgKey);
    const rows = page.locator("[data-testid=org-service]");
    await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(3);
    // Trouble first: payments failed in staging 10 minutes ago; search is steady; the default project has nothing live.
    expect(
      await rows.evaluateAll((els) => els.map((e) => [e.querySelector("th a")?.textContent, e.getAttribute("data-attention")])),
    ).toEqual([
      ["payments", "failed_recently"],
      ["search", "steady"],
      ["default", "no_deploy"],
    ]);
    await expect.poll(() => page.getByTestId("org-event").count(), { timeout: WAIT_MS }).toBe(3);
    await expect.poll(() => page.getByTestId("org-dora-service").count(), { timeout: WAIT_MS }).toBe(2);
    await screenshot(page, "org-overview");

    // A text search narrows the matrix to one service.
    await page.getByLabel("Search services").fill("sea");
    await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(1);
    expect(await rows.first().locator("th a").textContent()).toBe("search");
    expect(page.url()).toContain("#/org?q=sea");
    await page.getByLabel("Search services").fill("");
    await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(3);

    // The feed updates live: a new transition appears at its top without a reload.
    await emit("search", { id: "s2", deploy: "s2", environment: "production", status: "building", version: "s-1.1.0" });
    await expect.poll(() => page.getByTestId("org-event").first().textContent(), { timeout: WAIT_MS }).toContain("s-1.1.0");

    // Into payments: the production cell's current deploy opens that deploy's page in that project.
    await page.getByTestId("cell-payments-production").getByTestId("cell-current").click();
    await page.waitForURL(`**/#/deploys/${services.payments!.deployId}`);
    await expect.poll(() => page.locator("main h1").first().textContent(), { timeout: WAIT_MS }).toContain("v2.0.0");
    expect(await page.locator(".topbar .project").textContent()).toBe(`organisation › ${services.payments!.projectId}`);
    await screenshot(page, "org-walk-into-deploy");

    // And back to the organisation.
    await page.getByRole("link", { name: "Organisation" }).click();
    await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(3);
    await page.close();
  });

  it("refuses a project key on the organisation's sign-in, saying it needs an organisation key", async () => {
    const page = await signIn(browser.context, server.url, "org", services.search!.apiKey);
    expect(await page.locator("#signin-error").textContent()).toContain("organisation");
    await page.close();
  });
});
