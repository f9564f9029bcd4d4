// `cuitty status`: what is running in each environment right now.
import type { Command } from "@commander-js/extra-typings";
import { deployTitle } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { shortSha, statusLabel } from "../deployFormat.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import { addConnectionOptions, withConnectionHelp } from "./deployOptions.js";

export function registerDeployCurrent(program: Command): void {
  const status = addConnectionOptions(
    program.command("status").description("show the current deploy of each environment (needs a read key)"),
  );
  withConnectionHelp(status, ["cuitty status", "cuitty status --json | jq '.[] | select(.environment == \"production\") | .deploy.version'"]);
  status.action(async (flags) => {
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
            ? [environment, `#${d.id}`, statusLabel(d.status), deployTitle(d), shortSha(d.commitSha), d.branch ?? "-", relativeTime(d.completedAt ?? d.startedAt), health(d.healthStatus)]
            : [environment, paint("gray", "none live yet"), "-", "-", "-", "-", "-", "-"],
        ),
      )}\n`,
    );
  });
}
