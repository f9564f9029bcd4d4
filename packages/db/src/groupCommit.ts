// Group commit for the ingest hot path: concurrent writes share one write transaction.
//
// One BEGIN IMMEDIATE … COMMIT per event cost a quarter of a single emit's time (the WAL append of the same
// pages, event after event). Calls made while the event loop is busy are queued and run together on the next
// turn, in arrival order, in one transaction: each in its own SAVEPOINT, so a call that fails writes nothing
// and the others still commit (a call alone in its transaction needs none: its failure rolls it all back). Each caller is answered only after the COMMIT that holds its writes (so an
// acknowledged event survives a crash, as before); a failed COMMIT fails every caller of the group with a
// retryable error, and none of their writes is kept.
import { CuittyError } from "@cuitty/core";
import type { FileLock } from "./serializedClient.js";

/** What the group needs from a connection: statements without results, and whether a transaction is open. */
export interface GroupConnection {
  exec(sql: string): void;
  readonly inTransaction: boolean;
}

/**
 * A call that may run together with the calls queued next to it that have the same `key`: `many` runs all their
 * items in order in one SAVEPOINT and returns one value per item, an Error in the place of an item that is refused
 * (and wrote nothing). If `many` throws, its writes are rolled back and each call runs alone, as any other call.
 */
export interface Mergeable<Tx, I = unknown> {
  key: string;
  item: I;
  many: (tx: Tx, items: I[]) => Promise<unknown[]>;
}

interface Job<Tx> {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  merge?: Mergeable<Tx>;
}

/**
 * At most this many calls share a transaction, and no call joins one that has run for MAX_GROUP_MS already
 * (a batch of 500 events takes tens of ms): the others wait for the next, so nobody waits for a long group.
 */
const MAX_GROUP = 64;
const MAX_GROUP_MS = 20;

export function createGroupCommit<Tx>(conn: GroupConnection, lock: FileLock, tx: Tx) {
  let queue: Job<Tx>[] = [];
  let scheduled = false;

  function commitFailed(cause: unknown): CuittyError {
    return Object.assign(new CuittyError("INTERNAL", "the write could not be committed; nothing of this call was kept, retry it"), {
      cause,
    });
  }

  async function runGroup(jobs: Job<Tx>[]): Promise<void> {
    const release = await lock.acquire().catch((error: unknown) => {
      for (const j of jobs) j.reject(error);
      return undefined;
    });
    if (!release) return;
    const done: { job: Job<Tx>; value: unknown }[] = [];
    try {
      conn.exec("BEGIN IMMEDIATE");
    } catch (error) {
      release();
      for (const j of jobs) j.reject(error);
      return;
    }
    const started = performance.now();
    /** Rejects everyone when an error ended the whole transaction (I/O error, disk full): nobody's writes survived. */
    const lost = (error: unknown, failed: Job<Tx>[], rest: Job<Tx>[]) => {
      for (const j of failed) j.reject(error);
      for (const d of done) d.job.reject(commitFailed(error));
      for (const j of rest) j.reject(commitFailed(error));
    };
    try {
      if (jobs.length === 1) {
        // Alone in its transaction: no SAVEPOINT needed, a failure rolls the whole transaction back.
        const job = jobs[0]!;
        try {
          done.push({ job, value: await job.fn(tx) });
        } catch (error) {
          if (conn.inTransaction) conn.exec("ROLLBACK");
          job.reject(error);
          return;
        }
      }
      for (let i = done.length; i < jobs.length; ) {
        if (i > 0 && performance.now() - started > MAX_GROUP_MS) {
          // The rest go first in the next group.
          queue = [...jobs.slice(i), ...queue];
          jobs = jobs.slice(0, i);
          schedule();
          break;
        }
        const job = jobs[i]!;
        const merge = job.merge;
        let end = i + 1;
        while (merge && end < jobs.length && jobs[end]!.merge?.key === merge.key && jobs[end]!.merge?.many === merge.many) end++;
        if (end > i + 1) {
          const run = jobs.slice(i, end);
          conn.exec("SAVEPOINT grouped");
          try {
            const values = await merge!.many(
              tx,
              run.map((j) => j.merge!.item),
            );
            conn.exec("RELEASE grouped");
            for (const [k, j] of run.entries()) {
              if (values[k] instanceof Error) j.reject(values[k]);
              else done.push({ job: j, value: values[k] });
            }
            i = end;
            continue;
          } catch (error) {
            if (!conn.inTransaction) return lost(error, run, jobs.slice(end));
            conn.exec("ROLLBACK TO grouped");
            conn.exec("RELEASE grouped");
            // Each call of the run now goes alone, below.
          }
        }
        for (; i < end; i++) {
          const one = jobs[i]!;
          conn.exec("SAVEPOINT grouped");
          try {
            const value = await one.fn(tx);
            conn.exec("RELEASE grouped");
            done.push({ job: one, value });
          } catch (error) {
            if (!conn.inTransaction) return lost(error, [one], jobs.slice(i + 1));
            conn.exec("ROLLBACK TO grouped");
            conn.exec("RELEASE grouped");
            one.reject(error);
          }
        }
      }
      try {
        conn.exec("COMMIT");
      } catch (error) {
        if (conn.inTransaction) conn.exec("ROLLBACK");
        for (const d of done) d.job.reject(commitFailed(error));
        return;
      }
      for (const d of done) d.job.resolve(d.value);
    } finally {
      release();
    }
  }

  function schedule(): void {
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }

  function flush(): void {
    scheduled = false;
    while (queue.length > 0) {
      const jobs = queue.slice(0, MAX_GROUP);
      queue = queue.slice(MAX_GROUP);
      void runGroup(jobs);
    }
  }

  return {
    /** Runs `fn` inside a write transaction shared with the calls queued beside it; settles after its COMMIT. */
    run<T>(fn: (tx: Tx) => Promise<T>, merge?: Mergeable<Tx>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (v: unknown) => void, reject, merge });
        schedule();
      });
    },
  };
}
