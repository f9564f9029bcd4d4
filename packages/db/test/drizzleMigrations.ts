// A module's migration files as drizzle-orm's libSQL migrator reads and records them, so a test can build a data
// directory as an earlier release left it (some migrations applied) and open it with this one.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { MODULES, type ModuleName } from "../src/connection.js";

const migrationsRoot = fileURLToPath(new URL("../migrations", import.meta.url));

export interface Migration {
  tag: string;
  when: number;
  hash: string;
  statements: string[];
}

/** Journal order, sha256 of the file, split at breakpoints (drizzle's readMigrationFiles). */
export function readMigrations(module: ModuleName): Migration[] {
  const folder = join(migrationsRoot, module);
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: { tag: string; when: number }[] };
  return journal.entries.map(({ tag, when }) => {
    const sql = readFileSync(join(folder, `${tag}.sql`), "utf8");
    return {
      tag,
      when,
      hash: createHash("sha256").update(sql).digest("hex"),
      statements: sql.split("--> statement-breakpoint").filter((s) => s.trim() !== ""),
    };
  });
}

/** Applies one migration and records it in `__drizzle_migrations_<module>` the way drizzle-orm/libsql/migrator.js does. */
export async function applyLikeDrizzle(client: Client, module: ModuleName, migration: Migration): Promise<void> {
  const table = `__drizzle_migrations_${module}`;
  await client.execute(`CREATE TABLE IF NOT EXISTS "${table}" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  await client.batch(
    [
      ...migration.statements,
      { sql: `INSERT INTO "${table}" ("hash", "created_at") VALUES (?, ?)`, args: [migration.hash, migration.when] },
    ],
    "write",
  );
}

/**
 * A data directory as a release before deploys' migration `deploysTag` left it: every other module migrated
 * fully, deploys up to (not including) `deploysTag`, then `seedDeploys` run on deploys.db. `cleanup` removes it.
 */
export async function dataDirBefore(
  deploysTag: string,
  cleanup: (() => void)[],
  seedDeploys: (client: Client) => Promise<void>,
): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "cuitty-db-migrations-"));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  for (const m of MODULES) {
    const client = createClient({ url: `file:${join(dataDir, `${m}.db`)}` });
    try {
      for (const migration of readMigrations(m).filter((x) => m !== "deploys" || x.tag < deploysTag)) {
        await applyLikeDrizzle(client, m, migration);
      }
      if (m === "deploys") await seedDeploys(client);
    } finally {
      client.close();
    }
  }
  return dataDir;
}
