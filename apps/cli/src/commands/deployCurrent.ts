// `cuitty status`: what is running in each environment right now.
import type { Command } from "@commander-js/extra-typings";
import { deployTitle } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { CLIError } from "../errors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import type { OptsOf } from "../flags.js";
import { shortSha, statusLabel } from "../deployFormat.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import { addConnectionOptions, parseEnvironment, withConnectionHelp } from "./deployOptions.js";
import { parsePositiveInt } from "./parse.js";
import { statusAll } from "./statusAll.js";

function defineStatus(program: Command) {
  return addConnectionOptions(
    program
      .command("status")
      .description(
        "show the current deploy of each environment (needs a read key); --all: every service of the organisation (organisation key)",
      )
      .option("--all", "every service × environment, trouble first (an organisation key; the project header is `org`)")
      .option("-e, --env <name>", "with --all: only this environment", parseEnvironment)
      .option("--search <text>", "with --all: only services whose name or id contains this text")
      .option("--limit <n>", "with --all: at most this many services (default 200)", parsePositiveInt),
  );
}

/** The flags of `cuitty status`; `--all` hands them to statusAll. */
export type StatusFlags = OptsOf<ReturnType<typeof defineStatus>>;

export function registerDeployCurrent(program: Command): void {
  const status = defineStatus(program);
  withConnectionHelp(status, [
    "cuitty status",
    "cuitty status --json | jq '.[] | select(.environment == \"production\") | .deploy.version'",
    "CUITTY_API_KEY=$ORG_READ_KEY cuitty status --all --env production",
    "cuitty status --all --json | jq '.services[] | select(.attention == \"broken\") | .service'",
  ]);
  status.action(async (flags) => {
    if (flags.all) return statusAll(flags);
    if (flags.env ?? flags.search ?? flags.limit) {
      throw new CLIError(
        "--env, --search and --limit go with --all",
        "E_USAGE",
        "run `cuitty status --all --env production` with an organisation key",
      );
    }
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const rows = await call(conn, () => client.deploys.current.query());
    if (flags.json) return printJson(rows);
    if (rows.length === 0) return info("No environments yet. Report a deploy with `cuitty deploy building --env NAME`.");
    const health = (h: string) => (h === "passing" ? paint("green", h) : h === "failing" ? paint("red", h) : h);
    process.stdout.write(
      `${table(
        ["ENV", "DEPLOY", "STATUS", "TITLE", "COMMIT", "BRANCH", "SINCE", "HEALTH"],
        rows.map(({ environment, deploy: d }) =>
          d
            ? [
                environment,
                `#${d.id}`,
                statusLabel(d.status),
                deployTitle(d),
                shortSha(d.commitSha),
                d.branch ?? "-",
                relativeTime(d.completedAt ?? d.startedAt),
                health(d.healthStatus),
              ]
            : [environment, paint("gray", "none live yet"), "-", "-", "-", "-", "-", "-"],
        ),
      )}\n`,
    );
  });
}
