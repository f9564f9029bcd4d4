// The DORA performance bands and how a figure falls into one: no schemas, so the dashboard can import them.

export const DORA_BANDS = ["elite", "high", "medium", "low"] as const;
export type DoraBand = (typeof DORA_BANDS)[number];

/**
 * The usual performance bands (after the State of DevOps reports, simplified to one threshold each):
 * frequency per day ≥ 1 / ≥ 1 a week / ≥ 1 a month; lead time < 1 day / 1 week / 1 month;
 * change failure rate ≤ 5% / 10% / 15%; time to restore < 1 hour / 1 day / 1 week.
 */
export const DORA_BAND_THRESHOLDS = {
  deploysPerDay: [1, 1 / 7, 1 / 30],
  leadTimeSeconds: [86_400, 7 * 86_400, 30 * 86_400],
  changeFailureRate: [0.05, 0.1, 0.15],
  timeToRestoreSeconds: [3_600, 86_400, 7 * 86_400],
} as const;

function band(value: number | null, limits: readonly number[], higherIsBetter: boolean, inclusive = false): DoraBand | null {
  if (value === null) return null;
  for (let i = 0; i < limits.length; i++) {
    const l = limits[i]!;
    if (higherIsBetter ? value >= l : inclusive ? value <= l : value < l) return DORA_BANDS[i]!;
  }
  return "low";
}

export function doraBands(figures: {
  deploysPerDay: number;
  leadTimeSeconds: number | null;
  changeFailureRate: number | null;
  timeToRestoreSeconds: number | null;
}): Record<"deploymentFrequency" | "leadTime" | "changeFailureRate" | "timeToRestore", DoraBand | null> {
  const t = DORA_BAND_THRESHOLDS;
  return {
    deploymentFrequency: band(figures.deploysPerDay, t.deploysPerDay, true),
    leadTime: band(figures.leadTimeSeconds, t.leadTimeSeconds, false),
    changeFailureRate: band(figures.changeFailureRate, t.changeFailureRate, false, true),
    timeToRestore: band(figures.timeToRestoreSeconds, t.timeToRestoreSeconds, false),
  };
}
