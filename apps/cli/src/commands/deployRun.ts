// `cuitty deploy run --env NAME -- <command…>`: deploying, run it, then live or failed by its exit code.
import type { Command } from "@commander-js/extra-typings";
import { readEnv, resolveConnection } from "../config.js";
import { buildDeployEvent } from "../deployEvent.js";
import { withShippedCommits } from "../shippedCommits.js";
import { CLIError } from "../errors.js";
import { paint, warn } from "../output.js";
import { createReporter } from "../reporter.js";
import { describeOutcome, exitCodeOf, watchSignals } from "../runChild.js";
import { announce, sayKey } from "./deployReport.js";
import { CI_HELP, addEventOptions, addReportOptions, withConnectionHelp } from "./deployOptions.js";

export function registerDeployRun(deploy: Command): void {
  const run = addReportOptions(
    addEventOptions(
      deploy
        .command("run")
        .description("report deploying, run the command (output passed through), then report live or failed by its exit code")
        .argument("<command...>", "the deploy command and its arguments (put them after --)")
        // Options after the command belong to the command, not to us.
        .passThroughOptions(),
    ),
  );
  withConnectionHelp(run, [
    "cuitty deploy run --env production -- ./deploy.sh --tag v1.4.2",
    "cuitty deploy run --env staging --version v1.4.2 -- kubectl rollout status deploy/api",
  ]);
  run.addHelpText(
    "after",
    `${CI_HELP}\n\nExits with the command's exit code. Ctrl-C or SIGTERM reports failed, passes the signal on and exits 128+signal.\nA server outage only warns and the command still runs; --strict refuses to run it unreported.`,
  );
  run.action(async (argv, flags) => {
    // Signals are watched from the start so an interrupted run is still reported as failed.
    const signals = watchSignals();
    try {
      const env = readEnv();
      const conn = resolveConnection(flags);
      const reporter = createReporter(conn, { strict: Boolean(flags.strict) });
      const built = buildDeployEvent("deploying", flags, env);
      sayKey(built);
      const deploying = await withShippedCommits(built.event, reporter.client);
      // With --json one summary line is printed at the end; the command's own output shares stdout.
      const first = await reporter.report(deploying);
      if (!flags.json) announce(first, "deploying", deploying.environment, false);

      const outcome = await signals.run(argv);
      const status = outcome.kind === "exited" && outcome.code === 0 ? "live" : "failed";
      const code = exitCodeOf(outcome);
      if (status === "failed") warn(`${argv.join(" ")}: ${describeOutcome(outcome)}`);
      // The same key as `deploying`, whatever named it.
      // The commits went with `deploying`; the final event carries the same details without them.
      const { event: final } = buildDeployEvent(
        status,
        { ...flags, deploy: deploying.deploy, reason: status === "failed" ? describeOutcome(outcome) : undefined },
        env,
      );
      try {
        const last = await reporter.report(final);
        if (flags.json) {
          const summary = { deploy: deploying.deploy, status, outcome: describeOutcome(outcome), exitCode: code, reports: [first, last] };
          process.stdout.write(`${JSON.stringify(summary)}\n`);
        } else announce(last, status, final.environment, false);
      } catch (error) {
        // A command that failed keeps its own exit code; the tracking error is still shown.
        if (code === 0 || !(error instanceof CLIError)) throw error;
        process.stderr.write(`${paint("red", "error:")} ${error.message} [${error.code}]\n`);
      }
      process.exitCode = code;
    } finally {
      signals.dispose();
    }
  });
}
