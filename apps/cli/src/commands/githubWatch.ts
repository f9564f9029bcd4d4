// `cuitty github watch`: runs the SDK's GitHub Actions provider (docs/design.md §6) from a terminal or a long-running
// container, printing each transition the server recorded. The SDK is imported only when the command runs,
// so `cuitty deploy live` and the other commands do not pay for Octokit at start-up.
import { type Command, Option } from "@commander-js/extra-typings";
import type { DeployEventInput } from "@cuitty/core";
import type { CuittyClient, CuittyClientError } from "@cuitty/sdk";
import type { DeploysPlugin } from "@cuitty/sdk/plugins/deploys";
import { cuittyCodeOf, isOutage, toCLIError } from "../apiErrors.js";
import { type ApiClient, createApiClient } from "../client.js";
import { type Connection, readEnv, resolveConnection } from "../config.js";
import { CLIError } from "../errors.js";
import type { OptsOf } from "../flags.js";
import { info, warn } from "../output.js";
import { addConnectionOptions, parseEnvironment, withConnectionHelp } from "./deployOptions.js";
import { type WatchTransition, classify, describeFailure, formatTransition } from "./githubWatchReport.js";
import { parseApiUrl, parseInterval, parsePattern, parseRepo } from "./parse.js";

type EmitBatchAnswer = Awaited<ReturnType<ApiClient["deploys"]["emitBatch"]["mutate"]>>;

const STOP_TIMEOUT_MS = 5_000;

/** Checks the key before polling: a refused key would otherwise only show up at the first transition. */
async function checkKey(conn: Connection): Promise<void> {
  try {
    const me = await createApiClient(conn, { timeoutMs: 5_000 }).auth.whoami.query();
    if (me.scope === "read") {
      throw new CLIError(
        "CUITTY_API_KEY is a read key; recording transitions needs an ingest key",
        "E_AUTH",
        "issue one with `cuitty keys create --scope ingest --label github-watch`",
      );
    }
  } catch (error) {
    if (error instanceof CLIError) throw error;
    // whoami is for read keys: FORBIDDEN_SCOPE means the signature was good and the key is an ingest key.
    if (cuittyCodeOf(error) === "FORBIDDEN_SCOPE") return;
    if (isOutage(error)) {
      warn(`${toCLIError(error, conn).message}; watching anyway, transitions are queued until it answers`);
      return;
    }
    throw toCLIError(error, conn);
  }
}

function defineWatch(github: Command) {
  return addConnectionOptions(
    github
      .command("watch")
      .description(
        "poll a repository's GitHub Actions runs and record each as a deploy (queued → initiated, in progress → building/deploying, success → live, else failed); runs until Ctrl-C or SIGTERM",
      )
      .requiredOption("--repo <owner/name>", "the repository, e.g. acme/api", parseRepo)
      .requiredOption("-e, --env <name>", "environment the runs deploy to, e.g. production", parseEnvironment)
      .option("--token <token>", "GitHub token with actions:read (env GITHUB_TOKEN; prefer the variable, flags show in `ps`)")
      .option("--workflow <file>", "only runs of this workflow: file name (deploy.yml) or id")
      .option("--branch <name>", "only runs on this branch")
      .option("--event <name>", "only runs triggered by this event (push, workflow_dispatch, …)")
      .option("--interval <seconds>", "seconds between polls", parseInterval, 30)
      .option("--only-completed", "record only live/failed of completed runs (reads no jobs)")
      .option(
        "--deploy-job-pattern <regex>",
        "a job whose name matches marks the deploying phase (case-insensitive; default: deploy)",
        parsePattern,
      )
      .option("--github-api-url <url>", "GitHub API root (GitHub Enterprise: https://HOST/api/v3)", parseApiUrl)
      .addOption(new Option("--once", "poll once, deliver what it found, and exit")),
  );
}

type WatchFlags = OptsOf<ReturnType<typeof defineWatch>>;

export function registerGithubWatch(github: Command): void {
  const cmd = defineWatch(github);
  cmd.addHelpText(
    "after",
    `
Each transition the server records is printed as one line (one JSON object per line with --json);
problems go to standard error. The first poll records the current state of the latest runs; the
server ignores what it already has (event ids github:{repo}:{run}:{attempt}:{status}), so a restart
or a second watcher records nothing twice. Ctrl-C or SIGTERM stops polling, delivers what is queued
(up to 5 s) and exits 0. A refused GitHub token (exit 4), an unknown repository (exit 6) or a refused
Cuitty key (exit 4) stop the watch with an error.`,
  );
  withConnectionHelp(cmd, [
    "GITHUB_TOKEN=ghp_… cuitty github watch --repo acme/api --env production",
    "cuitty github watch --repo acme/api --env production --workflow deploy.yml --branch main --event push",
    "cuitty github watch --repo acme/api --env staging --only-completed --interval 60 --json",
    "cuitty github watch --repo acme/api --env production --github-api-url https://github.example.com/api/v3",
  ]);
  cmd.action((flags) => watch(flags));
}

