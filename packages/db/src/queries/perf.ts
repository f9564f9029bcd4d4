// The perf module's writes: latency snapshots recorded in batches (deduplicated by id per project).
import { CuittyError, MAX_CLOCK_SKEW_SECONDS } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type PerfSnapshot, perfSnapshots } from "../schema/perf.js";
import type { RecordResult } from "./audit.js";

/**
 * A snapshot as validated by `perfSnapshotSchema`: the table's columns (derived from the table, so the
 * two cannot drift), with the client's id as `id`.
 */
export type PerfSnapshotRecord = Omit<typeof perfSnapshots.$inferInsert, "id" | "projectId" | "snapshotId"> & { id?: string };
export type PerfSnapshotView = Omit<PerfSnapshot, "projectId" | "snapshotId">;

/**
 * Records snapshots in one statement; refuses the batch when a window starts in the future beyond the skew
 * window. A snapshot whose id the project already has (a retry, a rerun), or that repeats an id earlier
 * in the same batch, is not written again and is counted in `duplicates`.
 */
export async function recordPerfSnapshots(
  db: Database,
  projectId: string,
  snapshots: PerfSnapshotRecord[],
  now: number,
): Promise<RecordResult> {
  const future = snapshots.flatMap((s, i) => (s.windowStart > now + MAX_CLOCK_SKEW_SECONDS ? [`snapshots.${i}.windowStart`] : []));
  if (future.length > 0) {
    throw new CuittyError("VALIDATION_FAILED", `windowStart is more than ${MAX_CLOCK_SKEW_SECONDS} s in the future (server time ${now})`, {
      fields: future,
      serverTime: now,
    });
  }
  const rows = snapshots.map(({ id, ...s }) => ({ projectId, snapshotId: id, ...s }));
  const written = await db.perf
    .insert(perfSnapshots)
    .values(rows)
    .onConflictDoNothing({ target: [perfSnapshots.projectId, perfSnapshots.snapshotId] })
    .returning({ id: perfSnapshots.id });
  return { accepted: written.length, duplicates: rows.length - written.length };
}
