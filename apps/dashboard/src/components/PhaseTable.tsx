// Every accepted transition of a deploy with its time, and how long the deploy spent in each phase.
import { type DeployStatus, TERMINAL_STATUSES } from "@cuitty/core";
import { formatDuration, formatTime } from "../format.js";
import type { DeployDetail } from "../trpc.js";
import { StatusBadge } from "./StatusBadge.js";

type Event = DeployDetail["events"][number];

/** Seconds spent in the phase each event started: until the next event, or until now while still running. */
function phaseDurations(events: readonly Event[], status: DeployStatus, now: number): (number | null)[] {
  return events.map((e, i) => {
    const next = events[i + 1];
    if (next) return Math.max(0, next.occurredAt - e.occurredAt);
    return TERMINAL_STATUSES.includes(status) ? null : Math.max(0, now - e.occurredAt);
  });
}

export function PhaseTable({ events, status }: { events: readonly Event[]; status: DeployStatus }) {
  const durations = phaseDurations(events, status, Math.floor(Date.now() / 1000));
  return (
    <section className="panel">
      <h2>Transitions</h2>
      {events.length === 0 ? (
        <p className="muted">No transitions recorded.</p>
      ) : (
        <div className="table-scroll">
          <table className="phases" data-testid="transitions">
            <thead>
              <tr>
                <th>To</th>
                <th>At</th>
                <th>Time in phase</th>
                <th>By</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e, i) => (
                <tr key={e.id} data-status={e.toStatus}>
                  <td>
                    <StatusBadge status={e.toStatus} />
                    {e.fromStatus ? <span className="muted small"> from {e.fromStatus.replace("_", " ")}</span> : null}
                  </td>
                  <td data-label="At">{formatTime(e.occurredAt)}</td>
                  <td data-label="Time in phase">
                    {durations[i] == null ? <span className="muted">final</span> : formatDuration(durations[i])}
                    {i === events.length - 1 && durations[i] != null ? <span className="muted small"> (so far)</span> : null}
                  </td>
                  <td data-label="By" data-testid="transition-actor" title={e.actor ?? undefined}>
                    {e.actorName ?? "—"}
                  </td>
                  <td data-label="Reason" data-testid="transition-reason">
                    {e.reason ?? ""}
                    {e.rollbackTargetId != null ? ` → #${e.rollbackTargetId}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
