// `cuitty perf record`: latency snapshots per environment and metric, the data `cuitty regression` compares.
import type { Command } from "@commander-js/extra-typings";
import type { z } from "zod";
import { perfSnapshotSchema } from "@cuitty/core";
import type { OptsOf } from "../flags.js";
import { addConnectionOptions, parseEnvironment, parseOccurredAt, withConnectionHelp } from "./deployOptions.js";
import { type RecordSpec, parseCount, parseNonNegative, parseRate, recordItems } from "./recordBatch.js";

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
const EXAMPLE =
  '{"environment":"production","metric":"GET /checkout","p99":182.5,"samples":1200,"windowStart":1767225600,"windowEnd":1767225660}';

function snapshotFromFlags(f: PerfFlags) {
  return {
    id: f.id,
    environment: f.env,
    metric: f.metric,
    p50: f.p50,
    p95: f.p95,
    p99: f.p99,
    errorRate: f.errorRate,
    samples: f.samples,
    windowStart: f.windowStart,
    windowEnd: f.windowEnd,
  };
}

const SPEC: RecordSpec<z.output<typeof perfSnapshotSchema>> = {
  key: "snapshots",
  one: "snapshot",
  summary: ["perf snapshot", "perf snapshots"],
  schema: perfSnapshotSchema,
  flags: FLAGS,
  required: REQUIRED,
  example: EXAMPLE,
  fileFix: "each snapshot needs environment, metric, p99, samples, windowStart and windowEnd (unix seconds)",
  missing: (missing) => ({
    message: `missing ${missing.join(", ")}`,
    fix: "a snapshot needs --env, --metric, --p99, --samples, --window-start and --window-end; or pass --file FILE.json with an array of snapshots",
  }),
  send: (client, batch) => client.perf.record.mutate({ snapshots: batch }),
};

function defineRecord(perf: Command) {
  return addConnectionOptions(
    perf
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
      .option("-f, --file <file>", "record a JSON array of snapshots instead (`-` reads standard input); sent 500 per call"),
  );
}

type PerfFlags = OptsOf<ReturnType<typeof defineRecord>>;

export function registerPerf(program: Command): void {
  const perf = program
    .command("perf")
    .description("perf snapshots: latency per metric, compared around each deploy by `cuitty regression`");
  const record = defineRecord(perf);
  withConnectionHelp(record, [
    "cuitty perf record --env production --metric 'GET /checkout' --p99 182.5 --samples 1200 --window-start 2026-01-01T10:00:00Z --window-end 2026-01-01T10:01:00Z",
    "cuitty perf record --env production --metric 'GET /' --p50 12 --p95 40 --p99 95 --error-rate 0.002 --samples 5400 --window-start $(($(date +%s) - 60)) --window-end $(date +%s)",
    `cuitty perf record --file snapshots.json    # [${EXAMPLE}, …]`,
  ]);
  record.action((flags) => recordItems(SPEC, flags, snapshotFromFlags(flags)));
}
