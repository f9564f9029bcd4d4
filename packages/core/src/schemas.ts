// zod schemas of every wire input (docs/design.md §4, §5). Types are derived from these, never written twice.
import { z } from "zod";
import { MAX_BATCH_ITEMS, MAX_EVENT_COMMITS } from "./limits.js";
import { STATUSES } from "./status.js";

/** C0 controls and DEL: names, keys and refs never contain them (SQLite text stops reading at NUL). */
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** Like CONTROL_CHARS but tab, newline and carriage return are fine in free text. */
const CONTROL_CHARS_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const NO_CONTROL_CHARS = "must not contain control characters (U+0000-U+001F, U+007F)";
const NO_CONTROL_CHARS_TEXT = "must not contain control characters other than tab and newline";

/** One line: a key, name, ref or id; no control characters at all. */
export const lineText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), NO_CONTROL_CHARS);
/** Free text such as a reason: tabs and newlines allowed, other control characters (NUL) refused. */
export const freeText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARS_EXCEPT_WHITESPACE.test(s), NO_CONTROL_CHARS_TEXT);

export const unixSeconds = z.number().int().min(0).max(4_102_444_800); // up to 2100-01-01
export const environmentName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/, "letters, digits, '.', '_', '-', '/'; at most 64 characters");
export const deployStatus = z.enum(STATUSES);
const optional = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((v) => v ?? undefined)
    .optional();
const commitSha = z.string().regex(/^[0-9a-fA-F]{4,64}$/, "hexadecimal commit SHA");

/** One commit a deploy ships: lead time is measured from `committedAt` to the deploy's go-live. */
export const shippedCommitSchema = z.strictObject({ sha: commitSha, committedAt: unixSeconds });
export type ShippedCommit = z.infer<typeof shippedCommitSchema>;

export const deployEventSchema = z
  .strictObject({
    id: optional(lineText(200)),
    type: z.literal("deploy"),
    deploy: lineText(200),
    status: deployStatus,
    environment: environmentName,
    commitSha: optional(commitSha),
    branch: optional(lineText(255)),
    version: optional(lineText(128)),
    buildLogsUrl: optional(z.url({ protocol: /^https?$/ }).max(2048)),
    triggeredBy: optional(lineText(255)),
    occurredAt: optional(unixSeconds),
    committedAt: optional(unixSeconds),
    /** The commits the deploy ships since the environment's previous live deploy, oldest first. */
    commits: optional(z.array(shippedCommitSchema).max(MAX_EVENT_COMMITS)),
    reason: optional(freeText(1000)),
    rollbackTargetId: optional(z.number().int().positive()),
    provider: optional(z.string().regex(/^[a-z0-9_-]{1,32}$/)),
  })
  .refine((e) => e.rollbackTargetId === undefined || e.status === "rolled_back", {
    message: "rollbackTargetId is only allowed with status rolled_back",
    path: ["rollbackTargetId"],
  });
export type DeployEventInput = z.input<typeof deployEventSchema>;
export type DeployEvent = z.output<typeof deployEventSchema>;

export const emitBatchSchema = z.strictObject({ events: z.array(deployEventSchema).min(1).max(MAX_BATCH_ITEMS) });

const limit = z.number().int().min(1).max(200).default(50);
const cursor = optional(z.string().max(100));
/** Sent by TanStack Query's infinite queries; pages only go one way, so it is accepted and ignored. */
const direction = z.enum(["forward", "backward"]).optional();

/** The filters and paging shared by deploys.list and deploys.timeline. */
const pageOfDeploys = {
  status: optional(deployStatus),
  branch: optional(lineText(255)),
  since: optional(unixSeconds),
  until: optional(unixSeconds),
  limit,
  cursor,
  direction,
};

export const listDeploysSchema = z.strictObject({ environment: optional(environmentName), ...pageOfDeploys }).prefault({});
export type ListDeploysInput = z.input<typeof listDeploysSchema>;

export const timelineSchema = z.strictObject({ environment: environmentName, ...pageOfDeploys });

export const deployIdSchema = z.strictObject({ id: z.number().int().positive() });

export const rollbackSchema = z.strictObject({
  deployId: z.number().int().positive(),
  targetId: optional(z.number().int().positive()),
  reason: optional(freeText(1000)),
});

