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
function stats(b: number, sorted: Float64Array): StatsRow {
  const n = sorted.length;
  const at = (rank: number) => sorted[rank - 1]!;
  return { b, n, median: (at(Math.floor((n + 1) / 2)) + at(Math.floor((n + 2) / 2))) / 2, p90: at(Math.floor((9 * n + 9) / 10)) };
}

/** Samples collected per key and bucket; `statsRows` gives each group's stats and each key's over the range. */
export class SampleGroups {
  readonly #groups = new Map<string | null, Map<number, number[]>>();

  add(key: string | null, b: number, v: number): void {
    let byBucket = this.#groups.get(key);
    if (!byBucket) this.#groups.set(key, (byBucket = new Map()));
    const values = byBucket.get(b);
    if (values) values.push(v);
    else byBucket.set(b, [v]);
  }

  /** With `keyColumn`, each row also carries its key under that name. */
  statsRows(keyColumn = ""): StatsRow[] {
    const rows: StatsRow[] = [];
    const row = (key: string | null, b: number, values: ArrayLike<number>) => {
      const s = stats(b, Float64Array.from(values).sort());
      rows.push(keyColumn ? Object.assign(s, { [keyColumn]: key }) : s);
    };
    for (const [key, byBucket] of this.#groups) {
      for (const [b, values] of byBucket) row(key, b, values);
      row(key, RANGE_KEY, ([] as number[]).concat(...byBucket.values()));
    }
    return rows;
  }
}

/**
 * `ctes` must define `samples(b, v)` (and may define more, comma-separated, with `WITH` omitted); with
 * `extraKeyColumn` the samples carry that column too and are grouped by it. The percentiles are computed here
 * over the typed sample values rather than with window functions in SQL (which sorted every sample twice), and
 * the samples arrive as one JSON array: one row of one value, where tens of thousands of rows cost more to hand
 * over than the query costs to run.
 */
export async function sampleStats(db: Database, ctes: string, args: InValue[], extraKeyColumn = ""): Promise<StatsRow[]> {
  // Flat arrays, one per column: JSON.parse reads a flat array of numbers faster than one small array per sample.
  const result = await db.clients.deploys.execute({
    sql: `WITH ${ctes} SELECT json_group_array(b), json_group_array(v)${extraKeyColumn ? `, json_group_array(${extraKeyColumn})` : ""}
          FROM samples WHERE v IS NOT NULL`,
    args,
  });
  const row = result.rows[0];
  const column = <T>(i: number) => JSON.parse(String(row?.[i] ?? "[]")) as T[];
  const bs = column<number>(0);
  const vs = column<number>(1);
  const keys = extraKeyColumn ? column<string | null>(2) : null;
  const groups = new SampleGroups();
  for (let i = 0; i < bs.length; i++) groups.add(keys ? keys[i]! : null, bs[i]!, vs[i]!);
  return groups.statsRows(extraKeyColumn);
}
