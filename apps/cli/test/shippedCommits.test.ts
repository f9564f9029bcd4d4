// `cuitty deploy <status>` in CI lists the commits a deploy ships from the checkout's git history (since the
// environment's current deploy), and falls back to the head commit in a shallow clone or with an ingest key.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey, runCli } from "./helpers.js";

let server: TestServer;
let repo: string;
/** Commit times, one hour apart, so each commit's lead time is known. */
const T = 1_750_000_000;
const shas: string[] = [];

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...cleanEnv(),
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
      ...env,
    },
  }).trim();
}

function commit(n: number): string {
  const date = `@${T + n * 3600} +0000`;
  git(repo, ["commit", "--allow-empty", "-q", "-m", `change ${n}`], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  const sha = git(repo, ["rev-parse", "HEAD"]);
  shas[n] = sha;
  return sha;
}

function github(runId: string, sha: string): Record<string, string> {
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: "acme/api",
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_SHA: sha,
  };
}

async function report(status: string, env: string, runId: string, sha: string, cwd: string, key: keyof TestServer["keys"] = "admin") {
  const result = await runCli(["deploy", status, "--env", env], {
    cwd,
    env: cleanEnv({ ...connection(server, key), ...github(runId, sha) }),
  });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

const detail = (runId: string, env: string) => deployByKey(server, `github:acme/api:run:${runId}:1:${env}`);

beforeAll(async () => {
  server = await startTestServer();
  repo = mkdtempSync(join(tmpdir(), "cuitty-git-"));
  git(repo, ["init", "-q", "-b", "main"]);
  for (let n = 1; n <= 5; n++) commit(n);
});
afterAll(() => server?.stop());

describe("cuitty deploy in CI with the git history", () => {
  it("sends the head commit for the first deploy, then every commit since the current deploy, oldest first", async () => {
    await report("live", "production", "1", shas[2]!, repo);
    const first = await detail("1", "production");
    expect(first.commits).toEqual([{ sha: shas[2], committedAt: T + 2 * 3600 }]);
    expect(first.committedAt).toBe(T + 2 * 3600);

    await report("building", "production", "2", shas[5]!, repo);
    await report("live", "production", "2", shas[5]!, repo);
    const second = await detail("2", "production");
    expect(second.commits.map((c) => c.sha)).toEqual([shas[3], shas[4], shas[5]]);
    expect(second.commits.map((c) => c.committedAt)).toEqual([T + 3 * 3600, T + 4 * 3600, T + 5 * 3600]);
    const shown = await runCli(["deploy", "show", String(second.id)], { env: cleanEnv(connection(server, "read")) });
    expect(shown.stdout).toContain("What changed (3 commits, oldest first)");
    for (const n of [3, 4, 5]) expect(shown.stdout).toContain(shas[n]!.slice(0, 7));
  });

  it("falls back to the head commit in a shallow clone that lacks the current deploy's commit", async () => {
    await report("live", "shallow", "3", shas[2]!, repo);
    const clone = mkdtempSync(join(tmpdir(), "cuitty-shallow-"));
    git(clone, ["clone", "-q", "--depth", "1", `file://${repo}`, "."]);
    await report("live", "shallow", "4", shas[5]!, clone);
    expect((await detail("4", "shallow")).commits).toEqual([{ sha: shas[5], committedAt: T + 5 * 3600 }]);
  });

  it("falls back to the head commit with an ingest key, which cannot read the current deploy, and says so", async () => {
    await report("live", "ingest-only", "5", shas[2]!, repo, "ingest");
    const result = await report("live", "ingest-only", "6", shas[5]!, repo, "ingest");
    expect(result.stderr).toContain("listing only the head commit");
    expect((await detail("6", "ingest-only")).commits).toEqual([{ sha: shas[5], committedAt: T + 5 * 3600 }]);
  });
});