export const regressionSchema = z.strictObject({
  id: z.number().int().positive(),
  metric: optional(lineText(255)),
  threshold: z.number().positive().max(10_000).default(10),
});
export type RegressionQuery = z.output<typeof regressionSchema>;

export const environmentUpdateSchema = z.strictObject({
  environment: environmentName,
  healthUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  healthExpectStatus: z.number().int().min(100).max(599).optional(),
  healthIntervalSeconds: z.number().int().min(1).max(3600).optional(),
  healthTimeoutMs: z.number().int().min(100).max(60_000).optional(),
  healthChecks: z.number().int().min(1).max(1000).optional(),
  healthFailures: z.number().int().min(1).max(1000).optional(),
  autoRollback: z.boolean().optional(),
  rollbackWebhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  rollbackGithubRepo: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/)
    .nullish(),
  rollbackGithubWorkflow: lineText(255).nullish(),
  rollbackGithubRef: lineText(255).nullish(),
  // Prometheus source (regression and health condition); see prometheus.ts for the query contract.
  prometheusUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  /** null = DEFAULT_PROMETHEUS_LATENCY_QUERY. */
  prometheusLatencyQuery: freeText(4000).nullish(),
  /** null = DEFAULT_PROMETHEUS_COUNT_QUERY. */
  prometheusCountQuery: freeText(4000).nullish(),
  /** Sent as `Authorization: Bearer …`; never listed back. Setting it clears basic auth. */
  prometheusBearerToken: lineText(4096).nullish(),
  /** `user:password`, sent as `Authorization: Basic …`; never listed back. Setting it clears the bearer token. */
  prometheusBasicAuth: z
    .string()
    .max(4096)
    .regex(/^[^:\u0000-\u001f\u007f]+:[^\u0000-\u001f\u007f]*$/, "user:password")
    .nullish(),
  /** The health condition: an error ratio query; null = no Prometheus condition. */
  prometheusErrorQuery: freeText(4000).nullish(),
  /** The highest error ratio that passes (default 0.05). */
  prometheusErrorMax: z.number().min(0).max(1_000_000).optional(),
  /** Where the environment is listed, ascending; null: the default (production, staging, then the rest by name). */
  sortOrder: z.number().int().min(-1_000_000).max(1_000_000).nullish(),
});
export type EnvironmentUpdateInput = z.input<typeof environmentUpdateSchema>;

export const perfSnapshotSchema = z
  .strictObject({
    id: optional(lineText(200)), // idempotency key, unique per project; optional on the wire (then not deduplicated)
    environment: environmentName,
    metric: lineText(255),
    p50: z.number().min(0).optional(),
    p95: z.number().min(0).optional(),
    p99: z.number().min(0),
    errorRate: z.number().min(0).max(1).optional(),
    samples: z.number().int().min(0),
    windowStart: unixSeconds,
    windowEnd: unixSeconds,
  })
  .refine((s) => s.windowEnd >= s.windowStart, { message: "windowEnd must not be before windowStart", path: ["windowEnd"] });
export const perfRecordSchema = z.strictObject({ snapshots: z.array(perfSnapshotSchema).min(1).max(MAX_BATCH_ITEMS) });
export type PerfSnapshotInput = z.input<typeof perfSnapshotSchema>;

export const auditEntrySchema = z.strictObject({
  id: optional(lineText(200)),
  environment: environmentName,
  actor: lineText(255),
  action: lineText(255),
  target: optional(lineText(1000)),
  occurredAt: optional(unixSeconds),
  deployId: optional(z.number().int().positive()),
  commitSha: optional(z.string().regex(/^[0-9a-fA-F]{4,64}$/)),
  metadata: optional(z.record(z.string(), z.unknown())),
});
export const auditRecordSchema = z.strictObject({ entries: z.array(auditEntrySchema).min(1).max(MAX_BATCH_ITEMS) });
export type AuditEntryInput = z.input<typeof auditEntrySchema>;

/** Field paths of a zod error, e.g. ["events.3.status"], for VALIDATION_FAILED. */
export function zodFieldPaths(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((i) => i.path.map(String).join(".") || "(root)"))];
}

/** A one-line human message for a zod error. */
export function zodMessage(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "input"}: ${i.message}`)
    .join("; ");
}
