// `cuitty env set|list|hook-secret`: each environment's health-check policy and rollback hook (DESIGN §7).
import type { Command } from "commander";
import { CuittyError, environmentUpdateSchema } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { type ApiClient, createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { withDatabase } from "../dataDir.js";
import { fields } from "../deployFormat.js";
import { CLIError } from "../errors.js";
import { info, paint, printJson, table } from "../output.js";
import { type CommonFlags, addConnectionOptions, parseEnvironment, withConnectionHelp } from "./deployOptions.js";
import { parsePositiveInt } from "./parse.js";
import { validateAll } from "./recordBatch.js";

type EnvironmentView = Awaited<ReturnType<ApiClient["environments"]["list"]["query"]>>[number];

/** `--no-x` gives false: clear the setting. */
interface SetFlags extends CommonFlags {
  healthUrl?: string | false;
  expectStatus?: number;
  interval?: number;
  timeout?: number;
  checks?: number;
  failures?: number;
  autoRollback?: boolean;
  rollbackWebhook?: string | false;
  rollbackGithubRepo?: string;
  rollbackGithubWorkflow?: string;
  rollbackGithubRef?: string;
  rollbackGithub?: boolean;
}

/** Setting → the flag that sets it, for messages. */
const FLAGS: Record<string, string> = {
  environment: "NAME",
  healthUrl: "--health-url",
  healthExpectStatus: "--expect-status",
  healthIntervalSeconds: "--interval",
  healthTimeoutMs: "--timeout",
  healthChecks: "--checks",
  healthFailures: "--failures",
  autoRollback: "--auto-rollback",
  rollbackWebhookUrl: "--rollback-webhook",
  rollbackGithubRepo: "--rollback-github-repo",
  rollbackGithubWorkflow: "--rollback-github-workflow",
  rollbackGithubRef: "--rollback-github-ref",
};

const cleared = <T>(v: T | false | undefined) => (v === false ? null : v);

function settingsFromFlags(environment: string, f: SetFlags) {
  const github = f.rollbackGithub === false ? { rollbackGithubRepo: null, rollbackGithubWorkflow: null, rollbackGithubRef: null } : {};
  const settings = {
    healthUrl: cleared(f.healthUrl),
    healthExpectStatus: f.expectStatus,
    healthIntervalSeconds: f.interval,
    healthTimeoutMs: f.timeout,
    healthChecks: f.checks,
    healthFailures: f.failures,
    autoRollback: f.autoRollback,
    rollbackWebhookUrl: cleared(f.rollbackWebhook),
    rollbackGithubRepo: f.rollbackGithubRepo,
    rollbackGithubWorkflow: f.rollbackGithubWorkflow,
    rollbackGithubRef: f.rollbackGithubRef,
    ...github,
  };
  return { environment, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
}

function policy(e: EnvironmentView): string {
  if (!e.healthUrl) return paint("gray", "no health checks");
  return `GET ${e.healthUrl} → ${e.healthExpectStatus}, every ${e.healthIntervalSeconds}s, timeout ${e.healthTimeoutMs}ms, ${e.healthChecks} checks, failing after ${e.healthFailures} in a row`;
}

function hooks(e: EnvironmentView): string[] {
  const out: string[] = [];
  if (e.rollbackWebhookUrl) out.push(`webhook ${e.rollbackWebhookUrl}`);
  if (e.rollbackGithubRepo) out.push(`github ${e.rollbackGithubRepo} ${e.rollbackGithubWorkflow ?? "(no workflow set)"}${e.rollbackGithubRef ? ` @${e.rollbackGithubRef}` : ""}`);
  return out;
}

function render(e: EnvironmentView): string {
  return fields([
    ["environment", e.name],
    ["current deploy", e.currentDeployId === null ? "none live yet" : `#${e.currentDeployId}`],
    ["health checks", policy(e)],
    ["auto-rollback", e.autoRollback ? paint("green", "on") : "off"],
    ["rollback hooks", hooks(e).join("; ") || "none"],
  ]);
}

export function registerEnv(program: Command): void {
  const env = program.command("env").description("environments: health-check policy, auto-rollback and rollback hooks");

  const set = env
    .command("set")
    .description("set an environment's health-check policy and rollback hook; unset options keep their value (needs an admin key)")
    .argument("<name>", "the environment, e.g. production (created if it does not exist yet)", parseEnvironment)
    .option("--health-url <url>", "GET this URL after each go-live; no URL = no checks")
    .option("--no-health-url", "stop health checks")
    .option("--expect-status <code>", "the status of a healthy answer (default 200)", parsePositiveInt)
    .option("--interval <seconds>", "seconds between probes (default 30)", parsePositiveInt)
    .option("--timeout <ms>", "a probe slower than this fails (default 5000)", parsePositiveInt)
    .option("--checks <n>", "probes in a full series after go-live (default 10)", parsePositiveInt)
    .option("--failures <n>", "consecutive failed probes that make the deploy failing (default 3)", parsePositiveInt)
    .option("--auto-rollback", "roll back automatically when the checks fail")
    .option("--no-auto-rollback", "only mark the deploy failing")
    .option("--rollback-webhook <url>", "POST a signed JSON body here on every rollback (secret: `cuitty env hook-secret NAME`)")
    .option("--no-rollback-webhook", "remove the webhook")
    .option("--rollback-github-repo <owner/repo>", "dispatch a GitHub workflow in this repository on every rollback")
    .option("--rollback-github-workflow <file>", "the workflow to dispatch, e.g. rollback.yml")
    .option("--rollback-github-ref <ref>", "the ref to run it on (default: the target's branch, then main)")
    .option("--no-rollback-github", "remove the GitHub dispatch");
  addConnectionOptions(set);
  withConnectionHelp(set, [
    "cuitty env set production --health-url https://api.example.com/healthz --interval 15 --checks 20 --failures 3 --auto-rollback",
    "cuitty env set production --rollback-webhook https://ops.example.com/hooks/cuitty",
    "cuitty env set production --rollback-github-repo acme/api --rollback-github-workflow rollback.yml --rollback-github-ref main",
    "cuitty env set staging --no-health-url --no-auto-rollback",
  ]);
  set.action(async (name: string, flags: SetFlags) => {
    const input = settingsFromFlags(name, flags);
    if (Object.keys(input).length === 1) {
      throw new CLIError(`nothing to set for ${name}`, "E_USAGE", "pass at least one setting, e.g. --health-url URL or --auto-rollback (see --help)");
    }
    const [valid] = validateAll(environmentUpdateSchema, [input], () => name, "correct the options (run with --help)", FLAGS);
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const updated = await call(conn, () => client.environments.update.mutate(valid!));
    if (flags.json) return printJson(updated);
    process.stdout.write(`${render(updated)}\n`);
    if (updated.autoRollback && !updated.healthUrl) info(`note: auto-rollback is on but ${name} has no --health-url, so nothing triggers it.`);
  });

  const list = env.command("list").description("list environments with their health-check policy and rollback hooks (needs a read key)");
  addConnectionOptions(list);
  withConnectionHelp(list, ["cuitty env list", "cuitty env list --json | jq '.[] | {name, healthUrl, autoRollback}'"]);
  list.action(async (flags: CommonFlags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const rows = await call(conn, () => client.environments.list.query());
    if (flags.json) return printJson(rows);
    if (rows.length === 0) return info("No environments yet. Report a deploy, or `cuitty env set NAME --health-url URL`.");
    process.stdout.write(
      `${table(
        ["ENV", "CURRENT", "HEALTH CHECK", "AUTO-ROLLBACK", "ROLLBACK HOOKS"],
        rows.map((e) => [e.name, e.currentDeployId === null ? "-" : `#${e.currentDeployId}`, policy(e), e.autoRollback ? paint("green", "on") : "off", hooks(e).join("; ") || "-"]),
      )}\n`,
    );
  });

  env
    .command("hook-secret")
    .description("print the secret an environment's rollback webhook is signed with (local data directory, no server needed)")
    .argument("<name>", "the environment, e.g. production", parseEnvironment)
    .option("--rotate", "replace the secret with a new one; the old one stops working at once")
    .option("--project <id>", "project (default: the only project)")
    .option("-d, --data <dir>", "data directory (env CUITTY_DATA_DIR, default ./.cuitty)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Examples:
  cuitty env hook-secret production
  cuitty env hook-secret production --rotate --data /var/lib/cuitty

The receiver checks x-cuitty-signature with verify() of @cuitty/core and this secret as the key
(the same signing as the wire protocol; see apps/server/src/health/README.md).`,
    )
    .action((name: string, opts: { rotate?: boolean; project?: string; data?: string; json?: boolean }) =>
      withDatabase(opts, async (db, { listProjects, rollbackHookSecret }) => {
        let projectId = opts.project;
        if (!projectId) {
          const projects = await listProjects(db);
          if (projects.length !== 1) {
            throw new CLIError(
              projects.length === 0 ? "there is no project yet" : "there are several projects; say which",
              "E_USAGE",
              projects.length === 0 ? "run `cuitty serve` once, or `cuitty projects create NAME`" : "pass --project ID (see `cuitty projects list`)",
            );
          }
          projectId = projects[0]!.id;
        }
        const secret = await rollbackHookSecret(db, projectId, name, { rotate: opts.rotate }).catch((error) => {
          if (error instanceof CuittyError && error.code === "NOT_FOUND") {
            throw new CLIError(`${error.message} in project ${projectId}`, "E_NOT_FOUND", `create it with \`cuitty env set ${name} --rollback-webhook URL\`, or report a deploy to it`);
          }
          throw error;
        });
        if (opts.json) return printJson({ projectId, environment: name, secret, rotated: Boolean(opts.rotate) });
        info(`Rollback webhook secret of ${name}${opts.rotate ? " (rotated; the old one no longer verifies)" : ""}; keep it secret:`);
        process.stdout.write(`${secret}\n`);
      }),
    );
}
