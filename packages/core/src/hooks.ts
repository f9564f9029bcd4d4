// Wire schemas of outbound event subscriptions (hooks.*) and mark-as-bad, and the event types a subscription picks.
import { z } from "zod";
import { HOOK_EVENT_TYPES, HOOK_FORMATS } from "./hookEvents.js";
import { environmentName, freeText, lineText } from "./schemas.js";

export const hookAddSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  /** The key deliveries are signed with; generated (and shown once) when absent. */
  secret: z.string().min(16, "at least 16 characters").max(256).pipe(lineText(256)).optional(),
  /** Only these events (default: all). */
  events: z.array(z.enum(HOOK_EVENT_TYPES)).min(1).max(HOOK_EVENT_TYPES.length).optional(),
  /** Only these environments (default: all). */
  environments: z.array(environmentName).min(1).max(100).optional(),
  format: z.enum(HOOK_FORMATS).default("json"),
});
export type HookAddInput = z.input<typeof hookAddSchema>;

export const hookIdSchema = z.strictObject({ id: z.number().int().positive() });
export const hookDeliveriesSchema = z.strictObject({
  id: z.number().int().positive(),
  limit: z.number().int().min(1).max(500).default(50),
});

export const markBadSchema = z.strictObject({
  id: z.number().int().positive(),
  reason: z.string().trim().min(1, "say why the deploy is bad").max(1000).pipe(freeText(1000)),
});
export const markGoodSchema = z.strictObject({
  id: z.number().int().positive(),
  reason: z.string().trim().min(1).max(1000).pipe(freeText(1000)).optional(),
});

/** The JSON body of an outbound event (format `json`); receivers may parse deliveries with it. */
export const hookEventSchema = z.object({
  /** Stable across retries and restarts: receivers deduplicate on it (delivery is at least once). */
  id: z.string(),
  type: z.enum(HOOK_EVENT_TYPES),
  projectId: z.string(),
  environment: z.string(),
  occurredAt: z.number().int(),
  deploy: z.object({
    id: z.number().int(),
    externalKey: z.string(),
    /** The status as of this event. */
    status: z.enum(["initiated", "building", "deploying", "live", "failed", "rolled_back"]),
    version: z.string().nullable(),
    commitSha: z.string().nullable(),
    branch: z.string().nullable(),
    triggeredBy: z.string().nullable(),
    buildLogsUrl: z.string().nullable(),
    provider: z.string(),
    startedAt: z.number().int().nullable(),
    liveAt: z.number().int().nullable(),
    healthStatus: z.string(),
    markedBad: z.boolean(),
  }),
  transition: z
    .object({
      from: z.string().nullable(),
      to: z.string(),
      reason: z.string().nullable(),
      actor: z.string().nullable(),
      rollbackTargetId: z.number().int().nullable(),
    })
    .optional(),
  health: z.object({ from: z.string(), to: z.string() }).optional(),
  mark: z.object({ bad: z.boolean(), reason: z.string().nullable(), by: z.string() }).optional(),
});
export type HookEvent = z.infer<typeof hookEventSchema>;
