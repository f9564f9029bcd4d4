// `cuitty dora --env NAME [--since 30d] [--bucket day|week]`: the four DORA metrics of an environment (read key).
import { type Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { METRIC_BUCKETS, type MetricBucket } from "@cuitty/core";
import { call } from "../apiErrors.js";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { duration } from "../deployFormat.js";
import { CLIError } from "../errors.js";
import { info, paint, printJson, relativeTime, table } from "../output.js";
import { addConnectionOptions, parseEnvironment, withConnectionHelp } from "./deployOptions.js";

const UNIT_SECONDS: Record<string, number> = { h: 3600, d: 86_400, w: 604_800 };

/** `30d`, `12h`, `6w`: how far back the range starts. */
function parseSince(value: string): number {
  const m = /^(\d+)([hdw])$/.exec(value.trim());
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError("expected a duration like 30d, 12h or 6w");
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

function parseBucket(value: string): MetricBucket {
  const b = METRIC_BUCKETS.find((x) => x === value);
  if (!b) throw new InvalidArgumentError(`a bucket is one of ${METRIC_BUCKETS.join(", ")}`);
  return b;
}

const pct = (r: number | null) => (r === null ? "-" : `${(r * 100).toFixed(1)}%`);
const secs = (s: number | null) => (s === null ? "-" : duration(Math.round(s)));

export function registerDora(program: Command): void {
  const dora = addConnectionOptions(
    program
      .command("dora")
      .description("deployment frequency, lead time, change failure rate and time to restore of an environment (read key)")
      .option("-e, --env <name>", "the environment (required)", parseEnvironment)
      .addOption(new Option("--since <duration>", "how far back: e.g. 30d, 12h, 6w").argParser(parseSince).default(30 * 86_400, "30d"))
      .option("--bucket <day|week>", "series bucket", parseBucket, "day" as MetricBucket),
  );
  withConnectionHelp(dora, ["cuitty dora --env production", "cuitty dora --env production --since 12w --bucket week --json"]);
  dora.exitOverride();
  dora.action(async (flags) => {
    if (!flags.env) throw new CLIError("missing --env: which environment?", "E_USAGE", "pass --env NAME (see `cuitty status`)");
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const to = Math.floor(Date.now() / 1000);
    const m = await call(conn, () =>
      client.metrics.dora.query({ environment: flags.env!, from: to - flags.since, to, bucket: flags.bucket }),
    );
    if (flags.json) return printJson(m);
    const days = (m.to - m.from) / 86_400;
    const band = (b: string | null) => (b ? paint(b === "elite" || b === "high" ? "green" : b === "medium" ? "yellow" : "red", b) : "-");
    info(`${paint("bold", m.environment)}, last ${Math.round(days)} days`);
    // The definitions behind each figure: README, "DORA metrics".
    process.stdout.write(
      `${table(
        ["METRIC", "VALUE", "SAMPLES", "BAND"],
        [
          [
            "deployment frequency",
            `${m.deploymentFrequency.perDay.toFixed(2)}/day`,
            String(m.deploymentFrequency.count),
            band(m.bands.deploymentFrequency),
          ],
          ["lead time (median)", secs(m.leadTime.medianSeconds), `${m.leadTime.samples} commits`, band(m.bands.leadTime)],
          [
            "change failure rate",
            pct(m.changeFailureRate.rate),
            `${m.changeFailureRate.failures}/${m.changeFailureRate.total} live`,
            band(m.bands.changeFailureRate),
          ],
          ["failed runs (never live)", String(m.changeFailureRate.failedRuns), "-", "-"],
          [
            "time to restore (median)",
            secs(m.timeToRestore.medianSeconds),
            `${m.timeToRestore.samples} restored`,
            band(m.bands.timeToRestore),
          ],
          [
            "open outage",
            m.timeToRestore.openSince === null ? "none" : `began ${relativeTime(m.timeToRestore.openSince)}`,
            String(m.timeToRestore.unrestored),
            "-",
          ],
        ],
      )}\n`,
    );
  });
}
