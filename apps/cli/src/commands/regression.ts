// `cuitty regression DEPLOY_ID`: p99 before vs after a deploy's go-live per metric (docs/design.md §5); exits 1 on a regression, to gate CI.
import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { call } from "../apiErrors.js";
import { type ApiClient, createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { fields } from "../deployFormat.js";
import { CLIError } from "../errors.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import { addConnectionOptions, parseDeployId, withConnectionHelp } from "./deployOptions.js";

type Regression = Awaited<ReturnType<ApiClient["deploys"]["regression"]["query"]>>;

function parseThreshold(value: string): number {
  const n = Number(value.replace(/%$/, ""));
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 10_000)
    throw new InvalidArgumentError("a threshold is a percentage above 0, e.g. 10");
  return n;
}

const VERDICT_STYLE = { regressed: "red", improved: "green", unchanged: "gray", insufficient_data: "yellow" } as const;

function verdictLabel(verdict: string): string {
  const style = VERDICT_STYLE[verdict as keyof typeof VERDICT_STYLE];
  return style ? paint(style, verdict) : verdict;
}

const ms = (v: number | null) => (v === null ? "-" : `${Number(v.toFixed(1))}ms`);
const pct = (v: number | null) => (v === null ? "-" : `${v > 0 ? "+" : ""}${v.toFixed(1)}%`);
const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");

function render(r: Regression): string {
  const head = fields([
    ["deploy", `#${r.deployId}`],
    ["live", r.liveAt === null ? "never went live: nothing to compare" : `${relativeTime(r.liveAt)} (${iso(r.liveAt)})`],
    ["before", r.windows ? `${iso(r.windows.before.from)} → ${iso(r.windows.before.to)}` : null],
    ["after", r.windows ? `${iso(r.windows.after.from)} → ${iso(r.windows.after.to)}` : null],
    ["threshold", `±${r.threshold}%`],
    ["source", r.source === "prometheus" ? "the environment's Prometheus" : "pushed perf snapshots"],
    ["verdict", verdictLabel(r.verdict)],
    ["reason", r.reason],
  ]);
  if (r.metrics.length === 0) return head;
  const rows = r.metrics.map((m) => [
    m.metric,
    `${ms(m.p99Before)} → ${ms(m.p99After)}`,
    pct(m.deltaPercent),
    `${m.samplesBefore} / ${m.samplesAfter}`,
    verdictLabel(m.verdict),
  ]);
  return `${head}\n\n${table(["METRIC", "P99 BEFORE → AFTER", "DELTA", "SAMPLES", "VERDICT"], rows)}`;
}

export function registerRegression(program: Command): void {
  const cmd = addConnectionOptions(
    program
      .command("regression")
      .description("did this deploy regress p99? before vs after its go-live, per metric; exits 1 when one regressed (needs a read key)")
      .argument("<deploy-id>", "the deploy's id, e.g. 42 or #42", parseDeployId)
      .option("-m, --metric <name>", "only this metric, e.g. 'GET /checkout'")
      .option("-t, --threshold <percent>", "a change of at least this much is a regression (or an improvement)", parseThreshold, 10),
  );
  cmd.addHelpText(
    "after",
    `
Before = snapshots whose window starts in the hour before go-live (from the previous go-live at most),
after = the hour after (until the next go-live at most); p99 per side is weighted by samples, and a side
with fewer than 100 samples gives insufficient_data. An environment with a Prometheus URL (cuitty env set
NAME --prometheus-url URL) is asked instead, over the same windows; if it cannot answer, the verdict is
insufficient_data with the reason. Exit code: 1 when the verdict is regressed, else 0,
so a CI step fails on a regression (wait for the after window to fill before running it).`,
  );
  withConnectionHelp(cmd, [
    "cuitty regression 42",
    "cuitty regression 42 --metric 'GET /checkout' --threshold 20",
    'cuitty regression "$DEPLOY_ID" --json | jq \'.metrics[] | select(.verdict == "regressed")\'',
  ]);
  cmd.action(async (id, flags) => {
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const result = await call(conn, () => client.deploys.regression.query({ id, metric: flags.metric, threshold: flags.threshold }));
    if (flags.json) printJson(result);
    else process.stdout.write(`${render(result)}\n`);
    if (!flags.json && result.metrics.length === 0 && result.liveAt !== null) {
      info(
        result.source === "prometheus"
          ? result.reason
            ? "Prometheus could not answer (the reason is above); check the environment's --prometheus-url and credentials with `cuitty env list`."
            : `Prometheus had no series${flags.metric ? ` named ${flags.metric}` : ""} around this deploy's go-live; check the environment's --prometheus-latency-query.`
          : flags.metric
            ? `No snapshots of ${flags.metric} around this deploy's go-live.`
            : "No perf snapshots around this deploy's go-live. Report them with `cuitty perf record` or the SDK's cuitty.perf().",
      );
    }
    if (result.verdict === "regressed") {
      const worst = result.metrics.filter((m) => m.verdict === "regressed").map((m) => `${m.metric} ${pct(m.deltaPercent)}`);
      throw new CLIError(
        `deploy #${id} regressed p99 by ${flags.threshold}% or more: ${worst.join(", ")}`,
        "E_REGRESSION",
        "look at what changed (`cuitty deploy show ID`), roll back with `cuitty rollback --env NAME`, or raise --threshold if this is expected",
      );
    }
  });
}
