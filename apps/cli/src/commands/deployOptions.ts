// Options and parsers shared by the deploy commands, so every command spells and documents them the same way.
import { type Command, type CommandUnknownOpts, InvalidArgumentError, Option, type OptionValues } from "@commander-js/extra-typings";
import { STATUSES, environmentName } from "@cuitty/core";
import { CONNECTION_HELP, addConnectionFlags } from "../config.js";
import type { FlagsOf, NoOptions } from "../flags.js";
import { idParser } from "./parse.js";

export function parseEnvironment(value: string): string {
  if (!environmentName.safeParse(value).success) {
    throw new InvalidArgumentError("an environment name is letters, digits, '.', '_', '-', '/' (at most 64 characters)");
  }
  return value;
}

/** Unix seconds or any date Date.parse understands (e.g. 2025-11-28T10:00:00Z). */
export function parseOccurredAt(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError("expected unix seconds or an ISO 8601 date");
  return Math.floor(ms / 1000);
}

/** Accepts `42` and `#42`, as deploys are shown with a leading #. */
export const parseDeployId = idParser("deploy", "e.g. 42");

export function parseStatus(value: string): (typeof STATUSES)[number] {
  const status = STATUSES.find((s) => s === value);
  if (!status) throw new InvalidArgumentError(`a status is one of ${STATUSES.join(", ")}`);
  return status;
}

/** Adds the connection options and --json; the returned command's action infers them (so no flags interface is written by hand). */
export function addConnectionOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return addConnectionFlags(cmd).option("--json", "print JSON for scripts instead of text");
}

/** What every command that talks to the server takes: the connection flags and --json. */
export type CommonFlags = FlagsOf<typeof addConnectionOptions<[], NoOptions, NoOptions>>;

/**
 * The event fields a report can set; CI variables fill them when a flag is absent. A report adds
 * addTimeAndReason next, and every report ends with addReportOptions: two plain functions rather than one with a
 * conditional part, so each command's flags are inferred without conditional types.
 */
export function addEventOptions<A extends unknown[]>(cmd: Command<A, NoOptions, NoOptions>) {
  return (
    cmd
      // Checked in the action, not with requiredOption: commander checks it for every subcommand of `deploy` too.
      .option("-e, --env <name>", "environment the deploy goes to, e.g. production (required)", parseEnvironment)
      .option(
        "--deploy <key>",
        "the deploy's key, the same in every step (default in CI: from the run, new on a re-run; in a git checkout: git:<short sha>:<env>)",
      )
      .option("--key <key>", "same as --deploy")
      .option("--commit <sha>", "commit SHA (default in CI: the built commit)")
      .option("--branch <name>", "branch (default in CI: the built branch)")
      .option("--version <version>", "version being deployed, e.g. v1.4.2 (default in CI: the tag, if any)")
      .option("--logs-url <url>", "link to the build logs (default in CI: this run's page, attempt included)")
      .option("--actor <name>", "who triggered the deploy (default in CI: the triggering user)")
  );
}

/** A status report's reason and time (`deploy <status>`; `deploy run` sets them itself). */
export function addTimeAndReason<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option("--reason <text>", "why, e.g. why it failed (shown in the timeline)")
    .option("--occurred-at <time>", "when it happened: unix seconds or ISO 8601 (default: now)", parseOccurredAt);
}

/** --strict and the connection options, the last options of every report. */
export function addReportOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return addConnectionOptions(
    cmd.addOption(
      new Option("--strict", "fail (exit 7, E_UNREACHABLE) when the server cannot be reached, instead of warning and exiting 0"),
    ),
  );
}

/** The fields of a deploy event a report's flags can set (time and reason only on `deploy <status>`). */
export type EventFlags = FlagsOf<typeof addEventOptions<[]>> & Partial<FlagsOf<typeof addTimeAndReason<[], NoOptions, NoOptions>>>;

export const CI_HELP = `
CI detection (each value is used only when its flag is absent):
  GitHub Actions  GITHUB_SHA, GITHUB_HEAD_REF/GITHUB_REF_NAME, GITHUB_TRIGGERING_ACTOR/GITHUB_ACTOR,
                  logs $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/attempts/$GITHUB_RUN_ATTEMPT,
                  key github:{repo}:run:{run id}:{attempt}:{env}
  GitLab CI       CI_COMMIT_SHA, CI_COMMIT_BRANCH, GITLAB_USER_LOGIN, CI_JOB_URL,
                  key gitlab:{project}:pipeline:{id}:job:{job id}:{env} (a retried job is a new deploy)
  CircleCI        CIRCLE_SHA1, CIRCLE_BRANCH, CIRCLE_USERNAME, CIRCLE_BUILD_URL,
                  key circleci:{org}/{repo}:workflow:{workflow id}:{env}
  Buildkite       BUILDKITE_COMMIT, BUILDKITE_BRANCH, BUILDKITE_BUILD_CREATOR, BUILDKITE_BUILD_URL#job,
                  key buildkite:{org}/{pipeline}:build:{number}:{retry count}:{env}
  Outside CI      in a git checkout: key git:{short sha}:{env} (printed), commit and branch from HEAD;
                  elsewhere pass --deploy KEY`;

export function withConnectionHelp<C extends CommandUnknownOpts>(cmd: C, examples: string[]): C {
  return cmd.addHelpText(
    "after",
    `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((e) => `  ${e}`).join("\n")}\n${CONNECTION_HELP}`,
  );
}
