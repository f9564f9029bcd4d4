// `cuitty audit record`: who changed what (a flag, a config, a migration), so a deploy's correlations show it.
import { type Command, InvalidArgumentError } from "@commander-js/extra-typings";
import type { z } from "zod";
import { auditEntrySchema } from "@cuitty/core";
import type { OptsOf } from "../flags.js";
import { addConnectionOptions, parseDeployId, parseEnvironment, parseOccurredAt, withConnectionHelp } from "./deployOptions.js";
import { type RecordSpec, parseJsonObject, recordItems } from "./recordBatch.js";

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
  return {
    id: f.id,
    environment: f.env,
    actor: f.actor,
    action: f.action,
    target: f.target,
    occurredAt: f.occurredAt,
    deployId: f.deployId,
    commitSha: f.commit,
    metadata: f.metadata,
  };
}

const SPEC: RecordSpec<z.output<typeof auditEntrySchema>> = {
  key: "entries",
  one: "entry",
  summary: ["audit entry", "audit entries"],
  schema: auditEntrySchema,
  flags: FLAGS,
  required: REQUIRED,
  example: EXAMPLE,
  fileFix: "each entry needs environment, actor and action",
  missing: (missing) => ({
    message: `missing ${missing.join(", ")}: an audit entry needs an environment, an actor and an action`,
    fix: "pass --env, --actor and --action, or --file FILE.json with an array of entries",
  }),
  send: (client, batch) => client.audit.record.mutate({ entries: batch }),
};

function defineRecord(audit: Command) {
  return addConnectionOptions(
    audit
      .command("record")
      .description("record an audit entry, or a batch from a JSON file (needs an ingest key)")
      .option("-e, --env <name>", "environment the change concerns (required)", parseEnvironment)
      .option("--actor <name>", "who made the change (required)")
      .option("--action <name>", "what was done, e.g. flag.enable, config.change (required)")
      .option("--target <text>", "what it was done to, e.g. the flag's name")
      .option("--deploy-id <id>", "the deploy it belongs to", parseDeployId)
      .option("--commit <sha>", "the commit it belongs to (links it to that commit's deploys)", parseCommit)
      .option("--metadata <json>", 'a JSON object of extra facts, e.g. \'{"ticket":"OPS-12"}\'', parseJsonObject)
      .option("--occurred-at <time>", "when: unix seconds or ISO 8601 (default: now)", parseOccurredAt)
      .option("--id <id>", "an idempotency key: an entry with an id already recorded is not recorded again")
      .option("-f, --file <file>", "record a JSON array of entries instead (`-` reads standard input); sent 500 per call"),
  );
}

type AuditFlags = OptsOf<ReturnType<typeof defineRecord>>;

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("audit entries: who changed what, shown with the deploys they concern");
  const record = defineRecord(audit);
  withConnectionHelp(record, [
    "cuitty audit record --env production --actor alice --action flag.enable --target new-checkout",
    'cuitty audit record --env production --actor "$GITHUB_ACTOR" --action db.migrate --commit "$GITHUB_SHA" --metadata \'{"migration":"0042"}\'',
    `cuitty audit record --file entries.json     # [${EXAMPLE}, …]`,
  ]);
  record.action((flags) => recordItems(SPEC, flags, entryFromFlags(flags)));
}
