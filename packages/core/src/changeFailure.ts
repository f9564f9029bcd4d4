// Which failed runs are not a failed change: a run cancelled or skipped never tried to change anything.
export const NOT_A_CHANGE_REASONS = ["cancelled", "skipped"] as const;

/** A failed deploy that counts as a failure people should see (not a cancelled or skipped run). */
export function isFailedChange(d: { status: string; reason?: string | null }): boolean {
  return d.status === "failed" && !(NOT_A_CHANGE_REASONS as readonly string[]).includes(d.reason ?? "");
}
