// Median, p90 and count per bucket and over the whole range, in SQL, from a CTE of samples `(b, v)`.
import type { InValue } from "@libsql/client";
import type { Database } from "../connection.js";
import { rowsOf } from "./sqlViews.js";

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
 * `ctes` must define `samples(b, v)` (and may define more, comma-separated, with `WITH` omitted).
 * Median: the mean of the middle one or two; p90: nearest rank (ceil(0.9 n)).
 */
export async function sampleStats(db: Database, ctes: string, args: InValue[], extraKeyColumn = ""): Promise<StatsRow[]> {
  const key = extraKeyColumn ? `${extraKeyColumn}, ` : "";
  const result = await db.clients.deploys.execute({
    sql: `WITH ${ctes},
      everything AS (SELECT ${key}b, v FROM samples UNION ALL SELECT ${key}${RANGE_KEY} AS b, v FROM samples),
      ranked AS (SELECT ${key}b, v, row_number() OVER (PARTITION BY ${key}b ORDER BY v) AS rn,
                   count(*) OVER (PARTITION BY ${key}b) AS n FROM everything)
      SELECT ${key}b, max(n) AS n,
        avg(CASE WHEN rn IN ((n + 1) / 2, (n + 2) / 2) THEN v END) AS median,
        max(CASE WHEN rn = (9 * n + 9) / 10 THEN v END) AS p90
      FROM ranked GROUP BY ${key}b`,
    args,
  });
  return rowsOf<StatsRow>(result).map((r) => ({
    ...r,
    b: Number(r.b),
    n: Number(r.n),
    median: r.median === null ? null : Number(r.median),
    p90: r.p90 === null ? null : Number(r.p90),
  }));
}
