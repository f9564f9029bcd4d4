// One rule for the deploy key outside CI, for `deploy <status>` and `deploy run` alike: the git checkout's HEAD, else a refusal.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey, emptyDir, query, runCli } from "./helpers.js";

let server: TestServer;
let checkout: string;
let sha: string;

beforeAll(async () => {
  server = await startTestServer();
  checkout = emptyDir();
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], { cwd: checkout, encoding: "utf8" }).trim();
  git("init", "--quiet", "--initial-branch=release");
  writeFileSync(join(checkout, "app.txt"), "v1\n");
  git("add", "app.txt");
  git("commit", "--quiet", "-m", "first");
  sha = git("rev-parse", "HEAD");
});
afterAll(() => server?.stop());

const env = () => cleanEnv(connection(server, "ingest"));

describe("outside CI, in a git checkout", () => {
  it("deploy building and deploy live name one deploy git:<short sha>:<env>, print the key, and fill commit and branch from HEAD", async () => {
    const key = `git:${sha.slice(0, 7)}:staging`;
    const building = await runCli(["deploy", "building", "--env", "staging"], { env: env(), cwd: checkout });
    expect(building.code, building.stderr).toBe(0);
    expect(building.stderr).toContain(`deploy key ${key} (this git checkout's HEAD and --env; pass --deploy KEY`);
    const live = await runCli(["deploy", "live", "--env", "staging"], { env: env(), cwd: checkout });
    expect(live.code, live.stderr).toBe(0);
    const deploy = await deployByKey(server, key);
    expect(deploy).toMatchObject({ status: "live", commitSha: sha, branch: "release" });
    expect(deploy.events.map((e: { toStatus: string }) => e.toStatus)).toEqual(["building", "live"]);
  });

  it("deploy run uses the same rule and prints the key", async () => {
    const key = `git:${sha.slice(0, 7)}:production`;
    const result = await runCli(["deploy", "run", "--env", "production", "--", process.execPath, "-e", ""], { env: env(), cwd: checkout });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`deploy key ${key} (`);
    expect(await deployByKey(server, key)).toMatchObject({ status: "live", commitSha: sha });
  });

  it("--deploy and --commit still win over the checkout", async () => {
    const result = await runCli(["deploy", "live", "--env", "production", "--deploy", "release-7", "--commit", "abcdef1"], {
      env: env(),
      cwd: checkout,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("deploy key");
    expect(await deployByKey(server, "release-7")).toMatchObject({ commitSha: "abcdef1" });
  });
});

describe("outside CI and outside a git checkout", () => {
  it("deploy building and deploy run both refuse without --deploy, with the fix, and deploy run does not run the command", async () => {
    const before = (await query(server, "deploys.list", { limit: 200 })).items.length;
    const dir = emptyDir();
    const marker = join(dir, "ran");
    const building = await runCli(["deploy", "building", "--env", "staging"], { env: env(), cwd: dir });
    const run = await runCli(
      ["deploy", "run", "--env", "staging", "--", process.execPath, "-e", `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
      { env: env(), cwd: dir },
    );
    for (const result of [building, run]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("no deploy key: this is neither a CI job I recognise");
      expect(result.stderr).toContain("fix: pass --deploy KEY, the same in every step of this deploy");
    }
    expect(existsSync(marker)).toBe(false);
    expect((await query(server, "deploys.list", { limit: 200 })).items.length).toBe(before);
  });
});
