// What a CI job tells us about the deploy it runs, from each CI's documented variables.
import type { Env } from "./config.js";

type CIProvider = "github" | "gitlab" | "circleci" | "buildkite";

export interface CIContext {
  provider: CIProvider;
  /** Same in every step of one job attempt, new on a re-run (so a retried deploy is a new deploy). */
  deployKey: string;
  commitSha?: string;
  branch?: string;
  /** A tag build's tag, used as the version when no --version is given. */
  tag?: string;
  buildLogsUrl?: string;
  triggeredBy?: string;
}

interface Detector {
  provider: CIProvider;
  /** The variables whose presence identifies the CI. */
  marker: string;
  read(v: (name: string) => string | undefined, environment: string): Omit<CIContext, "provider">;
}

// GitHub Actions: https://docs.github.com/actions/reference/variables-reference
const github: Detector = {
  provider: "github",
  marker: "GITHUB_ACTIONS",
  read(v, environment) {
    const repo = v("GITHUB_REPOSITORY") ?? "unknown";
    const runId = v("GITHUB_RUN_ID") ?? "0";
    const attempt = v("GITHUB_RUN_ATTEMPT") ?? "1";
    const server = v("GITHUB_SERVER_URL") ?? "https://github.com";
    const isTag = v("GITHUB_REF_TYPE") === "tag";
    return {
      // The run (not the job) so `building` in one job and `live` in another land on one deploy.
      deployKey: `github:${repo}:run:${runId}:${attempt}:${environment}`,
      commitSha: v("GITHUB_SHA"),
      // GITHUB_HEAD_REF is the PR's source branch; GITHUB_REF_NAME would be "123/merge" there.
      branch: v("GITHUB_HEAD_REF") ?? (isTag ? undefined : v("GITHUB_REF_NAME")),
      tag: isTag ? v("GITHUB_REF_NAME") : undefined,
      buildLogsUrl: v("GITHUB_RUN_ID") ? `${server}/${repo}/actions/runs/${runId}/attempts/${attempt}` : undefined,
      // On a re-run GITHUB_ACTOR stays the original author; the triggering actor is who pressed re-run.
      triggeredBy: v("GITHUB_TRIGGERING_ACTOR") ?? v("GITHUB_ACTOR"),
    };
  },
};

// GitLab CI: https://docs.gitlab.com/ci/variables/predefined_variables/
const gitlab: Detector = {
  provider: "gitlab",
  marker: "GITLAB_CI",
  read(v, environment) {
    return {
      // A GitLab retry is a new job in the same pipeline, so only the job id changes on a re-run.
      deployKey: `gitlab:${v("CI_PROJECT_PATH") ?? "unknown"}:pipeline:${v("CI_PIPELINE_ID") ?? "0"}:job:${v("CI_JOB_ID") ?? "0"}:${environment}`,
      commitSha: v("CI_COMMIT_SHA"),
      branch: v("CI_COMMIT_BRANCH") ?? v("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
      tag: v("CI_COMMIT_TAG"),
      buildLogsUrl: v("CI_JOB_URL") ?? v("CI_PIPELINE_URL"),
      triggeredBy: v("GITLAB_USER_LOGIN"),
    };
  },
};

// CircleCI: https://circleci.com/docs/reference/variables/
const circleci: Detector = {
  provider: "circleci",
  marker: "CIRCLECI",
  read(v, environment) {
    const slug = `${v("CIRCLE_PROJECT_USERNAME") ?? "unknown"}/${v("CIRCLE_PROJECT_REPONAME") ?? "unknown"}`;
    return {
      // Re-running a workflow (also "from failed") creates a new workflow id; jobs of one workflow share it.
      deployKey: `circleci:${slug}:workflow:${v("CIRCLE_WORKFLOW_ID") ?? v("CIRCLE_BUILD_NUM") ?? "0"}:${environment}`,
      commitSha: v("CIRCLE_SHA1"),
      branch: v("CIRCLE_BRANCH"),
      tag: v("CIRCLE_TAG"),
      buildLogsUrl: v("CIRCLE_BUILD_URL"),
      triggeredBy: v("CIRCLE_USERNAME"),
    };
  },
};

// Buildkite: https://buildkite.com/docs/pipelines/environment-variables
const buildkite: Detector = {
  provider: "buildkite",
  marker: "BUILDKITE",
  read(v, environment) {
    const url = v("BUILDKITE_BUILD_URL");
    const job = v("BUILDKITE_JOB_ID");
    return {
      // A Buildkite retry is the same build with BUILDKITE_RETRY_COUNT incremented on the retried job.
      deployKey: `buildkite:${v("BUILDKITE_ORGANIZATION_SLUG") ?? "unknown"}/${v("BUILDKITE_PIPELINE_SLUG") ?? "unknown"}:build:${v("BUILDKITE_BUILD_NUMBER") ?? "0"}:${v("BUILDKITE_RETRY_COUNT") ?? "0"}:${environment}`,
      commitSha: v("BUILDKITE_COMMIT"),
      branch: v("BUILDKITE_BRANCH"),
      tag: v("BUILDKITE_TAG"),
      buildLogsUrl: url && job ? `${url}#${job}` : url,
      triggeredBy: v("BUILDKITE_BUILD_CREATOR") ?? v("BUILDKITE_BUILD_AUTHOR"),
    };
  },
};

const DETECTORS = [github, gitlab, circleci, buildkite];

/** Every variable a detector reads has this prefix; tests clear them so the host CI does not leak in. */
export const CI_VARIABLE_PREFIXES = ["GITHUB_", "GITLAB_", "CI_", "CIRCLE", "BUILDKITE"] as const;

/** The CI this process runs in, or undefined on a laptop. Values a CI may fill oddly are dropped, not sent. */
export function detectCI(env: Env, environment: string): CIContext | undefined {
  const v = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const detector = DETECTORS.find((d) => v(d.marker) === "true");
  if (!detector) return undefined;
  const ctx = detector.read(v, environment);
  return {
    provider: detector.provider,
    ...ctx,
    // Buildkite's manual builds say "HEAD" instead of a SHA; the server only takes hex.
    commitSha: ctx.commitSha && /^[0-9a-fA-F]{4,64}$/.test(ctx.commitSha) ? ctx.commitSha : undefined,
    buildLogsUrl: ctx.buildLogsUrl && /^https?:\/\//.test(ctx.buildLogsUrl) ? ctx.buildLogsUrl : undefined,
  };
}
