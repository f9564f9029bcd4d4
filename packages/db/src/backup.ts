// A consistent copy of every module file while the server runs (VACUUM INTO takes a read snapshot).
import { chmodSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Database, MODULES } from "./connection.js";
import { FILE_MODE, ensurePrivateDir, ensurePrivateFile } from "./fileModes.js";

export async function backupDatabase(db: Database, targetDir: string): Promise<string[]> {
  if (!db.embedded) throw new Error("backup copies embedded files; back up a libSQL server with its own tools");
  const dir = resolve(targetDir);
  ensurePrivateDir(dir, { tightenExisting: false });
  const clashes = MODULES.map((m) => `${m}.db`).filter((f) => existsSync(join(dir, f)));
  if (clashes.length > 0) throw new Error(`${dir} already holds ${clashes.join(", ")}; choose an empty folder`);
  const written: string[] = [];
  for (const m of MODULES) {
    const file = join(dir, `${m}.db`);
    // VACUUM INTO accepts an empty file: created 0600 first, the copy is never readable by others.
    ensurePrivateFile(file);
    await db.clients[m].execute({ sql: "VACUUM INTO ?", args: [file] });
    chmodSync(file, FILE_MODE);
    written.push(file);
  }
  return written;
}
