// Polls a repository's workflow runs and emits one deploy event per transition it sees (docs/design.md §6).
import {
  type DeployEventInput,
  type DeployStatus,
  type GithubCompare,
  type GithubJob,
  type GithubRun,
  DEFAULT_DEPLOY_JOB_PATTERN,
  compareBasehead,
  githubRunDeployKey,
  githubRunToEvents,
  STATUSES,
  withCompareCommits,
} from "@cuitty/core";
import { readEnv } from "../../env.js";
import { CuittyClientError, type CuittyClientErrorCode } from "../../errors.js";
import { type GithubClient, createGithubClient } from "./githubOctokit.js";

export interface GithubPollerOptions {
  /** `owner/name`. */
  repo: string;
  token: string;
  /** The environment the runs deploy to. Default: production. */
  environment?: string;
  /** Emit only live/failed of completed runs (no jobs are read). */
  onlyCompleted?: boolean;
  /** Only runs of this workflow: file name (`deploy.yml`) or id. */
  workflow?: string | number;
  branch?: string;
  /** Only runs triggered by this event (`push`, `workflow_dispatch`, …). */
  event?: string;
  /** Milliseconds between polls. Default 30,000. */
  interval?: number;
  /** Job names that mark the deploy phase of an in-progress run. Default /deploy/i. */
  deployJobPattern?: RegExp | string;
  /** GitHub API root (GHES: https://host/api/v3; tests: a local fake). Default: env CUITTY_GITHUB_API_URL, else GITHUB_API_URL, else https://api.github.com. */
  baseUrl?: string;
  /** Runs per page. Default 30. */
  perPage?: number;
  /** Pages read in one poll when many runs changed. Default 5. */
  maxPages?: number;
  requestTimeoutMs?: number;
  /** Milliseconds per second of GitHub's waits; only tests change it. */
  secondMs?: number;
}

/** The environment a github provider reports to when none is given. */
export const DEFAULT_GITHUB_ENVIRONMENT = "production";

type Emit = (event: DeployEventInput) => Promise<void>;
type Report = (error: CuittyClientError) => void;

const MAX_REMEMBERED_RUNS = 2_000;
const rank = (s: DeployStatus) => (s === "failed" ? 3 : STATUSES.indexOf(s));

export interface GithubPoller {
  /** One poll now (tests, `cuitty github watch --once`); resolves when its events are queued. */
  poll(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  readonly stopped: boolean;
}

export function createGithubPoller(options: GithubPollerOptions, emit: Emit, report: Report, pluginName: string): GithubPoller {
  const [owner, repo] = options.repo.split("/");
  if (!owner || !repo || options.repo.split("/").length !== 2) {
    throw new CuittyClientError("CONFIG", `repo must be "owner/name", got "${options.repo}"`, { plugin: pluginName });
  }
  if (!options.token) throw new CuittyClientError("CONFIG", `a GitHub token is needed to poll ${options.repo}`, { plugin: pluginName });
  const pattern =
    typeof options.deployJobPattern === "string"
      ? new RegExp(options.deployJobPattern, "i")
      : (options.deployJobPattern ?? DEFAULT_DEPLOY_JOB_PATTERN);
  const interval = options.interval ?? 30_000;
  const secondMs = options.secondMs ?? 1_000;
  const fail = (code: CuittyClientErrorCode, message: string, cause?: unknown) =>
    report(new CuittyClientError(code, message, { plugin: pluginName, cause }));

  const github: GithubClient = createGithubClient({
    token: options.token,
    baseUrl: (options.baseUrl ?? readEnv().githubApiUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    timeoutMs: options.requestTimeoutMs ?? 15_000,
    secondMs,
    maxWaitSeconds: Math.max(60, Math.ceil(interval / 1000)),
    onLimit: () => {},
  });

  /** The last status emitted per deploy key, so each transition is emitted once by this instance. */
  const seen = new Map<string, DeployStatus>();
  let polls = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<void> | undefined;
  let pausedUntil = 0;
  let failing = false;

  async function jobsOf(run: GithubRun): Promise<GithubJob[]> {
    const res = await github.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", {
      owner: owner!,
      repo: repo!,
      run_id: run.id,
      filter: "latest",
      per_page: 100,
    });
    return res.data.jobs as GithubJob[];
  }

  /** Successful runs seen (they went live), by run id: their commit and when they were created. */
  const wentLive = new Map<number, { sha: string; createdAt: number }>();
  function rememberLive(run: GithubRun) {
    if (run.status !== "completed" || run.conclusion !== "success" || !run.head_sha) return;
    wentLive.set(run.id, { sha: run.head_sha, createdAt: Date.parse(run.created_at ?? "") || 0 });
    if (wentLive.size > MAX_REMEMBERED_RUNS) wentLive.delete(wentLive.keys().next().value!);
  }

  /** The commit of the latest run created before `run` that went live: the previous live deploy's. */
  function previousLiveSha(run: GithubRun): string | undefined {
    const createdAt = Date.parse(run.created_at ?? "") || 0;
    let best: { sha: string; createdAt: number; id: number } | undefined;
    for (const [id, r] of wentLive) {
      if (id === run.id || r.createdAt > createdAt || (r.createdAt === createdAt && id > run.id)) continue;
      if (!best || r.createdAt > best.createdAt || (r.createdAt === best.createdAt && id > best.id)) best = { ...r, id };
    }
    return best?.sha;
  }

