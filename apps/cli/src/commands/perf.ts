// `cuitty perf record`: latency snapshots per environment and metric, the data `cuitty regression` compares.
import type { Command } from "commander";
import { perfSnapshotSchema } from "@cuitty/core";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { CLIError } from "../errors.js";
import { info, printJson } from "../output.js";
import { type CommonFlags, addConnectionOptions, parseEnvironment, parseOccurredAt, withConnectionHelp } from "./deployOptions.js";
import { parseCount, parseNonNegative, parseRate, readItemsFile, sendBatches, validateAll } from "./recordBatch.js";

interface PerfFlags extends CommonFlags {
  env?: string;
  metric?: string;
  p50?: number;
  p95?: number;
  p99?: number;
  errorRate?: number;
  samples?: number;
  windowStart?: number;
  windowEnd?: number;
  id?: string;
  file?: string;
}

/** Snapshot field → the flag that sets it, for messages about a single snapshot. */
const FLAGS: Record<string, string> = {
  environment: "--env",
  metric: "--metric",
  p50: "--p50",
  p95: "--p95",
  p99: "--p99",
  errorRate: "--error-rate",
  samples: "--samples",
  windowStart: "--window-start",
  windowEnd: "--window-end",
  id: "--id",
};
const REQUIRED = ["environment", "metric", "p99", "samples", "windowStart", "windowEnd"] as const;
const EXAMPLE = '{"environment":"production","metric":"GET /checkout","p99":182.5,"samples":1200,"windowStart":1767225600,"windowEnd":1767225660}';

function snapshotFromFlags(f: PerfFlags) {
  return { id: f.id, environment: f.env, metric: f.metric, p50: f.p50, p95: f.p95, p99: f.p99, errorRate: f.errorRate, samples: f.samples, windowStart: f.windowStart, windowEnd: f.windowEnd };
}

export function registerPerf(program: Command): void {
  const perf = program.command("perf").description("perf snapshots: latency per metric, compared around each deploy by `cuitty regression`");
  const record = perf
    .command("record")
    .description("record a perf snapshot, or a batch from a JSON file (needs an ingest key)")
    .option("-e, --env <name>", "environment measured (required)", parseEnvironment)
    .option("-m, --metric <name>", "what was measured, e.g. a route such as 'GET /checkout' (required)")
    .option("--p99 <ms>", "99th percentile latency in ms (required)", parseNonNegative)
    .option("--samples <n>", "requests the percentiles cover (required; a side needs 100 for a verdict)", parseCount)
    .option("--window-start <time>", "start of the measured window: unix seconds or ISO 8601 (required)", parseOccurredAt)
    .option("--window-end <time>", "end of the measured window: unix seconds or ISO 8601 (required)", parseOccurredAt)
    .option("--p50 <ms>", "median latency in ms", parseNonNegative)
    .option("--p95 <ms>", "95th percentile latency in ms", parseNonNegative)
    .option("--error-rate <fraction>", "share of failed requests, 0 to 1", parseRate)
    .option("--id <id>", "an idempotency key: a snapshot with an id already recorded is not recorded again")
    .option("-f, --file <file>", "record a JSON array of snapshots instead (`-` reads standard input); sent 500 per call");
  addConnectionOptions(record);
  withConnectionHelp(record, [
    "cuitty perf record --env production --metric 'GET /checkout' --p99 182.5 --samples 1200 --window-start 2026-01-01T10:00:00Z --window-end 2026-01-01T10:01:00Z",
    "cuitty perf record --env production --metric 'GET /' --p50 12 --p95 40 --p99 95 --error-rate 0.002 --samples 5400 --window-start $(($(date +%s) - 60)) --window-end $(date +%s)",
    `cuitty perf record --file snapshots.json    # [${EXAMPLE}, …]`,
  ]);
  record.action(async (flags: PerfFlags) => {
    const fromFlags = snapshotFromFlags(flags);
    let snapshots;
    const single = flags.file === undefined;
    if (flags.file !== undefined) {
      const given = Object.entries(fromFlags).filter(([, v]) => v !== undefined).map(([k]) => FLAGS[k]);
      if (given.length > 0) throw new CLIError(`--file cannot be combined with ${given.join(", ")}`, "E_USAGE", "put those fields into the file's snapshots, or leave out --file");
      const items = readItemsFile(flags.file, "snapshots", EXAMPLE);
      snapshots = validateAll(perfSnapshotSchema, items, (i) => `snapshots[${i}]`, `correct ${flags.file}; each snapshot needs environment, metric, p99, samples, windowStart and windowEnd (unix seconds)`);
    } else {
      const missing = REQUIRED.filter((k) => fromFlags[k] === undefined).map((k) => FLAGS[k]);
      if (missing.length > 0) {
        throw new CLIError(`missing ${missing.join(", ")}`, "E_USAGE", "a snapshot needs --env, --metric, --p99, --samples, --window-start and --window-end; or pass --file FILE.json with an array of snapshots");
      }
      snapshots = validateAll(perfSnapshotSchema, [fromFlags], () => "snapshot", "correct the flags (run with --help)", FLAGS);
    }
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const answers = await sendBatches(conn, snapshots, "snapshots", (batch) => client.perf.record.mutate({ snapshots: batch }), single ? FLAGS : undefined);
    const accepted = answers.reduce((n, a) => n + a.accepted, 0);
    const duplicates = answers.reduce((n, a) => n + a.duplicates, 0);
    if (flags.json) return printJson({ accepted, duplicates, batches: answers.length });
    const calls = answers.length > 1 ? ` in ${answers.length} batches` : "";
    const dup = duplicates > 0 ? `; ${duplicates} already recorded (same id), not recorded again` : "";
    info(`Recorded ${accepted} perf ${accepted === 1 ? "snapshot" : "snapshots"}${calls}${dup}.`);
  });
}
