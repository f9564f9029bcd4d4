// Test support: Debian's chromium through playwright-core with a fresh profile, screenshots in test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, type Page, chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
// No trailing slash: the server's static handler compares paths against `dir + sep`.
const require = createRequire(import.meta.url);
export const DIST_DIR = join(dirname(require.resolve("@cuitty/dashboard/package.json")), "dist");
/** The built `cuitty` binary, as the README's commands run it. */
export const CLI_BIN = join(dirname(require.resolve("@cuitty/cli/package.json")), "dist", "main.js");
const ARTIFACTS_DIR = fileURLToPath(new URL("../test-artifacts", import.meta.url));
/** Every wait in these tests is bounded by this (polling is every 3 s). */
export const WAIT_MS = 15_000;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium with \`apt-get install -y chromium\` (CI installs it)`);
  }
  if (!existsSync(join(DIST_DIR, "index.html"))) {
    throw new Error(
      `the dashboard is not built (${DIST_DIR}); run \`pnpm build\` in apps/dashboard, or \`pnpm exec turbo run test --filter=@cuitty/e2e\``,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "cuitty-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 860 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true, timeout: WAIT_MS });
}

/** Opens a new tab (its own sessionStorage) and signs in; returns once the sign-in answered either way. */
export async function signIn(context: BrowserContext, url: string, projectId: string, apiKey: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.fill("input[name=projectId]", projectId);
  await page.fill("input[name=apiKey]", apiKey);
  await page.click("button[type=submit]");
  await page.locator("main.page, #signin-error").first().waitFor();
  return page;
}
