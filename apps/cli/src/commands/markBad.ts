// `cuitty deploy mark-bad ID --reason …` and `cuitty deploy mark-good ID`: mark a deploy after the fact (admin key).
import type { Command } from "@commander-js/extra-typings";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { CLIError } from "../errors.js";
import { info, printJson } from "../output.js";
import { addConnectionOptions, parseDeployId, withConnectionHelp } from "./deployOptions.js";

export function registerMarkBad(program: Command): void {
  const deploy = program.commands.find((c) => c.name() === "deploy");
  if (!deploy) throw new Error("register the deploy command before mark-bad");
  const bad = addConnectionOptions(
    deploy
      .command("mark-bad")
      .description("mark a deploy bad: it counts as a change failure and is never a default rollback target (admin key)")
      .argument("<id>", "the deploy's id, e.g. 42 or #42", parseDeployId)
      .option("--reason <text>", "why it is bad (required), shown with the deploy"),
  ).exitOverride();
  const good = addConnectionOptions(
    deploy
      .command("mark-good")
      .description("undo mark-bad; the history keeps both (admin key)")
      .argument("<id>", "the deploy's id", parseDeployId)
      .option("--reason <text>", "why it is fine after all"),
  ).exitOverride();
  withConnectionHelp(bad, ["cuitty deploy mark-bad 42 --reason 'checkout errors for EU users'"]);
  withConnectionHelp(good, ["cuitty deploy mark-good 42"]);

  bad.action(async (id, flags) => {
    if (!flags.reason?.trim()) throw new CLIError("missing --reason: say why the deploy is bad", "E_USAGE", "pass --reason TEXT");
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const r = await call(conn, () => client.deploys.markBad.mutate({ id, reason: flags.reason! }));
    if (flags.json) return printJson(r);
    info(`#${id} is marked bad${r.changed ? "" : " (it already was, with that reason)"}: ${r.deploy.markedBadReason}`);
  });
  good.action(async (id, flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const r = await call(conn, () => client.deploys.markGood.mutate({ id, reason: flags.reason }));
    if (flags.json) return printJson(r);
    info(r.changed ? `#${id} is no longer marked bad.` : `#${id} was not marked bad; nothing changed.`);
  });
}
