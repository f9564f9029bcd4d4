// Which failed runs count as failures people should see: a run cancelled or skipped never tried to change anything.
export const NOT_A_CHANGE_REASONS = ["cancelled", "skipped"] as const;

/** A failed run that broke (not a cancelled or skipped one): shown as an environment's last failure. */
export function isBrokenRun(d: { status: string; reason?: string | null }): boolean {
  return d.status === "failed" && !(NOT_A_CHANGE_REASONS as readonly string[]).includes(d.reason ?? "");
}
