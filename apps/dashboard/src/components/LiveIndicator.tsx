// Shows that a view refreshes itself, and when it last did.
import type { UseQueryResult } from "@tanstack/react-query";
import { formatTime } from "../format.js";

export function LiveIndicator({
  query,
  paused,
}: {
  query: Pick<UseQueryResult, "dataUpdatedAt" | "isFetching" | "isError">;
  paused?: boolean;
}) {
  const at = query.dataUpdatedAt ? formatTime(Math.floor(query.dataUpdatedAt / 1000)) : "—";
  const state = paused ? "paused" : query.isError ? "offline" : "live";
  return (
    <span className={`live live-${state}`} title={`Last refreshed ${at}`} aria-live="polite">
      <span className="live-dot" aria-hidden="true" />
      {state === "live" ? "Live" : state === "paused" ? "Live updates paused" : "Not refreshing"}
      <span className="muted small"> · {at}</span>
    </span>
  );
}
