// Wire schemas of the metrics procedures (DORA, phase timings) and the DORA performance bands, shown as context.
import { z } from "zod";
import { environmentName, unixSeconds } from "./schemas.js";

export const METRIC_BUCKETS = ["day", "week"] as const;
export type MetricBucket = (typeof METRIC_BUCKETS)[number];
export const BUCKET_SECONDS: Record<MetricBucket, number> = { day: 86_400, week: 604_800 };
/** More buckets than this in one answer is refused: a chart cannot show them and the query grows with them. */
export const MAX_METRIC_BUCKETS = 400;

const range = {
  environment: environmentName,
  /** Unix seconds, inclusive; default: `to` minus 30 days. */
  from: unixSeconds.optional(),
  /** Unix seconds, exclusive; default: now. */
  to: unixSeconds.optional(),
  bucket: z.enum(METRIC_BUCKETS).default("day"),
};

export const doraSchema = z.strictObject(range);
export type DoraInput = z.input<typeof doraSchema>;

export const phasesSchema = z.strictObject({ ...range, bucket: z.enum(METRIC_BUCKETS).default("week") });
export type PhasesInput = z.input<typeof phasesSchema>;

/** The phases of a deploy before it is live, in lifecycle order, and `total` (first event to live). */
export const PHASES = ["initiated", "building", "deploying"] as const;
export type Phase = (typeof PHASES)[number];

/** Start of the UTC bucket holding `t`; weeks start on Monday (1970-01-05 was one). */
export function bucketStart(t: number, bucket: MetricBucket): number {
  if (bucket === "day") return Math.floor(t / 86_400) * 86_400;
  const monday = 4 * 86_400;
  return Math.floor((t - monday) / 604_800) * 604_800 + monday;
}

/** Every bucket start from the one holding `from` up to (excluding) `to`. */
export function bucketStarts(from: number, to: number, bucket: MetricBucket): number[] {
  const starts: number[] = [];
  for (let s = bucketStart(from, bucket); s < to; s += BUCKET_SECONDS[bucket]) starts.push(s);
  return starts;
}

export const DORA_BANDS = ["elite", "high", "medium", "low"] as const;
export type DoraBand = (typeof DORA_BANDS)[number];

/**
 * The usual performance bands (after the State of DevOps reports, simplified to one threshold each):
 * frequency per day ≥ 1 / ≥ 1 a week / ≥ 1 a month; lead time < 1 day / 1 week / 1 month;
 * change failure rate ≤ 5% / 10% / 15%; time to restore < 1 hour / 1 day / 1 week.
 */
export const DORA_BAND_THRESHOLDS = {
  deploysPerDay: [1, 1 / 7, 1 / 30],
  leadTimeSeconds: [86_400, 7 * 86_400, 30 * 86_400],
  changeFailureRate: [0.05, 0.1, 0.15],
  timeToRestoreSeconds: [3_600, 86_400, 7 * 86_400],
} as const;

function band(value: number | null, limits: readonly number[], higherIsBetter: boolean, inclusive = false): DoraBand | null {
  if (value === null) return null;
  for (let i = 0; i < limits.length; i++) {
    const l = limits[i]!;
    if (higherIsBetter ? value >= l : inclusive ? value <= l : value < l) return DORA_BANDS[i]!;
  }
  return "low";
}

export function doraBands(figures: {
  deploysPerDay: number;
  leadTimeSeconds: number | null;
  changeFailureRate: number | null;
  timeToRestoreSeconds: number | null;
}): Record<"deploymentFrequency" | "leadTime" | "changeFailureRate" | "timeToRestore", DoraBand | null> {
  const t = DORA_BAND_THRESHOLDS;
  return {
    deploymentFrequency: band(figures.deploysPerDay, t.deploysPerDay, true),
    leadTime: band(figures.leadTimeSeconds, t.leadTimeSeconds, false),
    changeFailureRate: band(figures.changeFailureRate, t.changeFailureRate, false, true),
    timeToRestore: band(figures.timeToRestoreSeconds, t.timeToRestoreSeconds, false),
  };
}
