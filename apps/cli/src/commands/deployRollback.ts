// `cuitty rollback --env NAME [--to ID]`: roll the environment's current deploy back (admin key).
import type { Command } from "@commander-js/extra-typings";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { deployTitle } from "@cuitty/core";
import { CLIError } from "../errors.js";
import { info, paint, printJson } from "../output.js";
import { addConnectionOptions, parseDeployId, parseEnvironment, withConnectionHelp } from "./deployOptions.js";

export function registerDeployRollback(program: Command): void {
  const rollback = addConnectionOptions(
    program
      .command("rollback")
      .description("roll back an environment's current deploy to an earlier live one (needs an admin key)")
      .option("-e, --env <name>", "the environment to roll back (required)", parseEnvironment)
      .option(
        "--to <id>",
        "the deploy to go back to (default: the latest earlier live deploy not rolled back or marked bad)",
        parseDeployId,
      )
      .option("--reason <text>", "why, shown in the timeline"),
  );
  withConnectionHelp(rollback, ["cuitty rollback --env production", "cuitty rollback --env production --to 41 --reason 'p99 doubled'"]);
  rollback.action(async (flags) => {
    if (!flags.env)
      throw new CLIError("missing --env: which environment should be rolled back?", "E_USAGE", "pass --env NAME (see `cuitty status`)");
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const current = await call(conn, () => client.deploys.current.query());
    const entry = current.find((c) => c.environment === flags.env);
    if (!entry?.deploy) {
      throw new CLIError(
        entry ? `${flags.env} has no current deploy to roll back` : `there is no environment named ${flags.env}`,
        "E_NOT_FOUND",
        `see what is running with \`cuitty status\``,
      );
    }
    const from = entry.deploy;
    const rolled = await call(conn, () => client.deploys.rollback.mutate({ deployId: from.id, targetId: flags.to, reason: flags.reason }));
    if (flags.json) return printJson(rolled);
    const target = rolled.rollbackTargetId;
    const back = target === null ? undefined : await call(conn, () => client.deploys.get.query({ id: target }));
    const name = back ? `${deployTitle(back)} (#${back.id})` : `#${target}`;
    info(`${flags.env}: rolled back ${deployTitle(from)} (#${from.id}); ${paint("bold", name)} is current again.`);
  });
}
