// The `cuitty` command tree; each command family registers itself.
import { Command } from "@commander-js/extra-typings";
import { registerAdmin } from "./commands/admin.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerServe } from "./commands/serve.js";
import { registerGithub } from "./commands/github.js";
import { registerDora } from "./commands/dora.js";
import { registerMarkBad } from "./commands/markBad.js";
import { registerHooks } from "./commands/hooks.js";
import { registerRegression } from "./commands/regression.js";
import { registerEnv } from "./commands/env.js";
import { registerAudit } from "./commands/audit.js";
import { registerPerf } from "./commands/perf.js";

export function buildProgram(): Command {
  const program = new Command("cuitty")
    .description("Cuitty Deploys: track every deploy from CI to live, failed or rolled back")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // Before any subcommand exists, so every command inherits it and usage errors exit with E_USAGE.
    .exitOverride()
    .addHelpText(
      "after",
      "\nExamples:\n  cuitty serve                                   start the server and dashboard\n  cuitty keys create --scope ingest --label ci   issue a key for CI",
    );
  registerServe(program);
  registerAdmin(program);
  registerDeploy(program);
  registerGithub(program);
  registerDora(program);
  registerMarkBad(program);
  registerHooks(program);
  registerRegression(program);
  registerEnv(program);
  registerAudit(program);
  registerPerf(program);
  return program;
}
