import { describe, expect, it } from "vitest";
import { deployEventSchema } from "./schemas.js";
import { type GithubRun, githubDeploymentStatusToEvents, githubRunDeployKey, githubRunStatus, githubRunToEvents } from "./github.js";

const run = (over: Partial<GithubRun> = {}): GithubRun => ({
  id: 123,
  run_attempt: 1,
  status: "queued",
  conclusion: null,
  head_sha: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
  head_branch: "main",
  html_url: "https://github.com/acme/api/actions/runs/123",
  actor: { login: "octocat" },
  created_at: "2025-11-28T03:20:00Z",
  run_started_at: "2025-11-28T03:20:05Z",
  updated_at: "2025-11-28T03:25:00Z",
  head_commit: { timestamp: "2025-11-28T03:19:00Z" },
  ...over,
});
const opts = { repo: "acme/api", environment: "production" };

describe("githubRunStatus", () => {
  it("maps requested, queued, waiting and pending runs to initiated", () => {
    for (const status of ["requested", "queued", "waiting", "pending"]) expect(githubRunStatus({ status })).toBe("initiated");
  });
  it("maps an in-progress run to building until a job matching the deploy pattern has started", () => {
    const jobs = [
      { name: "build", status: "completed", conclusion: "success" },
      { name: "Deploy to prod", status: "queued" },
    ];
    expect(githubRunStatus({ status: "in_progress" })).toBe("building");
    expect(githubRunStatus({ status: "in_progress" }, jobs)).toBe("building");
    expect(githubRunStatus({ status: "in_progress" }, [jobs[0]!, { name: "Deploy to prod", status: "in_progress" }])).toBe("deploying");
    expect(githubRunStatus({ status: "in_progress" }, [{ name: "ship", status: "in_progress" }], /ship/g)).toBe("deploying");
    expect(githubRunStatus({ status: "in_progress" }, [{ name: "ship", status: "in_progress" }], /ship/g)).toBe("deploying");
  });
  it("maps a successful run to live and every other conclusion to failed", () => {
    expect(githubRunStatus({ status: "completed", conclusion: "success" })).toBe("live");
    for (const conclusion of [
      "failure",
      "neutral",
      "cancelled",
      "skipped",
      "timed_out",
      "action_required",
      "stale",
      "startup_failure",
      null,
    ]) {
      expect(githubRunStatus({ status: "completed", conclusion })).toBe("failed");
    }
  });
  it("maps an unknown status to nothing", () => {
    expect(githubRunStatus({ status: "mystery" })).toBeNull();
  });
});

describe("githubRunToEvents", () => {
  it("names the deploy by run and attempt and the event by run, attempt and status", () => {
    const [event] = githubRunToEvents(run(), opts);
    expect(event).toEqual({
      id: "github:acme/api:123:1:initiated",
      type: "deploy",
      deploy: "github:acme/api:run:123:1",
      status: "initiated",
      environment: "production",
      provider: "github",
      commitSha: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
      branch: "main",
      buildLogsUrl: "https://github.com/acme/api/actions/runs/123",
      triggeredBy: "octocat",
      occurredAt: Date.parse("2025-11-28T03:20:00Z") / 1000,
      committedAt: Date.parse("2025-11-28T03:19:00Z") / 1000,
    });
    expect(deployEventSchema.safeParse(event).success).toBe(true);
  });
  it("makes a re-run a new deploy", () => {
    const [event] = githubRunToEvents(run({ run_attempt: 2, status: "completed", conclusion: "success" }), opts);
    expect(event?.deploy).toBe(githubRunDeployKey("acme/api", 123, 2));
    expect(event?.id).toBe("github:acme/api:123:2:live");
    expect(event?.occurredAt).toBe(Date.parse("2025-11-28T03:25:00Z") / 1000);
  });
  it("gives the conclusion as the reason of a failed run", () => {
    const [event] = githubRunToEvents(run({ status: "completed", conclusion: "cancelled" }), opts);
    expect(event).toMatchObject({ status: "failed", reason: "cancelled", id: "github:acme/api:123:1:failed" });
  });
  it("emits nothing but live and failed when only completed runs are wanted", () => {
    expect(githubRunToEvents(run({ status: "in_progress" }), { ...opts, onlyCompleted: true })).toEqual([]);
    expect(githubRunToEvents(run({ status: "completed", conclusion: "success" }), { ...opts, onlyCompleted: true })).toHaveLength(1);
  });
  it("dates the deploying phase from the deploy job's start and omits what the run does not say", () => {
    const jobs = [{ name: "deploy", status: "in_progress", started_at: "2025-11-28T03:22:00Z" }];
    const [event] = githubRunToEvents({ id: 9, status: "in_progress" }, { ...opts, jobs, fallbackActor: "sender" });
    expect(event).toEqual({
      id: "github:acme/api:9:1:deploying",
      type: "deploy",
      deploy: "github:acme/api:run:9:1",
      status: "deploying",
      environment: "production",
      provider: "github",
      triggeredBy: "sender",
      occurredAt: Date.parse("2025-11-28T03:22:00Z") / 1000,
    });
  });
});

describe("githubDeploymentStatusToEvents", () => {
  const payload = (state: string) => ({
    deployment_status: { state, updated_at: "2025-11-28T03:30:00Z", target_url: "https://example.com/logs" },
    deployment: {
      id: 77,
      sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      ref: "main",
      environment: "staging",
      creator: { login: "mona" },
    },
  });
  it("maps deployment states to the lifecycle with stable keys", () => {
    expect(githubDeploymentStatusToEvents(payload("success"), opts)[0]).toMatchObject({
      id: "github:acme/api:deployment:77:live",
      deploy: "github:acme/api:deployment:77",
      status: "live",
      triggeredBy: "mona",
      buildLogsUrl: "https://example.com/logs",
    });
    expect(githubDeploymentStatusToEvents(payload("error"), opts)[0]).toMatchObject({ status: "failed", reason: "error" });
    expect(githubDeploymentStatusToEvents(payload("in_progress"), opts)[0]).toMatchObject({ status: "deploying" });
  });
  it("ignores inactive deployments", () => {
    expect(githubDeploymentStatusToEvents(payload("inactive"), opts)).toEqual([]);
  });
});
