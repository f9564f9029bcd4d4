// The API-key lookup of every signed request, answered from memory and exact.
//
// Looking the keys up on the write connection made each request wait in the file lock's queue behind the
// writes (13 % of a single emit's time). Here a dedicated read-only connection (WAL readers never wait for
// the writer) reads one counter per request, `key_generation.n`, which triggers bump on every change to
// api_keys or projects, whichever process makes it (the CLI's `keys revoke` included). While it has not moved,
// the keys looked up before (secrets already opened) are the keys; when it has, the project is looked up again.
// So a revoked key is refused on every request received after the revocation committed.
import type { ApiKeyScope } from "./schema/deploys.js";
import Database from "libsql";

export interface ActiveKeys {
  projectExists: boolean;
  keys: { keyId: string; secret: string; scope: ApiKeyScope }[];
}

export interface KeyCache {
  lookup(projectId: string): ActiveKeys;
  close(): void;
}

/** Projects remembered at once; past it the oldest is forgotten (a lookup costs one indexed query). */
const MAX_PROJECTS = 10_000;

export function openKeyCache(path: string, open: (sealed: string) => string, busyTimeoutMs: number): KeyCache {
  const conn = new Database(path, { timeout: busyTimeoutMs });
  conn.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  conn.exec("PRAGMA query_only = 1");
  // Read as a row: libsql's get() ignores pluck() (it returned the row object, Number() of which is NaN, so no
  // lookup ever matched the remembered generation and every request read its project's keys again).
  const generation = conn.prepare("SELECT n FROM key_generation WHERE id = 1");
  const keysOf = conn.prepare(
    `SELECT k.key_id AS keyId, k.secret AS secret, k.scope AS scope FROM projects p
     LEFT JOIN api_keys k ON k.project_id = p.id AND k.revoked_at IS NULL WHERE p.id = ?`,
  );
  const cache = new Map<string, { generation: number; keys: ActiveKeys }>();
  // Read once per turn of the event loop: every request handled in this turn was received before the first
  // lookup of the turn read it, so a key change committed before any of them arrived is seen by all of them.
  let current: number | undefined;
  const generationNow = (): number => {
    if (current === undefined) {
      current = Number((generation.get() as { n: number } | undefined)?.n ?? 0);
      setImmediate(() => (current = undefined));
    }
    return current;
  };

  return {
    lookup(projectId) {
      const n = generationNow();
      const hit = cache.get(projectId);
      if (hit && hit.generation === n) return hit.keys;
      const rows = keysOf.all(projectId) as { keyId: string | null; secret: string | null; scope: ApiKeyScope | null }[];
      // An unknown project is not remembered: anyone can name one, and the address limit meters them.
      if (rows.length === 0) return { projectExists: false, keys: [] };
      const keys: ActiveKeys = {
        projectExists: true,
        keys: rows.flatMap((r) => (r.keyId && r.secret && r.scope ? [{ keyId: r.keyId, secret: open(r.secret), scope: r.scope }] : [])),
      };
      cache.delete(projectId);
      if (cache.size >= MAX_PROJECTS) cache.delete(cache.keys().next().value!);
      cache.set(projectId, { generation: n, keys });
      return keys;
    },
    close: () => conn.close(),
  };
}
