// Median, p90 and count per bucket and over the whole range, from samples packed with their bucket.
import { BUCKET_SECONDS, MAX_METRIC_BUCKETS } from "@cuitty/core";

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

/**
 * A sample packed into one number: `v * PACK + i`, where v is its value (whole seconds, at least 0: every time
 * here is an integer column) and i the index of its bucket among the range's (fewer than PACK). Sorting packed
 * samples sorts them by value, and each carries its bucket along: one sort gives the range's ranks and, read in
 * order, each bucket's. Exact up to v = 2^53 / PACK seconds (about 560,000 years).
 */
const PACK_BITS = 9;
const PACK = 2 ** PACK_BITS;
if (MAX_METRIC_BUCKETS > PACK) throw new Error("PACK must exceed MAX_METRIC_BUCKETS");

/**
 * SQL of a sample packed (see PACK): `v` its value, `t` the time whose bucket it counts in (at or after `first`, the
 * range's first bucket start, so the integer division is the bucket's index).
 */
export function packSql(v: string, t: string, first: number, bucket: "day" | "week"): string {
  return `(${v}) * ${PACK} + ((${t}) - ${first}) / ${BUCKET_SECONDS[bucket]}`;
}

/** A sample packed in JS, as packSql packs it in SQL. */
export function pack(v: number, t: number, first: number, bucket: "day" | "week"): number {
  return v * PACK + Math.floor((t - first) / BUCKET_SECONDS[bucket]);
}

/**
 * Median (the mean of the middle one or two) and p90 (nearest rank, ceil(0.9 n)) over the range and per bucket
 * (`starts`: the range's bucket starts, in order) of packed samples; buckets without samples have no row.
 */
export function packedStats(packed: ArrayLike<number>, starts: number[]): StatsRow[] {
  const n = packed.length;
  if (n === 0) return [];
  const [values, bucketOfSample] = sortedUnpacked(packed);
  const buckets = starts.length;
  const counts = new Uint32Array(buckets);
  for (let i = 0; i < n; i++) counts[bucketOfSample[i]!]!++;
  const p90Rank = (count: number) => Math.floor((9 * count + 9) / 10);
  const rows: StatsRow[] = [
    {
      b: RANGE_KEY,
      n,
      median: (values[Math.floor((n + 1) / 2) - 1]! + values[Math.floor((n + 2) / 2) - 1]!) / 2,
      p90: values[p90Rank(n) - 1]!,
    },
  ];
  // Per bucket, the values at its three ranks (the middle one or two, p90), noted in one pass in value order.
  const want = new Uint32Array(buckets * 3);
  for (let k = 0; k < buckets; k++) {
    want[k * 3] = Math.floor((counts[k]! + 1) / 2);
    want[k * 3 + 1] = Math.floor((counts[k]! + 2) / 2);
    want[k * 3 + 2] = p90Rank(counts[k]!);
  }
  const seen = new Uint32Array(buckets);
  const at = new Float64Array(buckets * 3);
  for (let i = 0; i < n; i++) {
    const k = bucketOfSample[i]!;
    const rank = ++seen[k]!;
    const w = k * 3;
    if (rank === want[w]) at[w] = values[i]!;
    if (rank === want[w + 1]) at[w + 1] = values[i]!;
    if (rank === want[w + 2]) at[w + 2] = values[i]!;
  }
  for (let k = 0; k < buckets; k++) {
    if (counts[k]! > 0) rows.push({ b: starts[k]!, n: counts[k]!, median: (at[k * 3]! + at[k * 3 + 1]!) / 2, p90: at[k * 3 + 2]! });
  }
  return rows;
}

/**
 * Packed samples sorted, as their values in order and each one's bucket index. When every packed sample fits in
 * 32 bits (values under 2^23 s, about 97 days: nearly always) they are sorted by LSD radix, three passes of 11
 * bits, several times faster than a comparison sort; otherwise as doubles.
 */
function sortedUnpacked(packed: ArrayLike<number>): [values: Float64Array, buckets: Uint16Array] {
  const n = packed.length;
  const values = new Float64Array(n);
  const buckets = new Uint16Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, packed[i]!);
  if (max < 2 ** 32) {
    let src = Uint32Array.from(packed);
    let dst = new Uint32Array(n);
    const offsets = new Uint32Array(2049);
    for (let shift = 0; shift < 32; shift += 11) {
      offsets.fill(0);
      for (let i = 0; i < n; i++) offsets[((src[i]! >>> shift) & 0x7ff) + 1]!++;
      for (let d = 0; d < 2048; d++) offsets[d + 1]! += offsets[d]!;
      for (let i = 0; i < n; i++) {
        const x = src[i]!;
        dst[offsets[(x >>> shift) & 0x7ff]!++] = x;
      }
      [src, dst] = [dst, src];
    }
    for (let i = 0; i < n; i++) {
      values[i] = src[i]! >>> PACK_BITS;
      buckets[i] = src[i]! & (PACK - 1);
    }
  } else {
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = packed[i]!;
    sorted.sort();
    for (let i = 0; i < n; i++) {
      const v = Math.floor(sorted[i]! / PACK);
      values[i] = v;
      buckets[i] = sorted[i]! - v * PACK;
    }
  }
  return [values, buckets];
}
