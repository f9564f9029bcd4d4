// Shared by `audit record` and `perf record`: one item from flags or many from a JSON file, validated
// locally as the server will, then sent in batches the server accepts (≤ 500 items, under the body limit).
import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { MAX_BATCH_BODY_BYTES, MAX_BATCH_ITEMS, zodFieldPaths, zodMessage } from "@cuitty/core";
import { toCLIError } from "../apiErrors.js";
import { type ApiClient, createApiClient } from "../client.js";
import { type Connection, resolveConnection } from "../config.js";
import { CLIError } from "../errors.js";
import { info, printJson } from "../output.js";
import type { CommonFlags } from "./deployOptions.js";

/** The part of a zod schema used here. */
interface Schema<O> {
  safeParse(value: unknown): { success: true; data: O } | { success: false; error: Parameters<typeof zodMessage>[0] };
}

export function parseNonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number ≥ 0, e.g. 182.5");
  return n;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

export function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("expected a fraction from 0 to 1, e.g. 0.02 for 2 %");
  return n;
}

export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`not valid JSON: ${value.length > 60 ? `${value.slice(0, 60)}…` : value}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"ticket":"OPS-12"}\'');
  return parsed as Record<string, unknown>;
}

/**
 * Items of a batch file: a JSON array, or the procedure's own input (`{ "entries": [...] }` /
 * `{ "snapshots": [...] }`). `-` reads standard input.
 */
function readItemsFile(file: string, key: string, example: string): unknown[] {
  const hint = `the file holds a JSON array of ${key}, e.g. [${example}]`;
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new CLIError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      "E_USAGE",
      "check the path given to --file",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CLIError(`${file} is not valid JSON: ${(error as Error).message}`, "E_USAGE", hint);
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(items)) throw new CLIError(`${file} is not a JSON array`, "E_USAGE", hint);
  if (items.length === 0) throw new CLIError(`${file} holds no ${key}`, "E_USAGE", hint);
  return items;
}

/**
 * Validates every item before anything is sent, so a bad item never leaves half a file recorded.
 * `label(i)` names an item in the message; `flags` maps field names to the flags that set them.
 */
export function validateAll<O>(
  schema: Schema<O>,
  items: unknown[],
  label: (i: number) => string,
  fix: string,
  flags?: Record<string, string>,
): O[] {
  const valid: O[] = [];
  const problems: string[] = [];
  for (const [i, item] of items.entries()) {
    const parsed = schema.safeParse(item);
    if (parsed.success) {
      valid.push(parsed.data);
      continue;
    }
    if (flags) {
      const named = zodFieldPaths(parsed.error).map((f) => flags[f.split(".")[0]!] ?? f);
      problems.push(`${named.join(", ")}: ${parsed.error.issues.map((x) => x.message).join("; ")}`);
    } else {
      problems.push(`${label(i)}: ${zodMessage(parsed.error)}`);
    }
  }
  if (problems.length === 1) throw new CLIError(`invalid ${problems[0]}${items.length > 1 ? " (nothing was sent)" : ""}`, "E_USAGE", fix);
  if (problems.length > 1) {
    const more = problems.length > 5 ? `\n  … and ${problems.length - 5} more` : "";
    throw new CLIError(
      `${problems.length} invalid items, nothing was sent:\n  ${problems.slice(0, 5).join("\n  ")}${more}`,
      "E_USAGE",
      fix,
    );
  }
  return valid;
}

/** Splits items into batches of at most 500 and under the batch body limit. */
function batches<T>(items: T[], maxItems = MAX_BATCH_ITEMS, maxBytes = Math.floor(MAX_BATCH_BODY_BYTES * 0.9)): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = JSON.stringify(item).length + 1;
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Sends batch after batch; a failure says how much of the input was already recorded. With `flags`
 * (one item given by flags), a refusal names the flag instead of the field path (`entries.0.deployId`).
 */
async function sendBatches<T, R>(
  conn: Connection,
  items: T[],
  kind: string,
  send: (batch: T[]) => Promise<R>,
  flags?: Record<string, string>,
): Promise<R[]> {
  const parts = batches(items);
  const answers: R[] = [];
  let sent = 0;
  for (const part of parts) {
    try {
      answers.push(await send(part));
    } catch (error) {
      const e = toCLIError(error, conn);
      if (flags) {
        const named = (text: string) => text.replace(/\b(?:entries|snapshots)\.0\.(\w+)/g, (path, field: string) => flags[field] ?? path);
        throw new CLIError(named(e.message), e.code, e.hint && named(e.hint));
      }
      if (parts.length === 1) throw e;
      const where = `batch ${answers.length + 1} of ${parts.length} failed (${sent} of ${items.length} ${kind} were recorded before it)`;
      // Field paths of a refusal count within the batch; name the item in the whole input instead.
      const offset = sent;
      const renumber = (text: string) =>
        text.replace(/\b(entries|snapshots)\.(\d+)\b/g, (_, k: string, i: string) => `${k}.${offset + Number(i)}`);
      throw new CLIError(`${where}: ${renumber(e.message)}`, e.code, e.hint && renumber(e.hint));
    }
    sent += part.length;
  }
  return answers;
}

/** What differs between `audit record` and `perf record`. */
export interface RecordSpec<O> {
  /** The procedure's array field, also used in field paths: `entries`, `snapshots`. */
  key: "entries" | "snapshots";
  /** One item in messages (`entry`, `snapshot`) and the summary's nouns. */
  one: string;
  summary: [singular: string, plural: string];
  schema: Schema<O>;
  /** Item field → the flag that sets it. */
  flags: Record<string, string>;
  required: readonly string[];
  example: string;
  /** Fix for an invalid file item. */
  fileFix: string;
  missing: (flags: string[]) => { message: string; fix: string };
  send: (client: ApiClient, batch: O[]) => Promise<{ accepted: number; duplicates: number }>;
}

/** The action of a record command: one item from flags or many from `--file`, validated, sent in batches. */
export async function recordItems<O>(
  spec: RecordSpec<O>,
  flags: CommonFlags & { file?: string },
  fromFlags: Record<string, unknown>,
): Promise<void> {
  let items: O[];
  const single = flags.file === undefined;
  if (flags.file !== undefined) {
    const given = Object.entries(fromFlags)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => spec.flags[k]);
    if (given.length > 0) {
      throw new CLIError(
        `--file cannot be combined with ${given.join(", ")}`,
        "E_USAGE",
        `put those fields into the file's ${spec.key}, or leave out --file`,
      );
    }
    const raw = readItemsFile(flags.file, spec.key, spec.example);
    items = validateAll(spec.schema, raw, (i) => `${spec.key}[${i}]`, `correct ${flags.file}; ${spec.fileFix}`);
  } else {
    const missing = spec.required.filter((k) => fromFlags[k] === undefined).map((k) => spec.flags[k]!);
    if (missing.length > 0) {
      const { message, fix } = spec.missing(missing);
      throw new CLIError(message, "E_USAGE", fix);
    }
    items = validateAll(spec.schema, [fromFlags], () => spec.one, "correct the flags (run with --help)", spec.flags);
  }
  const conn = resolveConnection(flags);
  const client = createApiClient(conn);
  const answers = await sendBatches(conn, items, spec.key, (batch) => spec.send(client, batch), single ? spec.flags : undefined);
  const accepted = answers.reduce((n, a) => n + a.accepted, 0);
  const duplicates = answers.reduce((n, a) => n + a.duplicates, 0);
  if (flags.json) return printJson({ accepted, duplicates, batches: answers.length });
  const calls = answers.length > 1 ? ` in ${answers.length} batches` : "";
  const dup = duplicates > 0 ? `; ${duplicates} already recorded (same id), not recorded again` : "";
  info(`Recorded ${accepted} ${accepted === 1 ? spec.summary[0] : spec.summary[1]}${calls}${dup}.`);
}
