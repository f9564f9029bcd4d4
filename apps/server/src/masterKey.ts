// The master key for encryption at rest: from CUITTY_MASTER_KEY or a key file outside the data directory, plus
// previous keys accepted during a rotation. 32 random bytes, written as 64 hex digits or base64 (`openssl rand -base64 32`).
import { readFileSync } from "node:fs";
import { relative, resolve, isAbsolute } from "node:path";
import type { MasterKeys } from "@cuitty/db";

export interface MasterKeySources {
  key?: string;
  keyFile?: string;
  previous?: string;
  previousFile?: string;
}

const HINT = "generate one with `openssl rand -base64 32` (32 random bytes, base64 or 64 hex digits)";

function parseMasterKey(text: string, source: string): Uint8Array {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return bytes;
  }
  throw new Error(`invalid configuration: ${source} is not a 32-byte key; ${HINT}`);
}

function insideDir(file: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(file));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function readKeyFile(file: string, name: string, dataDir: string): string {
  // A key stored beside the data it protects is stolen with it (and with every backup of the folder).
  if (insideDir(file, dataDir)) {
    throw new Error(`invalid configuration: ${name} (${file}) is inside the data directory; keep the master key elsewhere`);
  }
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`invalid configuration: ${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Resolves the configured keys; throws an `invalid configuration: …` error naming the variable. */
export function resolveMasterKeys(sources: MasterKeySources, dataDir: string): MasterKeys {
  if (sources.key && sources.keyFile) {
    throw new Error("invalid configuration: set CUITTY_MASTER_KEY or CUITTY_MASTER_KEY_FILE, not both");
  }
  const currentText = sources.key ?? (sources.keyFile ? readKeyFile(sources.keyFile, "CUITTY_MASTER_KEY_FILE", dataDir) : undefined);
  const current =
    currentText === undefined ? undefined : parseMasterKey(currentText, sources.key ? "CUITTY_MASTER_KEY" : "CUITTY_MASTER_KEY_FILE");
  const previous = [
    ...(sources.previous ?? "")
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((k) => parseMasterKey(k, "CUITTY_MASTER_KEY_PREVIOUS")),
    ...(sources.previousFile
      ? readKeyFile(sources.previousFile, "CUITTY_MASTER_KEY_PREVIOUS_FILE", dataDir)
          .split(/\s+/)
          .filter(Boolean)
          .map((k) => parseMasterKey(k, "CUITTY_MASTER_KEY_PREVIOUS_FILE"))
      : []),
  ];
  return { current, previous };
}
