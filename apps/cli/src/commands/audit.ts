// `cuitty audit record`: who changed what (a flag, a config, a migration), so a deploy's correlations show it.
import { type Command, InvalidArgumentError } from "commander";
import { auditEntrySchema } from "@cuitty/core";
import { createApiClient } from "../client.js";
import { resolveConnection } from "../config.js";
import { CLIError } from "../errors.js";
import { info, printJson } from "../output.js";
import { type CommonFlags, addConnectionOptions, parseDeployId, parseEnvironment, parseOccurredAt, withConnectionHelp } from "./deployOptions.js";
import { parseJsonObject, readItemsFile, sendBatches, validateAll } from "./recordBatch.js";

interface AuditFlags extends CommonFlags {
  env?: string;
  actor?: string;
  action?: string;
  target?: string;
  deployId?: number;
  commit?: string;
  metadata?: Record<string, unknown>;
  occurredAt?: number;
  id?: string;
  file?: string;
}

/** Entry field → the flag that sets it, for messages about a single entry. */
const FLAGS: Record<string, string> = {
  environment: "--env",
  actor: "--actor",
  action: "--action",
  target: "--target",
  deployId: "--deploy-id",
  commitSha: "--commit",
  metadata: "--metadata",
  occurredAt: "--occurred-at",
  id: "--id",
};
const REQUIRED = ["environment", "actor", "action"] as const;
const EXAMPLE = '{"environment":"production","actor":"alice","action":"flag.enable","target":"new-checkout"}';

function parseCommit(value: string): string {
  if (!/^[0-9a-fA-F]{4,64}$/.test(value)) throw new InvalidArgumentError("a commit SHA is 4 to 64 hexadecimal characters");
  return value;
}

function entryFromFlags(f: AuditFlags) {
  return { id: f.id, environment: f.env, actor: f.actor, action: f.action, target: f.target, occurredAt: f.occurredAt, deployId: f.deployId, commitSha: f.commit, metadata: f.metadata };
}

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("audit entries: who changed what, shown with the deploys they concern");
  const record = audit
    .command("record")
    .description("record an audit entry, or a batch from a JSON file (needs an ingest key)")
    .option("-e, --env <name>", "environment the change concerns (required)", parseEnvironment)
    .option("--actor <name>", "who made the change (required)")
    .option("--action <name>", "what was done, e.g. flag.enable, config.change (required)")
    .option("--target <text>", "what it was done to, e.g. the flag's name")
    .option("--deploy-id <id>", "the deploy it belongs to", parseDeployId)
    .option("--commit <sha>", "the commit it belongs to (links it to that commit's deploys)", parseCommit)
    .option("--metadata <json>", "a JSON object of extra facts, e.g. '{\"ticket\":\"OPS-12\"}'", parseJsonObject)
    .option("--occurred-at <time>", "when: unix seconds or ISO 8601 (default: now)", parseOccurredAt)
    .option("--id <id>", "an idempotency key: an entry with an id already recorded is not recorded again")
    .option("-f, --file <file>", "record a JSON array of entries instead (`-` reads standard input); sent 500 per call");
  addConnectionOptions(record);
  withConnectionHelp(record, [
    "cuitty audit record --env production --actor alice --action flag.enable --target new-checkout",
    "cuitty audit record --env production --actor \"$GITHUB_ACTOR\" --action db.migrate --commit \"$GITHUB_SHA\" --metadata '{\"migration\":\"0042\"}'",
    `cuitty audit record --file entries.json     # [${EXAMPLE}, …]`,
  ]);
  record.action(async (flags: AuditFlags) => {
    const fromFlags = entryFromFlags(flags);
    let entries;
    const single = flags.file === undefined;
    if (flags.file !== undefined) {
      const given = Object.entries(fromFlags).filter(([, v]) => v !== undefined).map(([k]) => FLAGS[k]);
      if (given.length > 0) throw new CLIError(`--file cannot be combined with ${given.join(", ")}`, "E_USAGE", "put those fields into the file's entries, or leave out --file");
      const items = readItemsFile(flags.file, "entries", EXAMPLE);
      entries = validateAll(auditEntrySchema, items, (i) => `entries[${i}]`, `correct ${flags.file}; each entry needs environment, actor and action`);
    } else {
      const missing = REQUIRED.filter((k) => fromFlags[k] === undefined).map((k) => FLAGS[k]);
      if (missing.length > 0) {
        throw new CLIError(`missing ${missing.join(", ")}: an audit entry needs an environment, an actor and an action`, "E_USAGE", "pass --env, --actor and --action, or --file FILE.json with an array of entries");
      }
      entries = validateAll(auditEntrySchema, [fromFlags], () => "entry", "correct the flags (run with --help)", FLAGS);
    }
    const conn = resolveConnection(flags);
    const client = createApiClient(conn);
    const answers = await sendBatches(conn, entries, "entries", (batch) => client.audit.record.mutate({ entries: batch }), single ? FLAGS : undefined);
    const accepted = answers.reduce((n, a) => n + a.accepted, 0);
    const duplicates = answers.reduce((n, a) => n + a.duplicates, 0);
    if (flags.json) return printJson({ accepted, duplicates, batches: answers.length });
    const calls = answers.length > 1 ? ` in ${answers.length} batches` : "";
    const dup = duplicates > 0 ? `; ${duplicates} already recorded (same id), not recorded again` : "";
    info(`Recorded ${accepted} audit ${accepted === 1 ? "entry" : "entries"}${calls}${dup}.`);
  });
}
