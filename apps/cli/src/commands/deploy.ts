// Registers the deploy commands: `deploy <status>`, `deploy run`, `deploy show`, `deploys`, `status`, `rollback`.
import type { Command } from "@commander-js/extra-typings";
import { registerDeployCurrent } from "./deployCurrent.js";
import { registerDeployList } from "./deployList.js";
import { configureDeployReport } from "./deployReport.js";
import { registerDeployRollback } from "./deployRollback.js";
import { registerDeployRun } from "./deployRun.js";
import { registerDeployShow } from "./deployShow.js";

export function registerDeploy(program: Command): void {
  // Top-level options (-V/--version) must only be read before the command name, or
  // `cuitty deploy live --version v1.2` would print the CLI's version instead.
  program.enablePositionalOptions();
  // `deploy` both takes a status and has subcommands; positional options let `deploy run --env x`
  // hand --env to `run`, and let `run` pass the deploy command's own flags through.
  const deploy = program.command("deploy").enablePositionalOptions();
  configureDeployReport(deploy);
  registerDeployRun(deploy);
  registerDeployShow(deploy);
  registerDeployList(program);
  registerDeployCurrent(program);
  registerDeployRollback(program);
}
