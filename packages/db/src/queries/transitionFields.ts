// What a transition writes on its deploy row, in one place for the event-by-event path (applyDeployEvent.ts) and
// the in-memory batch path (applyDeployBatch.ts).
import type { DeployStatus } from "@cuitty/core";

/** The details an event may bring (an event itself has these keys); only those given overwrite. */
export type TransitionDetails = Partial<
  Record<"version" | "commitSha" | "branch" | "triggeredBy" | "buildLogsUrl" | "committedAt", string | number>
>;

/** The details, in the order they are written. */
const DETAIL_KEYS = ["version", "commitSha", "branch", "triggeredBy", "buildLogsUrl", "committedAt"] as const;

const PHASE_KEY: Partial<Record<DeployStatus, "initiatedAt" | "buildingAt" | "deployingAt">> = {
  initiated: "initiatedAt",
  building: "buildingAt",
  deploying: "deployingAt",
};

/**
 * The deploy fields (view keys, camelCase) a transition to `to` sets, in the order they are written: status and
 * update time, the details given, the reason, completion and duration when it ends (live or failed), the go-live
 * time, and the entry time of a phase (entered at most once). `startedAt` is the deploy's start (or this event's
 * time for a new deploy).
 */
export function transitionFields(t: {
  to: DeployStatus;
  occurredAt: number;
  now: number;
  startedAt: number;
  reason?: string;
  details?: TransitionDetails;
}): [key: string, value: string | number][] {
  const fields: [string, string | number][] = [
    ["status", t.to],
    ["updatedAt", t.now],
  ];
  for (const key of DETAIL_KEYS) {
    const value = t.details?.[key];
    if (value !== undefined) fields.push([key, value]);
  }
  if (t.reason) fields.push(["reason", t.reason]);
  if (t.to === "live" || t.to === "failed") {
    fields.push(["completedAt", t.occurredAt], ["durationSeconds", Math.max(0, t.occurredAt - t.startedAt)]);
  }
  if (t.to === "live") fields.push(["liveAt", t.occurredAt]);
  const phase = PHASE_KEY[t.to];
  if (phase) fields.push([phase, t.occurredAt]);
  return fields;
}
