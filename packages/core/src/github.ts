// GitHub Actions runs and deployment statuses mapped to the lifecycle (docs/design.md §6): one place, used by the
// SDK's poller and the server's webhook receiver, so both name deploys and events identically.
import type { DeployEventInput } from "./schemas.js";
import type { DeployStatus } from "./status.js";

/** The fields of a workflow run (REST `actions/runs` item or webhook `workflow_run`) the mapping reads. */
export interface GithubRun {
  id: number;
  run_attempt?: number | null;
  status: string | null;
  conclusion?: string | null;
  head_sha?: string | null;
  head_branch?: string | null;
  html_url?: string | null;
  actor?: { login?: string | null } | null;
  triggering_actor?: { login?: string | null } | null;
  created_at?: string | null;
  updated_at?: string | null;
  run_started_at?: string | null;
  head_commit?: { timestamp?: string | null } | null;
}

/** A job of a run (`actions/runs/{id}/jobs`), read only while the run is in progress. */
export interface GithubJob {
  name: string;
  status: string;
  conclusion?: string | null;
  started_at?: string | null;
}

export interface GithubRunMappingOptions {
  /** `owner/name`. */
  repo: string;
  environment: string;
  /** Emit only `live`/`failed` for completed runs. */
  onlyCompleted?: boolean;
  /** Jobs whose name matches are the deploy phase; default /deploy/i. */
  deployJobPattern?: RegExp;
  /** The run's jobs, when known; without them an in-progress run is `building`. */
  jobs?: readonly GithubJob[];
  /** Who triggered it, when the run itself does not say (webhook `sender`). */
  fallbackActor?: string;
}

export const DEFAULT_DEPLOY_JOB_PATTERN = /deploy/i;
const WAITING_STATUSES = ["requested", "queued", "waiting", "pending"];

/** The external key of a run attempt: a re-run is a new deploy. */
export function githubRunDeployKey(repo: string, runId: number, attempt: number): string {
  return `github:${repo}:run:${runId}:${attempt}`;
}

/** The idempotency key of one transition of a run attempt: every poller and webhook derives the same. */
export function githubRunEventId(repo: string, runId: number, attempt: number, status: DeployStatus): string {
  return `github:${repo}:${runId}:${attempt}:${status}`;
}

/** ISO 8601 → unix seconds; undefined when absent or unparsable. */
export function isoToUnix(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** The job that puts a run in its deploy phase, if one has started. */
function startedDeployJob(jobs: readonly GithubJob[] | undefined, pattern: RegExp): GithubJob | undefined {
  return jobs?.find((j) => matches(pattern, j.name) && (j.status === "in_progress" || j.status === "completed"));
}

function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0; // a /g pattern keeps state between calls
  return pattern.test(text);
}

/** The lifecycle status of a run, or null when it maps to none (unknown status). */
export function githubRunStatus(
  run: Pick<GithubRun, "status" | "conclusion">,
  jobs?: readonly GithubJob[],
  deployJobPattern: RegExp = DEFAULT_DEPLOY_JOB_PATTERN,
): DeployStatus | null {
  const status = run.status ?? "";
  if (WAITING_STATUSES.includes(status)) return "initiated";
  if (status === "in_progress") return startedDeployJob(jobs, deployJobPattern) ? "deploying" : "building";
  if (status === "completed") return run.conclusion === "success" ? "live" : "failed";
  return null;
}

/**
 * The deploy event a run's current state stands for (none when `onlyCompleted` and it is not done).
 * Pollers emit it on every change they see; the event id makes repeats no-ops on the server.
 */
export function githubRunToEvents(run: GithubRun, options: GithubRunMappingOptions): DeployEventInput[] {
  const pattern = options.deployJobPattern ?? DEFAULT_DEPLOY_JOB_PATTERN;
  const status = githubRunStatus(run, options.jobs, pattern);
  if (status === null) return [];
  if (options.onlyCompleted && status !== "live" && status !== "failed") return [];
  const attempt = run.run_attempt ?? 1;
  const occurredAt =
    status === "initiated"
      ? isoToUnix(run.created_at)
      : status === "building"
        ? (isoToUnix(run.run_started_at) ?? isoToUnix(run.updated_at))
        : status === "deploying"
          ? (isoToUnix(startedDeployJob(options.jobs, pattern)?.started_at) ?? isoToUnix(run.updated_at))
          : isoToUnix(run.updated_at);
  const event: DeployEventInput = {
    id: githubRunEventId(options.repo, run.id, attempt, status),
    type: "deploy",
    deploy: githubRunDeployKey(options.repo, run.id, attempt),
    status,
    environment: options.environment,
    provider: "github",
  };
  if (run.head_sha) event.commitSha = run.head_sha;
  if (run.head_branch) event.branch = run.head_branch.slice(0, 255);
  if (run.html_url && /^https?:\/\//.test(run.html_url)) event.buildLogsUrl = run.html_url;
  const actor = run.triggering_actor?.login ?? run.actor?.login ?? options.fallbackActor;
  if (actor) event.triggeredBy = actor;
  if (occurredAt !== undefined) event.occurredAt = occurredAt;
  const committedAt = isoToUnix(run.head_commit?.timestamp);
  if (committedAt !== undefined) event.committedAt = committedAt;
  if (status === "failed") event.reason = run.conclusion ?? "unknown";
  return [event];
}

/** The fields of a `deployment_status` webhook the mapping reads. */
export interface GithubDeploymentStatusPayload {
  deployment_status: {
    state: string;
    created_at?: string | null;
    updated_at?: string | null;
    target_url?: string | null;
    log_url?: string | null;
    creator?: { login?: string | null } | null;
  };
  deployment: {
    id: number;
    sha?: string | null;
    ref?: string | null;
    environment?: string | null;
    created_at?: string | null;
    creator?: { login?: string | null } | null;
  };
}

const DEPLOYMENT_STATES: Record<string, DeployStatus> = {
  pending: "initiated",
  queued: "initiated",
  in_progress: "deploying",
  success: "live",
  failure: "failed",
  error: "failed",
};

/** The external key of a GitHub deployment. */
export function githubDeploymentKey(repo: string, deploymentId: number): string {
  return `github:${repo}:deployment:${deploymentId}`;
}

/** A deployment status as a deploy event; none for states outside the lifecycle (`inactive`). */
export function githubDeploymentStatusToEvents(
  payload: GithubDeploymentStatusPayload,
  options: { repo: string; environment: string },
): DeployEventInput[] {
  const { deployment, deployment_status: ds } = payload;
  const status = DEPLOYMENT_STATES[ds.state];
  if (!status) return [];
  const key = githubDeploymentKey(options.repo, deployment.id);
  const event: DeployEventInput = {
    id: `${key}:${status}`,
    type: "deploy",
    deploy: key,
    status,
    environment: options.environment,
    provider: "github",
  };
  if (deployment.sha && /^[0-9a-fA-F]{4,64}$/.test(deployment.sha)) event.commitSha = deployment.sha;
  if (deployment.ref) event.branch = deployment.ref.slice(0, 255);
  const logs = ds.log_url || ds.target_url;
  if (logs && /^https?:\/\//.test(logs)) event.buildLogsUrl = logs;
  const actor = ds.creator?.login ?? deployment.creator?.login;
  if (actor) event.triggeredBy = actor;
  const occurredAt = isoToUnix(ds.updated_at) ?? isoToUnix(ds.created_at);
  if (occurredAt !== undefined) event.occurredAt = occurredAt;
  if (status === "failed") event.reason = ds.state;
  return [event];
}
