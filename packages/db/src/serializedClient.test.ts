import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, expect, it } from "vitest";
import { serializedClient } from "./serializedClient.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), "cuitty-serial-"));
  dirs.push(dir);
  return serializedClient(createClient({ url: `file:${join(dir, "x.db")}`, concurrency: 1 }));
}

it("should make calls made while a transaction is open wait for it instead of failing", async () => {
  const client = open();
  await client.execute("CREATE TABLE t (x INTEGER)");
  const tx = await client.transaction("write");
  const reads = Array.from({ length: 5 }, () => client.execute("SELECT count(*) AS n FROM t"));
  await tx.execute("INSERT INTO t VALUES (1)");
  await new Promise((r) => setTimeout(r, 20));
  await tx.commit();
  const counts = (await Promise.all(reads)).map((r) => Number(r.rows[0]!.n));
  // They ran after the commit, so each sees the row.
  expect(counts).toEqual([1, 1, 1, 1, 1]);
  client.close();
});

it("should keep transactions in arrival order and release the lock after a rollback or an error", async () => {
  const client = open();
  await client.execute("CREATE TABLE t (x INTEGER)");
  const order: number[] = [];
  await Promise.all(
    [1, 2, 3].map(async (n) => {
      const tx = await client.transaction("write");
      order.push(n);
      if (n === 2) return tx.rollback();
      await tx.execute({ sql: "INSERT INTO t VALUES (?)", args: [n] });
      await tx.commit();
    }),
  );
  await expect(client.execute("SELECT * FROM nope")).rejects.toThrow();
  expect(order).toEqual([1, 2, 3]);
  expect((await client.execute("SELECT x FROM t ORDER BY x")).rows.map((r) => r.x)).toEqual([1, 3]);
  client.close();
});
