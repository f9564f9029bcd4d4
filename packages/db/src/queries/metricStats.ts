// Median, p90 and count per bucket and over the whole range, from a CTE of samples `(b, v)`.
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

/** Median (the mean of the middle one or two) and p90 (nearest rank, ceil(0.9 n)) of ascending `sorted`. */
function stats(b: number, sorted: number[]): StatsRow {
  const n = sorted.length;
  const at = (rank: number) => sorted[rank - 1]!;
  return { b, n, median: (at(Math.floor((n + 1) / 2)) + at(Math.floor((n + 2) / 2))) / 2, p90: at(Math.floor((9 * n + 9) / 10)) };
}

/**
 * `ctes` must define `samples(b, v)` (and may define more, comma-separated, with `WITH` omitted); with
 * `extraKeyColumn` the samples carry that column too and are grouped by it. The percentiles are computed here
 * over the typed sample values rather than with window functions in SQL (which sorted every sample twice), and
 * the samples arrive as one JSON array: one row of one value, where tens of thousands of rows cost more to hand
 * over than the query costs to run.
 */
export async function sampleStats(db: Database, ctes: string, args: InValue[], extraKeyColumn = ""): Promise<StatsRow[]> {
  const result = await db.clients.deploys.execute({
    sql: `WITH ${ctes} SELECT json_group_array(json_array(${extraKeyColumn || "NULL"}, b, v)) FROM samples WHERE v IS NOT NULL`,
    args,
  });
  return groupStats(JSON.parse(String(result.rows[0]?.[0] ?? "[]")) as [string | null, number, number][], extraKeyColumn);
}

/** Stats per (key, bucket) and per key over the whole range (RANGE_KEY) of `[key, bucket, value]` samples. */
export function groupStats(samples: Iterable<[string | null, number, number]>, extraKeyColumn = ""): StatsRow[] {
  const groups = new Map<string, { key: string | null; b: number; values: number[] }>();
  const add = (key: string | null, b: number, v: number) => {
    const id = `${key}\u0000${b}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, b, values: [] }));
    g.values.push(v);
  };
  for (const [key, b, v] of samples) {
    add(key, b, v);
    add(key, RANGE_KEY, v);
  }
  return [...groups.values()].map((g) => {
    const s = stats(g.b, g.values.sort((x, y) => x - y));
    return extraKeyColumn ? Object.assign(s, { [extraKeyColumn]: g.key }) : s;
  });
}
