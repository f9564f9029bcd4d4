// `cuitty env set|list|hook-secret`: each environment's health-check policy and rollback hook (docs/design.md §7).
import type { Command } from "@commander-js/extra-typings";
import { CuittyError, environmentUpdateSchema } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { type ApiClient, createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { PROJECT_HELP, defaultProject, withDatabase } from "../dataDir.js";
import { fields } from "../deployFormat.js";
import { CLIError } from "../errors.js";
import { info, paint, printJson, table } from "../output.js";
import { type CommonFlags, addConnectionOptions, parseEnvironment, withConnectionHelp } from "./deployOptions.js";
import { parseInteger, parsePositiveInt, parseRatio } from "./parse.js";
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
  prometheusUrl?: string | false;
  prometheusLatencyQuery?: string | false;
  prometheusCountQuery?: string | false;
  prometheusBearerToken?: string;
  prometheusBasicAuth?: string;
  prometheusAuth?: boolean;
  prometheusErrorQuery?: string | false;
  prometheusErrorMax?: number;
  order?: number | false;
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
  prometheusUrl: "--prometheus-url",
  prometheusLatencyQuery: "--prometheus-latency-query",
  prometheusCountQuery: "--prometheus-count-query",
  prometheusBearerToken: "--prometheus-bearer-token",
  prometheusBasicAuth: "--prometheus-basic-auth",
  prometheusErrorQuery: "--prometheus-error-query",
  prometheusErrorMax: "--prometheus-error-max",
  sortOrder: "--order",
};

const cleared = <T>(v: T | false | undefined) => (v === false ? null : v);

function settingsFromFlags(environment: string, f: SetFlags) {
  const github = f.rollbackGithub === false ? { rollbackGithubRepo: null, rollbackGithubWorkflow: null, rollbackGithubRef: null } : {};
  const noAuth = f.prometheusAuth === false ? { prometheusBearerToken: null, prometheusBasicAuth: null } : {};
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
    sortOrder: cleared(f.order),
    ...github,
    prometheusUrl: cleared(f.prometheusUrl),
    prometheusLatencyQuery: cleared(f.prometheusLatencyQuery),
    prometheusCountQuery: cleared(f.prometheusCountQuery),
    prometheusBearerToken: f.prometheusBearerToken,
    prometheusBasicAuth: f.prometheusBasicAuth,
    ...noAuth,
    prometheusErrorQuery: cleared(f.prometheusErrorQuery),
    prometheusErrorMax: f.prometheusErrorMax,
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
  if (e.rollbackGithubRepo)
    out.push(
      `github ${e.rollbackGithubRepo} ${e.rollbackGithubWorkflow ?? "(no workflow set)"}${e.rollbackGithubRef ? ` @${e.rollbackGithubRef}` : ""}`,
    );
  return out;
}

function prometheus(e: EnvironmentView): string {
  if (!e.prometheusUrl) return paint("gray", "none (regression from pushed snapshots)");
  const auth = e.prometheusAuth ? ` (${e.prometheusAuth} auth)` : "";
  const latency = e.prometheusLatencyQuery ? "custom latency query" : "default latency query";
  const condition = e.prometheusErrorQuery
    ? `health: error ratio ≤ ${e.prometheusErrorMax} of ${e.prometheusErrorQuery}`
    : "no health condition";
  return `${e.prometheusUrl}${auth}; ${latency}; ${condition}`;
}

function render(e: EnvironmentView): string {
  return fields([
    ["environment", e.name],
    ["order", e.sortOrder === null ? "default (production, staging, then by name)" : String(e.sortOrder)],
    ["current deploy", e.currentDeployId === null ? "none live yet" : `#${e.currentDeployId}`],
    ["health checks", policy(e)],
    ["auto-rollback", e.autoRollback ? paint("green", "on") : "off"],
    ["rollback hooks", hooks(e).join("; ") || "none"],
    ["prometheus", prometheus(e)],
  ]);
}