async function watch(flags: WatchFlags): Promise<void> {
  const conn = resolveConnection(flags);
  const token = flags.token ?? readEnv().GITHUB_TOKEN?.trim();
  if (!token) {
    throw new CLIError(
      "no GitHub token: GITHUB_TOKEN is not set and --token was not given",
      "E_CONFIG",
      "set GITHUB_TOKEN to a token with actions:read on the repository (in Actions: secrets.GITHUB_TOKEN)",
    );
  }
  await checkKey(conn);
  const [{ createCuittyClient, CuittyClientError: ClientError }, { deploysPlugin }] = await Promise.all([
    import("@cuitty/sdk"),
    import("@cuitty/sdk/plugins/deploys"),
  ]);

  let recorded = 0;
  let unreachable = false;
  let finish: (error?: CLIError) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  done.catch(() => {}); // awaited below; this only keeps a fatal error during --once from counting as unhandled

  const print = (t: WatchTransition) => {
    recorded++;
    process.stdout.write(flags.json ? `${JSON.stringify(t)}\n` : `${formatTransition(t)}\n`);
  };

  // Watches the SDK's calls to the server: the answers of deploys.emitBatch say which events became
  // transitions (changed) and which the server had already (duplicate: nothing to print).
  const observingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let res: Response;
    try {
      res = await globalThis.fetch(input, init);
    } catch (error) {
      noteOutage(describeFailure(error));
      throw error;
    }
    const json = (res.headers.get("content-type") ?? "").includes("json");
    if (!json && res.status >= 500) {
      noteOutage(`HTTP ${res.status}`);
      return res;
    }
    noteReachable();
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!json || !res.ok || !new URL(url).pathname.endsWith("/trpc/deploys.emitBatch")) return res;
    const text = await res.text();
    try {
      // The SDK sent deploy events; the server answered with the router's output (no transformer: plain JSON).
      const events = (JSON.parse(String(init?.body)) as { events: Partial<DeployEventInput>[] }).events;
      const results = (JSON.parse(text) as { result: { data: EmitBatchAnswer } }).result.data.results;
      results.forEach((r, i) => {
        if (!r.ok || !r.changed) return;
        const e = events[i] ?? {};
        print({
          type: "transition",
          deployId: r.deploy.id,
          key: r.deploy.externalKey ?? e.deploy,
          environment: r.deploy.environment ?? e.environment,
          from: r.from ?? null,
          to: r.deploy.status ?? e.status,
          reason: e.reason ?? null,
          eventId: e.id ?? null,
          occurredAt: e.occurredAt ?? null,
          commitSha: e.commitSha ?? null,
          branch: e.branch ?? null,
          buildLogsUrl: e.buildLogsUrl ?? null,
          triggeredBy: e.triggeredBy ?? null,
        });
      });
    } catch (error) {
      warn(`could not read the server's answer to deploys.emitBatch (${String(error)}); transitions are recorded but not printed`);
    }
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  function noteOutage(why: string) {
    if (unreachable) return;
    unreachable = true;
    warn(`cannot reach the Cuitty server at ${conn.portalUrl} (${why}); transitions are queued and retried`);
  }
  function noteReachable() {
    if (!unreachable) return;
    unreachable = false;
    info(`the Cuitty server at ${conn.portalUrl} answers again; delivering queued transitions`);
  }

  let stopping: Promise<void> | undefined;
  let client: CuittyClient | undefined;
  const stop = (error?: CLIError) =>
    (stopping ??= (async () => {
      const { undelivered } = client ? await client.stop({ timeoutMs: STOP_TIMEOUT_MS }) : { undelivered: 0 };
      if (!error) {
        info(
          `stopped watching ${flags.repo}: ${recorded} transition${recorded === 1 ? "" : "s"} recorded` +
            (undelivered > 0 ? `, ${undelivered} not delivered (the server did not answer in time)` : ""),
        );
      }
      finish(error);
    })());

  const onError = (error: CuittyClientError) => {
    const fatal = classify(error, flags, conn);
    if (fatal) return void stop(fatal);
    // UNDELIVERED is summed up in the stop line; everything else is worth a line as it happens.
    if (error.code !== "UNDELIVERED") warn(`${error.message} [${error.code}]`);
  };

  let plugin: DeploysPlugin;
  try {
    client = createCuittyClient({ ...conn, fetch: observingFetch, stopTimeoutMs: STOP_TIMEOUT_MS, onError });
    plugin = deploysPlugin({
      provider: "github",
      repo: flags.repo,
      token,
      environment: flags.env,
      interval: Math.round(flags.interval * 1000),
      ...(flags.onlyCompleted ? { onlyCompleted: true } : {}),
      ...(flags.workflow !== undefined ? { workflow: flags.workflow } : {}),
      ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
      ...(flags.event !== undefined ? { event: flags.event } : {}),
      ...(flags.deployJobPattern !== undefined ? { deployJobPattern: flags.deployJobPattern } : {}),
      ...(flags.githubApiUrl !== undefined ? { baseUrl: flags.githubApiUrl } : {}),
    });
    client.use(plugin);
  } catch (error) {
    if (error instanceof ClientError) throw new CLIError(error.message, "E_CONFIG", "check --repo, --token and the connection settings");
    throw error;
  }

  if (flags.once) {
    await plugin.poll();
    await stop();
    return done;
  }

  // The SDK's timers are unref'd (they never keep a host process alive); this one keeps the watch running.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      // A second Ctrl-C does not wait for the flush.
      warn(`${signal} again: exiting without delivering what is queued`);
      process.exitCode = signal === "SIGINT" ? 130 : 143;
      finish();
      return;
    }
    signalled = signal;
    info(`${signal}: stopping; delivering queued transitions (up to ${STOP_TIMEOUT_MS / 1000} s)…`);
    void stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const filters = [
    flags.workflow && `workflow ${flags.workflow}`,
    flags.branch && `branch ${flags.branch}`,
    flags.event && `event ${flags.event}`,
    flags.onlyCompleted && "completed runs only",
  ].filter(Boolean);
  info(
    `watching ${flags.repo} for ${flags.env} every ${flags.interval} s${filters.length ? ` (${filters.join(", ")})` : ""}; ` +
      `recording to ${conn.portalUrl}. Ctrl-C to stop.`,
  );
  client.start();
  try {
    await done;
  } finally {
    clearInterval(keepAlive);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
