// Issue 11 in a real browser against a real server: not-found and outage states, environment order, actors by
// name, deploys by title, the rollback dialog's target, the labelled timeline, the phone-width transitions.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProcedurePath, type TestServer, startTestServer } from "@cuitty/server/testing";
import { type Browser, CLI_BIN, DIST_DIR, WAIT_MS, launchBrowser, screenshot, signIn } from "./browser.js";

const NOW = Math.floor(Date.now() / 1000);
const DAY = 86_400;
const SHA_A = "abc1234f00dfeed0123456789abcdef012345678";
const SHA_B = "def5678f00dfeed0123456789abcdef012345678";

let server: TestServer;
let browser: Browser;
const ids: Record<string, number> = {};

async function call<P extends ProcedurePath>(procedure: P, input: unknown, key = server.keys.admin) {
  const res = await server.request(procedure, { input, key });
  expect(res.status, `${procedure}: ${JSON.stringify(res.body).slice(0, 400)}`).toBe(200);
  return res.body.result.data;
}

async function emit(name: string, input: Record<string, unknown>): Promise<number> {
  const answer = await call(
    "deploys.emit",
    { type: "deploy", deploy: name, triggeredBy: "octocat", branch: "main", ...input },
    server.keys.ingest,
  );
  ids[name] = answer.deploy.id;
  return answer.deploy.id;
}

