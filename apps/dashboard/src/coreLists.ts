// Lists and thresholds of @cuitty/core the dashboard shows. Repeated here because the core modules holding them
// also declare zod schemas, whose calls stay in the bundle once anything of the module is used (zod: ~85 KiB).
// The types pin them to core's, and test/units.test.ts checks they equal core's values.
import type { DORA_BAND_THRESHOLDS, DoraBand, HookEventType, HookFormat } from "@cuitty/core";

export const BANDS = ["elite", "high", "medium", "low"] as const satisfies readonly DoraBand[];

export const BAND_THRESHOLDS: typeof DORA_BAND_THRESHOLDS = {
  deploysPerDay: [1, 1 / 7, 1 / 30],
  leadTimeSeconds: [86_400, 7 * 86_400, 30 * 86_400],
  changeFailureRate: [0.05, 0.1, 0.15],
  timeToRestoreSeconds: [3_600, 86_400, 7 * 86_400],
};

export const EVENT_TYPES = [
  "deploy.initiated",
  "deploy.building",
  "deploy.deploying",
  "deploy.live",
  "deploy.failed",
  "deploy.rolled_back",
  "deploy.health",
  "deploy.marked_bad",
  "deploy.marked_good",
] as const satisfies readonly HookEventType[];

export const FORMATS = ["json", "slack"] as const satisfies readonly HookFormat[];

// Compile-time: a type core adds that is missing here fails the typecheck.
const complete: [Exclude<HookEventType, (typeof EVENT_TYPES)[number]>, Exclude<DoraBand, (typeof BANDS)[number]>] extends [never, never]
  ? true
  : false = true;
void complete;
