// The one lease protocol of the workers' tables (health_series, rollback_hooks, hook_subscriptions). Each has
// `lease_owner` and `lease_expires_ms` columns. A row is claimed with a conditional UPDATE that only takes a lease
// that is free or expired (or, for a renewal, already ours), so of two servers racing for a row exactly one gets
// it; every write of the holder is fenced by `lease_owner`, so a server that lost its lease writes nothing; the
// holder gives a lease back with its last write, and a clean stop gives back every lease it still holds.
import type { Client, InStatement, InValue } from "@libsql/client";

/** A table whose rows are leased, and the column naming one row. */
export interface LeasedTable {
  table: string;
  key: string;
}

/** The SET clause that gives a lease back (with the holder's last write, or on release). */
export const LEASE_GIVEN_BACK = "lease_owner = NULL, lease_expires_ms = 0";

/** The lease is free or expired at `:now`; with `renew`, also when `:owner` holds it. */
function takeable(renew: boolean): string {
  return `(lease_owner IS NULL OR ${renew ? "lease_owner = :owner OR " : ""}lease_expires_ms < :now)`;
}

export interface LeaseClaim {
  owner: string;
  nowMs: number;
  leaseMs: number;
  /** Which rows are due (SQL over the table's columns; may use `:now` and the names in `args`). */
  due?: string;
  /** With `due`: the order rows are claimed in and how many at most. */
  orderBy?: string;
  limit?: number;
  /** Also renew the leases `owner` holds already (a lease held across many attempts, renewed every tick). */
  renew?: boolean;
  /** The RETURNING list (columns of the claimed rows). */
  returning?: string;
  args?: Record<string, InValue>;
}

/**
 * The conditional UPDATE that claims leases until `nowMs + leaseMs`. The condition is checked again on the row
 * being updated, not only in the subquery choosing rows, so a row another server took in between is skipped.
 */
export function leaseClaimStatement(t: LeasedTable, c: LeaseClaim): InStatement {
  const free = takeable(c.renew ?? false);
  const pick =
    c.due === undefined
      ? free
      : `${t.key} IN (SELECT ${t.key} FROM ${t.table} WHERE ${c.due} AND ${free}` +
        `${c.orderBy ? ` ORDER BY ${c.orderBy}` : ""}${c.limit !== undefined ? " LIMIT :limit" : ""}) AND ${free}`;
  return {
    sql: `UPDATE ${t.table} SET lease_owner = :owner, lease_expires_ms = :expires WHERE ${pick}${c.returning ? ` RETURNING ${c.returning}` : ""}`,
    args: {
      owner: c.owner,
      now: c.nowMs,
      expires: c.nowMs + c.leaseMs,
      ...(c.limit !== undefined ? { limit: c.limit } : {}),
      ...c.args,
    },
  };
}

/**
 * The fence of a write by a lease holder: the row `key` whose lease `owner` holds. `key` and `owner` are the
 * statement's placeholders (named or positional, e.g. "?1", "?2").
 */
export function leaseFence(t: LeasedTable, key = ":key", owner = ":owner"): string {
  return `${t.key} = ${key} AND lease_owner = ${owner}`;
}

/** Gives back every lease `owner` holds in the table (a clean stop), so another server resumes at once. */
export async function releaseLeases(client: Pick<Client, "execute">, t: LeasedTable, owner: string): Promise<void> {
  await client.execute({ sql: `UPDATE ${t.table} SET ${LEASE_GIVEN_BACK} WHERE lease_owner = :owner`, args: { owner } });
}