beforeAll(async () => {
  server = await startTestServer({ config: { dashboardDir: DIST_DIR } });
  browser = await launchBrowser();
  // Reported in an order where names sort before production.
  await emit("alpha-1", { environment: "alpha", status: "live", version: "a1" });
  await emit("pr-1", { environment: "preview-pr-412", status: "live", version: "pr412" });
  await emit("prod-1", {
    environment: "production",
    status: "live",
    version: "v1.26.0",
    commitSha: SHA_A,
    occurredAt: NOW - 2 * DAY - 600,
  });
  await emit("prod-2", { environment: "production", status: "live", version: "v1.27.0", commitSha: SHA_B, occurredAt: NOW - 3600 });
  // staging: a real failure, a live deploy known only by its commit, then a cancelled run known only by its key.
  await emit("stg-0", { environment: "staging", status: "failed", version: "v0.9.0", reason: "tests failed", occurredAt: NOW - 900 });
  await emit("stg-1", { environment: "staging", status: "live", commitSha: SHA_B, occurredAt: NOW - 600 });
  await emit("ci-991", { environment: "staging", status: "failed", reason: "cancelled", occurredAt: NOW - 300 });
  // hotfix: two go-lives, the second rolled back by a key labelled as CI labels it.
  await emit("hot-1", { environment: "hotfix", status: "live", version: "v2.0.0", occurredAt: NOW - 7200 });
  await emit("hot-2", { environment: "hotfix", status: "building", version: "v2.0.1", occurredAt: NOW - 3700 });
  await emit("hot-2", { environment: "hotfix", status: "live", version: "v2.0.1", occurredAt: NOW - 3600 });
  // A key issued as the README says, with the built CLI on the server's data directory.
  const issued = await promisify(execFile)(
    process.execPath,
    [
      CLI_BIN,
      "keys",
      "create",
      "--scope",
      "admin",
      "--label",
      "github actions",
      "--project",
      server.projectId,
      "--data",
      server.dataDir,
      "--json",
    ],
    { timeout: WAIT_MS, env: { PATH: process.env.PATH } },
  );
  const ci = JSON.parse(issued.stdout) as { apiKey: string };
  await call(
    "deploys.rollback",
    {
      deployId: ids["hot-2"],
      targetId: ids["hot-1"],
      reason: "error rate up after the invoices table migration; paging the on-call engineer",
    },
    ci.apiKey,
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Every request the page makes to a procedure, with the input it carried. */
function requestsTo(page: Page, procedure: string): string[] {
  const seen: string[] = [];
  page.on("request", (r: Request) => {
    const url = decodeURIComponent(r.url());
    if (url.includes(`/trpc/`) && url.split("/trpc/")[1]!.split("?")[0]!.split(",").includes(procedure)) seen.push(url);
  });
  return seen;
}

const cardOrder = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll("[data-testid^=env-card-]")].map((e) => e.getAttribute("data-environment")));

describe("the dashboard's answers (issue 11)", () => {
  it("says a deploy does not exist at once, asking the server once, instead of loading forever", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    const asked = requestsTo(page, "deploys.get");
    await page.goto(`${server.url}/#/deploys/99999`);
    const notFound = page.getByTestId("deploy-not-found");
    await notFound.waitFor();
    await expect.poll(() => notFound.innerText(), { timeout: WAIT_MS }).toMatch(/No deploy #99999[\s\S]*no deploy #99999 in this project/);
    expect(asked.filter((u) => u.includes('"id":99999'))).toHaveLength(1);
    await expect.poll(() => page.locator("main").innerText(), { timeout: WAIT_MS }).not.toContain("Loading deploy");
    await screenshot(page, "40-deploy-not-found");
    await page.close();
  });

  it("shows an unknown environment as not found after one request, with the project's own id in the instructions", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    const asked = requestsTo(page, "deploys.timeline");
    await page.goto(`${server.url}/#/env/no-such-env`);
    await page.getByTestId("environment-not-found").waitFor();
    expect(asked).toHaveLength(1);
    const text = await page.locator("main").innerText();
    expect(text).toContain(`cuitty keys create --project ${server.projectId}`);
    expect(text).toContain("cuitty deploy run --env no-such-env");
    expect(text).not.toContain("<project id>");
    await page.close();
  });

  it("shows an outage on the deploy page when the server stops answering", async () => {
    const other = await startTestServer({ config: { dashboardDir: DIST_DIR } });
    try {
      const first = await other.request("deploys.emit", {
        input: { type: "deploy", deploy: "o-1", environment: "production", status: "live", version: "v9" },
        key: other.keys.ingest,
      });
      const page = await signIn(browser.context, other.url, other.projectId, other.keys.read);
      await page.goto(`${other.url}/#/deploys/${first.body.result.data.deploy.id}`);
      await page.getByTestId("deploy-facts").waitFor();
      await other.stop();
      // Within the app (no reload, which would need the stopped server): open another deploy.
      await page.evaluate(() => (window.location.hash = "#/deploys/2"));
      const down = page.getByTestId("deploy-unavailable");
      await down.waitFor();
      await expect
        .poll(() => down.innerText(), { timeout: WAIT_MS })
        .toMatch(/Loading deploy #2 failed\. Could not reach the server[\s\S]*keeps trying/);
      await screenshot(page, "41-deploy-outage");
      await page.close();
    } finally {
      await other.stop().catch(() => {});
    }
  });

  it("lists production first, then staging, then the rest by name, and follows an order set with environments.update", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.getByTestId("env-card-hotfix").waitFor();
    expect(await cardOrder(page)).toEqual(["production", "staging", "alpha", "hotfix", "preview-pr-412"]);
    await call("environments.update", { environment: "preview-pr-412", sortOrder: 0 });
    await page.waitForFunction(
      () => document.querySelector("[data-testid^=env-card-]")?.getAttribute("data-environment") === "preview-pr-412",
      undefined,
      { timeout: WAIT_MS },
    );
    expect(await cardOrder(page)).toEqual(["preview-pr-412", "production", "staging", "alpha", "hotfix"]);
    await call("environments.update", { environment: "preview-pr-412", sortOrder: null });
    await page.close();
  });

  it("titles deploys by version, else short SHA, else key, and a cancelled run is not the last failure", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    const staging = page.getByTestId("env-card-staging");
    await staging.getByTestId("current-deploy").waitFor();
    await expect.poll(() => staging.getByTestId("deploy-title").innerText(), { timeout: WAIT_MS }).toBe("def5678");
    await expect
      .poll(() => staging.getByTestId("last-failure").innerText(), { timeout: WAIT_MS })
      .toMatch(/^Last failure\s*v0\.9\.0 · .* · tests failed$/);
    await screenshot(page, "42-overview-ordered");

    await page.goto(`${server.url}/#/env/staging`);
    const row = (id: number) => page.locator(`[data-testid=timeline-row][data-deploy-id="${id}"]`);
    await row(ids["ci-991"]!).waitFor();
    await expect.poll(() => row(ids["ci-991"]!).getByTestId("deploy-title").innerText(), { timeout: WAIT_MS }).toBe("ci-991");
    await expect.poll(() => row(ids["stg-1"]!).getByTestId("deploy-title").innerText(), { timeout: WAIT_MS }).toBe("def5678");
    // The meta line says what each value is.
    await expect
      .poll(() => row(ids["stg-1"]!).getByTestId("row-facts").innerText(), { timeout: WAIT_MS })
      .toMatch(/commit\s*def5678[\s\S]*branch\s*main[\s\S]*by\s*octocat[\s\S]*started\s*\d+ min ago[\s\S]*took/);

    await page.goto(`${server.url}/#/deploys/${ids["stg-1"]}`);
    await expect.poll(() => page.getByTestId("deploy-title").innerText(), { timeout: WAIT_MS }).toBe("def5678");
    await page.close();
  });

  it("names a key's actions by its label and a person by name, and keeps the Reason column on a phone", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.read);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/#/deploys/${ids["hot-2"]}`);
    const actors = page.getByTestId("transition-actor");
    await page.getByTestId("transitions").waitFor();
    expect(await actors.allInnerTexts()).toEqual(["octocat", "octocat", "github actions"]);
    expect(await page.getByTestId("transitions").innerText()).not.toContain("key:");
    const reason = page.getByTestId("transition-reason").last();
    await expect.poll(() => reason.innerText(), { timeout: WAIT_MS }).toContain("paging the on-call engineer");
    const fits = await reason.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.left >= 0 && box.right <= document.documentElement.clientWidth;
    });
    expect(fits).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, "43-transitions-phone");
    await page.close();
  });

  it("names the rollback target as a person would: title, id, when it went live, commit", async () => {
    const page = await signIn(browser.context, server.url, server.projectId, server.keys.admin);
    await page.getByTestId("scope").filter({ hasText: "admin key" }).waitFor();
    await page.goto(`${server.url}/#/deploys/${ids["prod-2"]}`);
    await page.getByTestId("rollback-button").click();
    const confirm = page.getByTestId("rollback-confirm");
    await expect
      .poll(() => confirm.getByTestId("rollback-target").innerText(), { timeout: WAIT_MS })
      .toBe(`v1.26.0, #${ids["prod-1"]}, live 2 d ago, abc1234`);
    await expect
      .poll(() => confirm.innerText(), { timeout: WAIT_MS })
      .toMatch(new RegExp(`Roll back production from v1\\.27\\.0 \\(#${ids["prod-2"]}\\) to v1\\.26\\.0, #`));
    await expect.poll(() => confirm.getByTestId("rollback-confirm-button").innerText(), { timeout: WAIT_MS }).toBe("Roll back to v1.26.0");
    await screenshot(page, "44-rollback-dialog");
    await page.close();
  });
});
