// The product page's TypeScript samples, exactly as published: they compile, and run against a real server and a fake GitHub.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { deploys, environments } from "@cuitty/db/schema";
import { type TestServer, startTestServer } from "@cuitty/server/testing";
import { type FakeGithub, fakeRun, startFakeGithub } from "./fakeGithub.js";
import { waitFor } from "./helpers.js";

const here = join(import.meta.dirname, "productPage");
const built = join(import.meta.dirname, "..", "test-artifacts", "productPage");

let github: FakeGithub;
let server: TestServer;
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  // Compiling is the typecheck, against the built package as a user gets it (its .d.ts files): noEmitOnError,
  // so a sample that does not typecheck fails here with tsc's message.
  const tsc = join(import.meta.dirname, "..", "node_modules", ".bin", "tsc");
  await promisify(execFile)(tsc, ["-p", join(here, "tsconfig.json")]).catch((e: { stdout?: string; message: string }) => {
    throw new Error(`the product page's samples do not compile:\n${e.stdout || e.message}`);
  });
}, 120_000);

beforeEach(async () => {
  github = await startFakeGithub();
  server = await startTestServer();
  const t = new Date(Date.now() - 60_000).toISOString();
  github.runs.set(7, fakeRun(7, t, { status: "completed", conclusion: "success" }));
  output = "";
});
afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  child = undefined;
  await github.stop();
  await server.stop();
});

function runSample(file: string): ChildProcess {
  child = spawn(process.execPath, ["--import", join(here, "portalRedirect.mjs"), join(built, file)], {
    env: {
      PATH: process.env.PATH,
      CUITTY_PROJECT_ID: server.projectId,
      CUITTY_API_KEY: server.keys.ingest,
      GITHUB_TOKEN: github.token,
      CUITTY_GITHUB_API_URL: github.url,
      CUITTY_TEST_REDIRECT: server.url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return child;
}

async function liveDeploysIn(environment: string): Promise<string[]> {
  const rows = await server.db.deploys
    .select({ key: deploys.externalKey })
    .from(deploys)
    .innerJoin(environments, eq(environments.id, deploys.envId))
    .where(and(eq(environments.name, environment), eq(deploys.status, "live")));
  return rows.map((r) => r.key ?? "");
}

describe("the product page's TypeScript samples", () => {
  it("the first sample runs as written: deploysPlugin() is the manual provider and the github plugin reports its run live", async () => {
    const proc = runSample("sample.js");
    await waitFor(
      "the run to be recorded live in production",
      async () => {
        if (proc.exitCode !== null) throw new Error(`the sample exited with ${proc.exitCode}:\n${output}`);
        return (await liveDeploysIn("production")).length === 1;
      },
      20_000,
    );
    expect(await liveDeploysIn("production")).toEqual(["github:cuitty/cuitty:run:7:1"]);
    expect(output).toBe("");
  });

  it("the drop-in snippet without an environment reports to production", async () => {
    const proc = runSample("dropIn.js");
    await waitFor(
      "the run to be recorded live in production",
      async () => {
        if (proc.exitCode !== null) throw new Error(`the snippet exited with ${proc.exitCode}:\n${output}`);
        return (await liveDeploysIn("production")).length === 1;
      },
      20_000,
    );
    expect(await liveDeploysIn("production")).toEqual(["github:cuitty/cuitty:run:7:1"]);
    expect(github.log.every((r) => r.path.startsWith("/repos/cuitty/cuitty/"))).toBe(true);
    expect(output).toBe("");
  });
});
