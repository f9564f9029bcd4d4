// The perf module's writes: latency snapshots recorded in batches.
import { CuittyError, MAX_CLOCK_SKEW_SECONDS } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type PerfSnapshot, perfSnapshots } from "../schema/perf.js";

/** A snapshot as validated by `perfSnapshotSchema` (derived from the table, so the two cannot drift). */
export type PerfSnapshotRecord = Omit<typeof perfSnapshots.$inferInsert, "id" | "projectId">;
export type PerfSnapshotView = Omit<PerfSnapshot, "projectId">;

/** Records snapshots in one statement; refuses the batch when a window starts in the future beyond the skew window. */
export async function recordPerfSnapshots(
  db: Database,
  projectId: string,
  snapshots: PerfSnapshotRecord[],
  now: number,
): Promise<{ accepted: number }> {
  const future = snapshots.flatMap((s, i) =>
    s.windowStart > now + MAX_CLOCK_SKEW_SECONDS ? [`snapshots.${i}.windowStart`] : [],
  );
  if (future.length > 0) {
    throw new CuittyError(
      "VALIDATION_FAILED",
      `windowStart is more than ${MAX_CLOCK_SKEW_SECONDS} s in the future (server time ${now})`,
      { fields: future, serverTime: now },
    );
  }
  await db.perf.insert(perfSnapshots).values(snapshots.map((s) => ({ projectId, ...s })));
  return { accepted: snapshots.length };
}
