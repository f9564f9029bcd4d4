// Owner-only files: the data directory is 0700 and every file in it (databases, their -wal/-shm, credentials,
// backups) 0600, whatever the process umask. SQLite gives -wal and -shm files the mode of their database file,
// so creating each .db file 0600 before SQLite opens it covers those too; a sweep after opening catches the rest.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { join } from "node:path";

const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Called once per file or folder whose mode was looser and has been tightened. */
export type ModeWarning = (message: string, fields: Record<string, unknown>) => void;

function tighten(path: string, wanted: number, warn?: ModeWarning): void {
  const st = lstatSync(path);
  const mode = st.mode & 0o777;
  if ((mode & ~wanted) === 0) return;
  try {
    chmodSync(path, wanted);
  } catch (error) {
    // Not ours to change (another owner): say so, and keep working with what we can read.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
    warn?.("a data file is readable by others and cannot be tightened (not its owner)", { path, mode: `0${mode.toString(8)}` });
    return;
  }
  warn?.("tightened the mode of a data file readable by others", {
    path,
    was: `0${mode.toString(8)}`,
    now: `0${wanted.toString(8)}`,
  });
}

/**
 * Creates `dir` 0700 if missing. An existing folder is tightened only when `tightenExisting` (the data
 * directory is ours; a backup target may be a folder like /tmp that must keep its mode).
 */
export function ensurePrivateDir(dir: string, opts: { tightenExisting: boolean; warn?: ModeWarning }): void {
  const created = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (created !== undefined) chmodSync(dir, DIR_MODE);
  else if (opts.tightenExisting) tighten(dir, DIR_MODE, opts.warn);
}

/** Creates `file` empty with mode 0600 if missing (umask cannot widen it: chmod follows), or tightens it. */
export function ensurePrivateFile(file: string, warn?: ModeWarning): void {
  try {
    closeSync(openSync(file, "wx", FILE_MODE));
    chmodSync(file, FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    tighten(file, FILE_MODE, warn);
  }
}

/** Tightens the folder and every regular file directly in it (symbolic links are left alone). */
export function tightenDir(dir: string, warn?: ModeWarning): void {
  tighten(dir, DIR_MODE, warn);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) tighten(join(dir, entry.name), FILE_MODE, warn);
  }
}