export function registerEnv(program: Command): void {
  const env = program
    .command("env")
    .description("environments: health-check policy, auto-rollback, rollback hooks and the order they are listed in");

  const set = env
    .command("set")
    .description("set an environment's health-check policy, rollback hook and order; unset options keep their value (needs an admin key)")
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
    .option("--no-rollback-github", "remove the GitHub dispatch")
    .option("--prometheus-url <url>", "answer `cuitty regression` from this Prometheus (and enable --prometheus-error-query)")
    .option("--no-prometheus-url", "stop using Prometheus: regression from pushed snapshots again")
    .option(
      "--prometheus-latency-query <promql>",
      "p99 per metric in seconds; $environment and $window are filled in (default: OpenTelemetry http_server_request_duration_seconds by http_route)",
    )
    .option("--no-prometheus-latency-query", "back to the default latency query")
    .option("--prometheus-count-query <promql>", "requests per metric over $window, grouped like the latency query (default: its _count)")
    .option("--no-prometheus-count-query", "back to the default count query")
    .option("--prometheus-bearer-token <token>", "send Authorization: Bearer <token> (never listed back)")
    .option("--prometheus-basic-auth <user:password>", "send basic auth instead (never listed back)")
    .option("--no-prometheus-auth", "send no credentials to Prometheus")
    .option("--prometheus-error-query <promql>", "health condition: an error ratio, evaluated at each probe ($window = the probe interval)")
    .option("--no-prometheus-error-query", "remove the Prometheus health condition")
    .option("--prometheus-error-max <ratio>", "highest error ratio that passes (default 0.05)", parseRatio)
    .option(
      "--order <n>",
      "where the environment is listed (dashboard, status, env list): ascending; production is 1 and staging 2 unless set",
      parseInteger,
    )
    .option("--no-order", "back to the default order (production, staging, then the rest by name)");
  addConnectionOptions(set);
  withConnectionHelp(set, [
    "cuitty env set production --health-url https://api.example.com/healthz --interval 15 --checks 20 --failures 3 --auto-rollback",
    "cuitty env set production --rollback-webhook https://ops.example.com/hooks/cuitty",
    "cuitty env set production --rollback-github-repo acme/api --rollback-github-workflow rollback.yml --rollback-github-ref main",
    "cuitty env set staging --no-health-url --no-auto-rollback",
    'cuitty env set production --prometheus-url http://prometheus:9090 --prometheus-bearer-token "$PROM_TOKEN"',
    `cuitty env set production --prometheus-error-query 'sum(rate(http_server_request_duration_seconds_count{deployment_environment="$environment",http_response_status_code=~"5.."}[1m])) / sum(rate(http_server_request_duration_seconds_count{deployment_environment="$environment"}[1m]))' --prometheus-error-max 0.05 --auto-rollback`,
    "cuitty env set preview-pr-412 --order 10",
  ]);
  set.action(async (name: string, flags: SetFlags) => {
    const input = settingsFromFlags(name, flags);
    if (Object.keys(input).length === 1) {
      throw new CLIError(
        `nothing to set for ${name}`,
        "E_USAGE",
        "pass at least one setting, e.g. --health-url URL or --auto-rollback (see --help)",
      );
    }
    const [valid] = validateAll(environmentUpdateSchema, [input], () => name, "correct the options (run with --help)", FLAGS);
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const updated = await call(conn, () => client.environments.update.mutate(valid!));
    if (flags.json) return printJson(updated);
    process.stdout.write(`${render(updated)}\n`);
    if (updated.autoRollback && !updated.healthUrl && !(updated.prometheusUrl && updated.prometheusErrorQuery))
      info(`note: auto-rollback is on but ${name} has no --health-url or --prometheus-error-query, so nothing triggers it.`);
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
        rows.map((e) => [
          e.name,
          e.currentDeployId === null ? "-" : `#${e.currentDeployId}`,
          policy(e),
          e.autoRollback ? paint("green", "on") : "off",
          hooks(e).join("; ") || "-",
        ]),
      )}\n`,
    );
  });

  env
    .command("hook-secret")
    .description("print the secret an environment's rollback webhook is signed with (local data directory, no server needed)")
    .argument("<name>", "the environment, e.g. production", parseEnvironment)
    .option("--rotate", "replace the secret with a new one; the old one stops working at once")
    .option("--project <id>", PROJECT_HELP)
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
      withDatabase(opts, async (db, q, dir) => {
        const projectId = await defaultProject(db, q, opts.project, dir);
        const secret = await q.rollbackHookSecret(db, projectId, name, { rotate: opts.rotate }).catch((error) => {
          if (error instanceof CuittyError && error.code === "NOT_FOUND") {
            throw new CLIError(
              `${error.message} in project ${projectId}`,
              "E_NOT_FOUND",
              `create it with \`cuitty env set ${name} --rollback-webhook URL\`, or report a deploy to it`,
            );
          }
          throw error;
        });
        if (opts.json) return printJson({ projectId, environment: name, secret, rotated: Boolean(opts.rotate) });
        info(`Rollback webhook secret of ${name}${opts.rotate ? " (rotated; the old one no longer verifies)" : ""}; keep it secret:`);
        process.stdout.write(`${secret}\n`);
      }),
    );
}
