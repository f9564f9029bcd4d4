import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CuittyError } from "@cuitty/core";
import Database from "libsql";
import { afterEach, expect, it } from "vitest";
import { openHotPath } from "./hotPath.js";
import { createFileLock } from "./serializedClient.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), "cuitty-group-"));
  const path = join(dir, "x.db");
  const setup = new Database(path);
  setup.exec("PRAGMA journal_mode = WAL");
  setup.exec("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE t (x INTEGER, p INTEGER REFERENCES parent(id))");
  const hot = openHotPath(path, createFileLock(), { synchronous: "NORMAL", busyTimeoutMs: 5000 });
  const reader = new Database(path);
  const committed = () => Number((reader.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n);
  cleanups.push(() => (hot.close(), reader.close(), setup.close(), rmSync(dir, { recursive: true, force: true })));
  return { hot, committed };
}

it("should run concurrent calls in one transaction and settle each only after the COMMIT that holds it", async () => {
  const { hot, committed } = open();
  const seenInside: number[] = [];
  const seenOutside: number[] = [];
  const calls = Array.from({ length: 10 }, (_, i) =>
    hot.grouped(async (tx) => {
      await tx.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [i] });
      seenInside.push(Number((await tx.execute("SELECT count(*) FROM t")).rows[0]![0]));
      seenOutside.push(committed());
      return i;
    }),
  );
  const settledAt = await Promise.all(calls.map((c) => c.then(() => committed())));
  // One transaction: each call saw the rows of those before it, and nobody outside saw any before the COMMIT.
  expect(seenInside).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(seenOutside).toEqual(Array(10).fill(0));
  expect(settledAt).toEqual(Array(10).fill(10));
  expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

it("should keep nothing of a call that fails, and commit the others of its group", async () => {
  const { hot, committed } = open();
  const results = await Promise.allSettled(
    [1, 2, 3].map((i) =>
      hot.grouped(async (tx) => {
        await tx.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [i] });
        if (i === 2) throw new CuittyError("INVALID_TRANSITION", "refused after a write");
        return i;
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect((results[1] as PromiseRejectedResult).reason.code).toBe("INVALID_TRANSITION");
  expect(committed()).toBe(2);
});

it("should keep nothing of a call alone in its transaction that fails, and run the next call as usual", async () => {
  const { hot, committed } = open();
  await expect(
    hot.grouped(async (tx) => {
      await tx.execute("INSERT INTO t (x) VALUES (1)");
      throw new CuittyError("INVALID_TRANSITION", "refused after a write");
    }),
  ).rejects.toMatchObject({ code: "INVALID_TRANSITION" });
  expect(committed()).toBe(0);
  await expect(hot.grouped(async (tx) => (await tx.execute("INSERT INTO t (x) VALUES (2)"), "ok"))).resolves.toBe("ok");
  expect(committed()).toBe(1);
});

it("should fail every call of a group whose COMMIT fails with a retryable error, keeping none of their writes", async () => {
  const { hot, committed } = open();
  const results = await Promise.allSettled(
    [1, 2, 3].map((i) =>
      hot.grouped(async (tx) => {
        // A deferred foreign key is checked at COMMIT: the second call makes the whole COMMIT fail.
        if (i === 2) {
          await tx.execute("PRAGMA defer_foreign_keys = ON");
          await tx.execute("INSERT INTO t (x, p) VALUES (2, 999)");
        } else {
          await tx.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [i] });
        }
        return i;
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
  for (const r of results) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "INTERNAL" });
  expect(committed()).toBe(0);
  // The connection is usable again afterwards.
  await expect(hot.grouped(async (tx) => (await tx.execute("INSERT INTO t (x) VALUES (4)"), "ok"))).resolves.toBe("ok");
  expect(committed()).toBe(1);
});

it("should commit a long call on its own and run the calls queued behind it in the next transaction", async () => {
  const { hot, committed } = open();
  const seenOutside: number[] = [];
  const calls = [0, 1, 2].map((i) =>
    hot.grouped(async (tx) => {
      seenOutside.push(committed());
      await tx.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [i] });
      if (i === 0) {
        // Longer than a group may run (20 ms): the rest of the group is put off to the next transaction.
        const until = performance.now() + 40;
        while (performance.now() < until);
      }
      return i;
    }),
  );
  expect(await Promise.all(calls)).toEqual([0, 1, 2]);
  // The second and third calls ran after the first one's COMMIT, together.
  expect(seenOutside).toEqual([0, 1, 1]);
  expect(committed()).toBe(3);
});

it("should run queued calls with the same merge key as one call, answer each with its own value, and run them alone if it throws", async () => {
  const { hot, committed } = open();
  const runs: number[][] = [];
  let failNext = false;
  // Inserts every item in one statement; an odd item is refused (in its place, having written nothing).
  const many = async (tx: Parameters<Parameters<typeof hot.grouped>[0]>[0], items: unknown[]) => {
    const xs = items as number[];
    runs.push(xs);
    const kept = xs.filter((x) => x % 2 === 0);
    for (const x of kept) await tx.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [x] });
    if (failNext) throw new Error("unexpected");
    return xs.map((x) => (x % 2 === 0 ? x * 10 : new CuittyError("INVALID_TRANSITION", `odd ${x}`)));
  };
  const alone = (x: number) => async (tx: Parameters<Parameters<typeof hot.grouped>[0]>[0]) => {
    if (x % 2 !== 0) throw new CuittyError("INVALID_TRANSITION", `odd ${x}`);
    await tx.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [x] });
    return x * 10;
  };
  const call = (x: number, key = "a") => hot.grouped(alone(x), { key, item: x, many });
  const first = await Promise.allSettled([call(2), call(3), call(4), call(6, "b"), call(8, "b")]);
  expect(runs).toEqual([
    [2, 3, 4],
    [6, 8],
  ]);
  expect(first.map((r) => (r.status === "fulfilled" ? r.value : r.reason.message))).toEqual([20, "odd 3", 40, 60, 80]);
  expect(committed()).toBe(4);
  // `many` throws: its writes are dropped and each call runs alone, with the same answers.
  failNext = true;
  const second = await Promise.allSettled([call(10), call(11), call(12)]);
  expect(second.map((r) => (r.status === "fulfilled" ? r.value : r.reason.message))).toEqual([100, "odd 11", 120]);
  expect(committed()).toBe(6);
});
