// Each CI's documented variables, simulated, fill in what the server records for `cuitty deploy <status>`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "@cuitty/server/testing";
import { cleanEnv, connection, deployByKey, runCli } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const SHA = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";

function github(runId: string, attempt: string): Record<string, string> {
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "acme/api",
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: attempt,
    GITHUB_SHA: SHA,
    GITHUB_REF_NAME: "main",
    GITHUB_REF_TYPE: "branch",
    GITHUB_ACTOR: "octocat",
  };
}

async function report(status: string, ciVars: Record<string, string>, ...flags: string[]) {
  const result = await runCli(["deploy", status, "--env", "production", ...flags], {
    env: cleanEnv({ ...connection(server, "ingest"), ...ciVars }),
  });
  expect(result.stderr).not.toContain("error:");
  expect(result.code).toBe(0);
  return result;
}

describe("cuitty deploy <status> in GitHub Actions", () => {
  it("records commit, branch, the run's logs URL with its attempt and the actor, on one deploy across steps", async () => {
    await report("building", github("1001", "1"));
    await report("live", github("1001", "1"));
    const deploy = await deployByKey(server, "github:acme/api:run:1001:1:production");
    expect(deploy).toMatchObject({
      status: "live",
      commitSha: SHA,
      branch: "main",
      triggeredBy: "octocat",
      provider: "github",
      buildLogsUrl: "https://github.com/acme/api/actions/runs/1001/attempts/1",
    });
    expect(deploy.events.map((e: { toStatus: string }) => e.toStatus)).toEqual(["building", "live"]);
  });

  it("starts a new deploy when the run is re-run as attempt 2", async () => {
    await report("building", github("1002", "1"));
    await report("failed", github("1002", "1"));
    await report("building", github("1002", "2"));
    const first = await deployByKey(server, "github:acme/api:run:1002:1:production");
    const second = await deployByKey(server, "github:acme/api:run:1002:2:production");
    expect(first.status).toBe("failed");
    expect(second.status).toBe("building");
    expect(second.id).not.toBe(first.id);
    expect(second.buildLogsUrl).toBe("https://github.com/acme/api/actions/runs/1002/attempts/2");
  });

  it("uses the pull request's source branch and the re-running actor when GitHub provides them", async () => {
    await report("building", {
      ...github("1003", "1"),
      GITHUB_HEAD_REF: "feature/login",
      GITHUB_REF_NAME: "7/merge",
      GITHUB_TRIGGERING_ACTOR: "hubot",
    });
    const deploy = await deployByKey(server, "github:acme/api:run:1003:1:production");
    expect(deploy).toMatchObject({ branch: "feature/login", triggeredBy: "hubot" });
  });

  it("lets every field be overridden by a flag", async () => {
    await report(
      "live",
      github("1004", "1"),
      ...["--deploy", "custom-key-1", "--commit", "abcdef1", "--branch", "release", "--version", "v9.9.9"],
      ...["--logs-url", "https://ci.example.com/42", "--actor", "alice", "--reason", "hotfix", "--occurred-at", "2025-01-02T03:04:05Z"],
    );
    const deploy = await deployByKey(server, "custom-key-1");
    expect(deploy).toMatchObject({
      commitSha: "abcdef1",
      branch: "release",
      version: "v9.9.9",
      buildLogsUrl: "https://ci.example.com/42",
      triggeredBy: "alice",
    });
    expect(deploy.events[0]).toMatchObject({ occurredAt: Date.parse("2025-01-02T03:04:05Z") / 1000, reason: "hotfix" });
  });

  it("is idempotent when the same step is retried", async () => {
    await report("building", github("1005", "1"));
    const again = await report("building", github("1005", "1"), "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({ reported: true, changed: false });
    const deploy = await deployByKey(server, "github:acme/api:run:1005:1:production");
    expect(deploy.events).toHaveLength(1);
  });
});

describe("cuitty deploy <status> in other CIs", () => {
  it("reads GitLab CI's variables, and a retried job is a new deploy", async () => {
    const gitlab = (jobId: string) => ({
      CI: "true",
      GITLAB_CI: "true",
      CI_PROJECT_PATH: "acme/web",
      CI_PIPELINE_ID: "555",
      CI_JOB_ID: jobId,
      CI_COMMIT_SHA: SHA,
      CI_COMMIT_BRANCH: "develop",
      CI_JOB_URL: `https://gitlab.com/acme/web/-/jobs/${jobId}`,
      GITLAB_USER_LOGIN: "gitlab-user",
    });
    await report("deploying", gitlab("9001"));
    await report("live", gitlab("9001"));
    await report("deploying", gitlab("9002"));
    const deploy = await deployByKey(server, "gitlab:acme/web:pipeline:555:job:9001:production");
    expect(deploy).toMatchObject({
      status: "live",
      commitSha: SHA,
      branch: "develop",
      triggeredBy: "gitlab-user",
      provider: "gitlab",
      buildLogsUrl: "https://gitlab.com/acme/web/-/jobs/9001",
    });
    expect((await deployByKey(server, "gitlab:acme/web:pipeline:555:job:9002:production")).id).not.toBe(deploy.id);
  });

  it("reads CircleCI's variables, keyed by the workflow so its jobs share one deploy (latest job linked)", async () => {
    const circle = (buildNum: string) => ({
      CI: "true",
      CIRCLECI: "true",
      CIRCLE_PROJECT_USERNAME: "acme",
      CIRCLE_PROJECT_REPONAME: "worker",
      CIRCLE_WORKFLOW_ID: "6a1f2c3d-0000-4000-8000-000000000001",
      CIRCLE_BUILD_NUM: buildNum,
      CIRCLE_SHA1: SHA,
      CIRCLE_BRANCH: "main",
      CIRCLE_BUILD_URL: `https://circleci.com/gh/acme/worker/${buildNum}`,
      CIRCLE_USERNAME: "circle-user",
    });
    await report("building", circle("11"));
    await report("live", circle("12"));
    const deploy = await deployByKey(server, "circleci:acme/worker:workflow:6a1f2c3d-0000-4000-8000-000000000001:production");
    expect(deploy).toMatchObject({
      status: "live",
      commitSha: SHA,
      branch: "main",
      triggeredBy: "circle-user",
      provider: "circleci",
      buildLogsUrl: "https://circleci.com/gh/acme/worker/12",
    });
  });

  it("reads Buildkite's variables, links the job and skips a commit of HEAD", async () => {
    const buildkite = (retry: string, commit = SHA) => ({
      CI: "true",
      BUILDKITE: "true",
      BUILDKITE_ORGANIZATION_SLUG: "acme",
      BUILDKITE_PIPELINE_SLUG: "billing",
      BUILDKITE_BUILD_NUMBER: "77",
      BUILDKITE_RETRY_COUNT: retry,
      BUILDKITE_JOB_ID: "0190-job",
      BUILDKITE_COMMIT: commit,
      BUILDKITE_BRANCH: "main",
      BUILDKITE_BUILD_URL: "https://buildkite.com/acme/billing/builds/77",
      BUILDKITE_BUILD_CREATOR: "Kite User",
    });
    await report("building", buildkite("0"));
    await report("live", buildkite("0"));
    await report("building", buildkite("1", "HEAD"));
    const deploy = await deployByKey(server, "buildkite:acme/billing:build:77:0:production");
    expect(deploy).toMatchObject({
      status: "live",
      commitSha: SHA,
      branch: "main",
      triggeredBy: "Kite User",
      provider: "buildkite",
      buildLogsUrl: "https://buildkite.com/acme/billing/builds/77#0190-job",
    });
    expect((await deployByKey(server, "buildkite:acme/billing:build:77:1:production")).commitSha).toBeNull();
  });
});
