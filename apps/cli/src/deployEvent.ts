// Builds the deploy event a report sends: CI variables first, each overridden by its flag, checked locally.
import { createHash } from "node:crypto";
import { type DeployEventInput, type DeployStatus, deployEventSchema } from "@cuitty/core";
import { detectCI } from "./ci.js";
import type { EventFlags } from "./commands/deployOptions.js";
import type { Env } from "./config.js";
import { CLIError } from "./errors.js";
import { type GitCheckout, readGitCheckout } from "./git.js";

const FLAG_BY_FIELD: Record<string, string> = {
  deploy: "--deploy",
  environment: "--env",
  commitSha: "--commit",
  branch: "--branch",
  version: "--version",
  buildLogsUrl: "--logs-url",
  triggeredBy: "--actor",
  occurredAt: "--occurred-at",
  reason: "--reason",
};

const MAX_ID = 200;

/** Keeps ids within the wire's 200 characters without losing uniqueness. */
function fit(id: string): string {
  if (id.length <= MAX_ID) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 16);
  return `${id.slice(0, MAX_ID - hash.length - 1)}~${hash}`;
}

export interface BuiltEvent {
  event: DeployEventInput;
  provider: string;
  /** Where the deploy key came from; `git` keys are printed, since nobody typed them. */
  keyFrom: "flag" | "ci" | "git";
}

export interface BuildOptions {
  /** The checkout outside CI; default: the one containing the working directory. */
  git?: () => GitCheckout | undefined;
}

/** Outside CI, in a git checkout: one key per commit and environment, the same for every step run there. */
const gitDeployKey = (checkout: GitCheckout, environment: string) => `git:${checkout.shortSha}:${environment}`;

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function buildDeployEvent(status: DeployStatus, flags: EventFlags, env: Env, opts: BuildOptions = {}): BuiltEvent {
  if (!flags.env)
    throw new CLIError("missing --env: which environment is this deploy going to?", "E_USAGE", "pass --env NAME, e.g. --env production");
  const ci = detectCI(env, flags.env);
  const given = flags.deploy ?? flags.key;
  // Off CI the checkout names the deploy and fills commit and branch; each flag still wins.
  const checkout = ci || (given && flags.commit) ? undefined : (opts.git ?? readGitCheckout)();
  let deploy = given ?? ci?.deployKey ?? (checkout && gitDeployKey(checkout, flags.env));
  if (!deploy) {
    throw new CLIError(
      "no deploy key: this is neither a CI job I recognise (GitHub Actions, GitLab CI, CircleCI, Buildkite) nor a git checkout",
      "E_USAGE",
      "pass --deploy KEY, the same in every step of this deploy (e.g. --deploy release-42), or run it in the git checkout being deployed",
    );
  }
  deploy = fit(deploy);
  const candidate = {
    // Deterministic, so a retried CLI call (or a retried HTTP request) is a no-op on the server.
    id: fit(`${deploy}:${status}`),
    type: "deploy" as const,
    deploy,
    status,
    environment: flags.env,
    commitSha: flags.commit ?? ci?.commitSha ?? checkout?.sha,
    branch: flags.branch ?? ci?.branch ?? checkout?.branch,
    version: flags.version ?? ci?.tag,
    buildLogsUrl: flags.logsUrl ?? ci?.buildLogsUrl,
    triggeredBy: flags.actor ?? ci?.triggeredBy,
    occurredAt: flags.occurredAt,
    reason: flags.reason,
    provider: ci?.provider ?? "cli",
  };
  const parsed = deployEventSchema.safeParse(candidate);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const field = String(i.path[0] ?? "event");
      return `${FLAG_BY_FIELD[field] ?? field}: ${i.message}`;
    });
    throw new CLIError(`invalid deploy event: ${problems.join("; ")}`, "E_USAGE", "correct the option named above (run with --help)");
  }
  // Send what was checked, minus the fields left empty, so the wire stays small and readable.
  const event: DeployEventInput = compact(candidate);
  return { event, provider: candidate.provider, keyFrom: given ? "flag" : ci ? "ci" : "git" };
}