  /**
   * What a go-live ships: GitHub's compare from the previous live run's commit (a conditional request through
   * the ETag cache; a repeat costs a free 304). Unknown base, a 404 (force-push) or any failure: the head commit.
   */
  async function withCommits(event: DeployEventInput, run: GithubRun): Promise<DeployEventInput> {
    const base = previousLiveSha(run);
    if (!base || !run.head_sha) return withCompareCommits(event, undefined);
    if (base === run.head_sha) return event;
    try {
      const res = await github.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
        owner: owner!,
        repo: repo!,
        basehead: compareBasehead(base, run.head_sha),
      });
      return withCompareCommits(event, res.data as GithubCompare);
    } catch {
      return withCompareCommits(event, undefined);
    }
  }

  function remember(key: string, status: DeployStatus) {
    seen.delete(key);
    seen.set(key, status);
    if (seen.size > MAX_REMEMBERED_RUNS) seen.delete(seen.keys().next().value!);
  }

  async function pollOnce(): Promise<void> {
    const perPage = options.perPage ?? 30;
    // In the order the query string had before: per_page, branch, event, page.
    const filters = { ...(options.branch ? { branch: options.branch } : {}), ...(options.event ? { event: options.event } : {}) };
    const { workflow } = options;
    const firstPoll = polls++ === 0;
    const pending: { event: DeployEventInput; run: GithubRun }[] = [];
    for (let page = 1; page <= (options.maxPages ?? 5); page++) {
      const res =
        workflow !== undefined
          ? await github.request("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs", {
              owner: owner!,
              repo: repo!,
              per_page: perPage,
              workflow_id: workflow,
              ...filters,
              page,
            })
          : await github.request("GET /repos/{owner}/{repo}/actions/runs", {
              owner: owner!,
              repo: repo!,
              per_page: perPage,
              ...filters,
              page,
            });
      const runs = (res.data.workflow_runs ?? []) as GithubRun[];
      let changed = 0;
      for (const run of runs) rememberLive(run);
      for (const run of runs) {
        const key = githubRunDeployKey(options.repo, run.id, run.run_attempt ?? 1);
        const last = seen.get(key);
        const needJobs = run.status === "in_progress" && !options.onlyCompleted && last !== "deploying";
        const jobs = needJobs ? await jobsOf(run) : undefined;
        const [event] = githubRunToEvents(run, {
          repo: options.repo,
          environment: options.environment ?? DEFAULT_GITHUB_ENVIRONMENT,
          onlyCompleted: options.onlyCompleted,
          deployJobPattern: pattern,
          jobs,
        });
        if (!event || event.status === last) continue;
        // Never step back (a job list read late can look "earlier"): the server would refuse it anyway.
        if (last !== undefined && rank(event.status) < rank(last)) continue;
        remember(key, event.status);
        pending.push({ event, run });
        changed++;
      }
      const hasNext = /rel="next"/.test(String(res.headers.link ?? ""));
      // Older pages only matter when everything on this one was news (a burst of runs between polls).
      if (firstPoll || !hasNext || runs.length === 0 || changed < runs.length) break;
    }
    // Oldest first, so a deploy's events and an environment's go-lives arrive in the order they happened.
    for (const { event, run } of pending.reverse()) await emit(event.status === "live" ? await withCommits(event, run) : event);
  }

  async function guardedPoll(): Promise<void> {
    if (stopped || Date.now() < pausedUntil) return;
    try {
      await pollOnce();
      if (failing) failing = false;
    } catch (error) {
      handleFailure(error);
    }
  }

  function handleFailure(error: unknown) {
    const status = (error as { status?: number }).status;
    const headers = ((error as { response?: { headers?: Record<string, string> } }).response?.headers ?? {}) as Record<string, string>;
    if (status === 401) {
      stopped = true;
      clearTimeout(timer);
      fail(
        "GITHUB_AUTH",
        `GitHub refused the token for ${options.repo} (401 Bad credentials); polling stopped. Give a valid token with actions:read`,
        error,
      );
      return;
    }
    if (status === 404) {
      stopped = true;
      clearTimeout(timer);
      fail(
        "GITHUB_NOT_FOUND",
        `GitHub has no repository ${options.repo} visible to this token (404); polling stopped. Check repo and the token's access`,
        error,
      );
      return;
    }
    if ((status === 403 || status === 429) && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"])) {
      const resetAt = Number(headers["x-ratelimit-reset"]) * 1000;
      const retryAfter = Number(headers["retry-after"]) * secondMs;
      pausedUntil =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? Date.now() + retryAfter
          : Number.isFinite(resetAt)
            ? resetAt
            : Date.now() + interval;
      fail(
        "GITHUB_RATE_LIMITED",
        `GitHub rate limit reached for ${options.repo}; polling resumes at ${new Date(pausedUntil).toISOString()}`,
        error,
      );
      return;
    }
    if (!failing) {
      failing = true;
      fail(
        "GITHUB_UNAVAILABLE",
        `polling ${options.repo} failed (${status ?? "no answer"}: ${(error as Error).message}); retrying every poll`,
        error,
      );
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      void poller.poll().finally(schedule);
    }, interval);
    (timer as { unref?: () => void }).unref?.();
  }

  const poller: GithubPoller = {
    get stopped() {
      return stopped;
    },
    poll() {
      return (current ??= guardedPoll().finally(() => (current = undefined)));
    },
    start() {
      if (stopped) return;
      void poller.poll().finally(schedule);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
  return poller;
}
