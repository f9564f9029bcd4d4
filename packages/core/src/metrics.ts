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
