// The one lease protocol (queries/leases.ts) on a real libSQL file, through two connections as two servers
// sharing a database have: a race for a row has exactly one winner, an expired lease is taken over, and a write
// fenced by the lease is a no-op for anyone but its holder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/connection.js";
import { LEASE_GIVEN_BACK, type LeasedTable, leaseClaimStatement, leaseFence, releaseLeases } from "../src/queries/leases.js";

const T: LeasedTable = { table: "lease_test", key: "id" };

describe("the lease helper", () => {
  let dir: string;
  let a: Database;
  let b: Database;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "cuitty-leases-"));
    a = await openDatabase({ dataDir: dir });
    b = await openDatabase({ dataDir: dir });
    await a.clients.deploys.execute(
      `CREATE TABLE lease_test (id INTEGER PRIMARY KEY, due_ms INTEGER NOT NULL, value TEXT,
         lease_owner TEXT, lease_expires_ms INTEGER NOT NULL DEFAULT 0)`,
    );
  });
  afterEach(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: number, dueMs = 0) =>
    a.clients.deploys.execute({ sql: "INSERT INTO lease_test (id, due_ms) VALUES (?, ?)", args: [id, dueMs] });
  const claim = (db: Database, owner: string, nowMs: number, more: { limit?: number; renew?: boolean } = {}) =>
    db.clients.deploys
      .execute(
        leaseClaimStatement(T, {
          owner,
          nowMs,
          leaseMs: 500,
          ...(more.renew ? { renew: true } : { due: "due_ms <= :now", orderBy: "due_ms", limit: more.limit ?? 10 }),
          returning: "id",
        }),
      )
      .then((r) => r.rows.map((row) => Number(row.id)));
  const holder = async (id: number) =>
    (await a.clients.deploys.execute({ sql: "SELECT lease_owner FROM lease_test WHERE id = ?", args: [id] })).rows[0]!.lease_owner;

  it("gives a row two owners race for to exactly one of them", async () => {
    for (let round = 1; round <= 20; round++) {
      await insert(round);
      const [byA, byB] = await Promise.all([claim(a, "a", 1000 * round, { limit: 1 }), claim(b, "b", 1000 * round, { limit: 1 })]);
      expect(byA.length + byB.length).toBe(1);
      expect(await holder(round)).toBe(byA.length === 1 ? "a" : "b");
      // Give it a due time in the future so the next round races for the new row only.
      await a.clients.deploys.execute({ sql: "UPDATE lease_test SET due_ms = 1e12 WHERE id = ?", args: [round] });
    }
  });

  it("takes an expired lease, never one that still runs, and claims only due rows", async () => {
    await insert(1);
    await insert(2, 1800);
    expect(await claim(a, "a", 1000)).toEqual([1]);
    expect(await claim(b, "b", 1200)).toEqual([]);
    expect(await claim(a, "a", 1200)).toEqual([]); // a claim never takes a row its owner holds already
    expect(await claim(b, "b", 1501)).toEqual([1]);
    expect(await holder(1)).toBe("b");
    expect(await claim(b, "b", 1800)).toEqual([2]); // row 1 is b's until 2001
  });

  it("renews its owner's leases and takes free ones, but not another owner's running lease", async () => {
    await insert(1);
    await insert(2);
    expect(await claim(a, "a", 1000, { limit: 1 })).toEqual([1]);
    expect((await claim(b, "b", 1100, { renew: true })).sort()).toEqual([2]);
    expect((await claim(b, "b", 1200, { renew: true })).sort()).toEqual([2]);
    expect((await claim(a, "a", 1300, { renew: true })).sort()).toEqual([1]);
  });

  it("writes nothing for a fenced record by a non-owner, and the holder's record gives the lease back", async () => {
    await insert(1);
    expect(await claim(a, "a", 1000)).toEqual([1]);
    const record = (db: Database, owner: string) =>
      db.clients.deploys.execute({
        sql: `UPDATE lease_test SET value = :value, ${LEASE_GIVEN_BACK} WHERE ${leaseFence(T)}`,
        args: { key: 1, owner, value: `by ${owner}` },
      });
    expect((await record(b, "b")).rowsAffected).toBe(0);
    const row = async () => (await a.clients.deploys.execute("SELECT value, lease_owner FROM lease_test WHERE id = 1")).rows[0]!;
    expect((await row()).value).toBeNull();
    expect((await record(a, "a")).rowsAffected).toBe(1);
    expect({ ...(await row()) }).toMatchObject({ value: "by a", lease_owner: null });
  });

  it("releases every lease of one owner and no other", async () => {
    for (const id of [1, 2, 3]) await insert(id);
    expect(await claim(a, "a", 1000, { limit: 2 })).toEqual([1, 2]);
    expect(await claim(b, "b", 1000)).toEqual([3]);
    await releaseLeases(a.clients.deploys, T, "a");
    expect([await holder(1), await holder(2), await holder(3)]).toEqual([null, null, "b"]);
    expect((await claim(b, "b", 1001)).sort()).toEqual([1, 2]);
  });
});
