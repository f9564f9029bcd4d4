// Median, p90 and count per bucket and over the whole range, from samples packed with their bucket.
import { BUCKET_SECONDS, MAX_METRIC_BUCKETS } from "@cuitty/core";
import type { InValue } from "@libsql/client";
import type { Database } from "../connection.js";

/** The bucket key of the whole range in stats rows. */
export const RANGE_KEY = -1;

export interface StatsRow {
  b: number;
  n: number;
  median: number | null;
  p90: number | null;
}

/** SQL expression of the UTC bucket start of `t` (weeks start on Monday; 1970-01-05 was one). */
export function bucketSql(t: string, bucket: "day" | "week"): string {
  return bucket === "day" ? `((${t}) / 86400) * 86400` : `(((${t}) - 345600) / 604800) * 604800 + 345600`;
}

/** The bucket start of `t`, as bucketSql computes it in SQL (integer division truncates). */
export function bucketOf(t: number, bucket: "day" | "week"): number {
  return bucket === "day" ? Math.trunc(t / 86400) * 86400 : Math.trunc((t - 345600) / 604800) * 604800 + 345600;
}

/**
 * A sample packed into one number: `v * PACK + i`, where v is its value (whole seconds, at least 0: every time
 * here is an integer column) and i the index of its bucket among the range's (fewer than PACK). Sorting packed
 * samples sorts them by value, and each carries its bucket along: one sort gives the range's ranks and, read in
 * order, each bucket's. Exact up to v = 2^53 / PACK seconds (about 560,000 years).
 */
const PACK = 512;
if (MAX_METRIC_BUCKETS > PACK) throw new Error("PACK must exceed MAX_METRIC_BUCKETS");

/** SQL of a sample packed (see PACK): `v` its value, `b` the start of its bucket, `first` the range's first bucket start. */
export function packSql(v: string, b: string, first: number, bucket: "day" | "week"): string {
  return `(${v}) * ${PACK} + ((${b}) - ${first}) / ${BUCKET_SECONDS[bucket]}`;
}

/** A sample packed in JS, as packSql packs it in SQL (`b` the start of its bucket). */
export function pack(v: number, b: number, first: number, bucket: "day" | "week"): number {
  return v * PACK + (b - first) / BUCKET_SECONDS[bucket];
}

/**
 * Median (the mean of the middle one or two) and p90 (nearest rank, ceil(0.9 n)) over the range and per bucket
 * (`starts`: the range's bucket starts, in order) of packed samples; buckets without samples have no row.
 */
export function packedStats(packed: ArrayLike<number>, starts: number[]): StatsRow[] {
  const sorted = Float64Array.from(packed).sort();
  const n = sorted.length;
  if (n === 0) return [];
  const value = (x: number) => Math.floor(x / PACK);
  const ranks = (count: number) => [Math.floor((count + 1) / 2), Math.floor((count + 2) / 2), Math.floor((9 * count + 9) / 10)];
  const rows: StatsRow[] = [];
  const row = (b: number, count: number, lo: number, hi: number, p90: number) => rows.push({ b, n: count, median: (lo + hi) / 2, p90 });
  const [lo, hi, p9] = ranks(n);
  row(RANGE_KEY, n, value(sorted[lo! - 1]!), value(sorted[hi! - 1]!), value(sorted[p9! - 1]!));
  // Per bucket: its count, then one pass in value order noting the values at its ranks.
  const counts = new Uint32Array(starts.length);
  for (let i = 0; i < n; i++) counts[sorted[i]! % PACK]!++;
  const seen = new Uint32Array(starts.length);
  const at = new Float64Array(starts.length * 3);
  const want = Uint32Array.from(Array.from(counts).flatMap(ranks));
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    const k = x % PACK;
    const rank = ++seen[k]!;
    for (let j = 0; j < 3; j++) if (want[k * 3 + j] === rank) at[k * 3 + j] = value(x);
  }
  for (let k = 0; k < starts.length; k++) if (counts[k]! > 0) row(starts[k]!, counts[k]!, at[k * 3]!, at[k * 3 + 1]!, at[k * 3 + 2]!);
  return rows;
}

/**
 * `ctes` must define `samples(b, v)` (and may define more, comma-separated, with `WITH` omitted); `starts`: the
 * range's bucket starts. The samples arrive packed (see PACK) as one JSON array: one row of one value, where tens of
 * thousands of rows cost more to hand over than the query costs to run, and percentiles computed here over
 * typed values rather than with window functions in SQL (which sorted every sample twice).
 */
export async function sampleStats(
  db: Database,
  ctes: string,
  args: InValue[],
  starts: number[],
  bucket: "day" | "week",
): Promise<StatsRow[]> {
  const result = await db.clients.deploys.execute({
    sql: `WITH ${ctes} SELECT json_group_array(${packSql("v", "b", starts[0] ?? 0, bucket)}) FROM samples WHERE v IS NOT NULL`,
    args,
  });
  return packedStats(JSON.parse(String(result.rows[0]?.[0] ?? "[]")) as number[], starts);
}
