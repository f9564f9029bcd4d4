// `cuitty deploy <status> --env NAME`: one line in a CI step reports where the deploy stands.
import { Argument, type Command } from "@commander-js/extra-typings";
import { type DeployStatus, deployTitle } from "@cuitty/core";
import { readEnv, resolveConnection } from "../config.js";
import { type BuiltEvent, buildDeployEvent } from "../deployEvent.js";
import { statusLabel } from "../deployFormat.js";
import { withShippedCommits } from "../shippedCommits.js";
import { info, printJson } from "../output.js";
import { type Reporter, type ReportResult, createReporter } from "../reporter.js";
import {
  CI_HELP,
  type CommonFlags,
  type EventFlags,
  addEventOptions,
  addReportOptions,
  addTimeAndReason,
  withConnectionHelp,
} from "./deployOptions.js";

/** rolled_back needs a target and an admin key, so it has its own command (`cuitty rollback`). */
const REPORTABLE_STATUSES = ["initiated", "building", "deploying", "live", "failed"] as const satisfies readonly DeployStatus[];

/** Prints a report's outcome: one line for people, the server's answer for scripts. */
export function announce(result: ReportResult, status: string, environment: string, json: boolean | undefined): void {
  if (json) {
    printJson(result.reported ? { reported: true, ...result.answer } : result);
    return;
  }
  if (!result.reported) return; // the reporter already warned
  const { deploy, changed } = result.answer;
  const what = changed ? `is now ${statusLabel(status)}` : `was already ${statusLabel(deploy.status)} (nothing changed)`;
  const title = deployTitle(deploy);
  info(`${environment}: deploy #${deploy.id} ${title} ${what}${title === deploy.externalKey ? "" : `  [${deploy.externalKey}]`}`);
}

/** A key nobody typed is said out loud, so the next step (or a second deploy of the commit) can use it. */
export function sayKey(built: BuiltEvent): void {
  if (built.keyFrom !== "git") return;
  info(`deploy key ${built.event.deploy} (this git checkout's HEAD and --env; pass --deploy KEY to name the deploy yourself)`);
}

async function reportStatus(reporter: Reporter, status: DeployStatus, flags: EventFlags & CommonFlags): Promise<ReportResult> {
  const built = buildDeployEvent(status, flags, readEnv());
  sayKey(built);
  const event = await withShippedCommits(built.event, reporter.client);
  const result = await reporter.report(event);
  announce(result, status, event.environment, flags.json);
  return result;
}

/** Configures `deploy` itself (its subcommands are added by the caller). */
export function configureDeployReport(parent: Command): Command {
  const deploy = addReportOptions(
    addTimeAndReason(
      addEventOptions(
        parent
          .description("report a deploy's status from CI: commit, branch, logs link and actor come from the CI's variables")
          .usage("<status> --env NAME [options]\n       cuitty deploy run --env NAME -- <command…>\n       cuitty deploy show <id>")
          .addArgument(new Argument("[status]", "the deploy's new status").choices(REPORTABLE_STATUSES)),
      ),
    ),
  );
  withConnectionHelp(deploy, [
    "cuitty deploy building --env production",
    "cuitty deploy live --env production --version v1.4.2",
    "cuitty deploy failed --env staging --reason 'smoke tests failed'",
    "cuitty deploy live --env production   # outside CI, in a git checkout: key git:<short sha>:production",
    "cuitty deploy live --env production --deploy release-42 --commit 0a1b2c3 --branch main   # outside CI",
  ]);
  deploy.addHelpText("after", `${CI_HELP}\n\nA server outage only warns (exit 0) so the deploy goes on; --strict makes it fail.`);
  deploy.action(async (status, flags) => {
    if (!status) {
      deploy.help({ error: true });
    }
    const conn = resolveConnection(flags);
    await reportStatus(createReporter(conn, { strict: Boolean(flags.strict) }), status!, flags);
  });
  return parent;
}
