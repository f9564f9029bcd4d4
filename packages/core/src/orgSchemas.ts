// Wire schemas of the org.* procedures (organisation keys only).
import { z } from "zod";
import { environmentName, lineText, unixSeconds } from "./schemas.js";

const optional = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((v) => v ?? undefined)
    .optional();

/** Filters shared by the overview and the activity feed. */
const orgFilters = {
  /** Only this environment. */
  environment: optional(environmentName),
  /** Case-insensitive text contained in the service's name or project id. */
  search: optional(lineText(100)),
};

export const orgOverviewSchema = z.strictObject({ ...orgFilters, limit: z.number().int().min(1).max(1000).default(200) }).prefault({});
export type OrgOverviewInput = z.input<typeof orgOverviewSchema>;

export const orgActivitySchema = z
  .strictObject({
    ...orgFilters,
    limit: z.number().int().min(1).max(200).default(50),
    cursor: optional(z.string().max(100)),
    /** Sent by TanStack Query's infinite queries; accepted and ignored. */
    direction: z.enum(["forward", "backward"]).optional(),
  })
  .prefault({});
export type OrgActivityInput = z.input<typeof orgActivitySchema>;

export const ORG_DORA_SORTS = ["service", "deploymentFrequency", "leadTime", "changeFailureRate", "timeToRestore"] as const;

export const orgDoraSchema = z.strictObject({
  environment: environmentName,
  /** Unix seconds, inclusive; default: `to` minus 30 days (as metrics.dora). */
  from: unixSeconds.optional(),
  /** Unix seconds, exclusive; default: now. */
  to: unixSeconds.optional(),
  /** Row order of `services`: by name, or by a figure, worst first (README, "DORA across services"). */
  sort: z.enum(ORG_DORA_SORTS).default("service"),
});
export type OrgDoraInput = z.input<typeof orgDoraSchema>;
