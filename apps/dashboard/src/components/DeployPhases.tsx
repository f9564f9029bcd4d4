// The time a deploy spent in each phase before live (metrics.deployPhases), as one proportional bar.
import { useQuery } from "@tanstack/react-query";
import { formatDuration } from "../format.js";
import { POLL_MS } from "../poll.js";
import { useTRPC } from "../trpc.js";

const STATE_LABELS: Record<string, string> = {
  done: "",
  failed: "failed here",
  running: "running",
  skipped: "skipped",
  not_reached: "not reached",
};

export function DeployPhases({ deployId, terminal }: { deployId: number; terminal: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.metrics.deployPhases.queryOptions({ id: deployId }, { refetchInterval: terminal ? false : POLL_MS }));
  const data = query.data;
  if (!data) return null;
  const timed = data.phases.filter((p) => p.durationSeconds != null);
  const sum = timed.reduce((s, p) => s + (p.durationSeconds ?? 0), 0);
  if (timed.length === 0 && data.phases.every((p) => p.state === "skipped")) {
    return (
      <section className="panel" data-testid="deploy-phases">
        <h2>Phases</h2>
        <p className="muted">Reported straight to {data.status.replace("_", " ")}: no phases to time.</p>
      </section>
    );
  }
  return (
    <section className="panel" data-testid="deploy-phases">
      <h2>Phases</h2>
      {sum > 0 ? (
        <div className="phasebar" aria-hidden="true">
          {timed.map((p) => (
            <span
              key={p.phase}
              className={`phasebar-seg phase-${p.phase} state-${p.state}`}
              style={{ flexGrow: p.durationSeconds ?? 0 }}
              title={`${p.phase}: ${formatDuration(p.durationSeconds)}`}
            />
          ))}
        </div>
      ) : null}
      <dl className="facts">
        {data.phases.map((p) => (
          <div key={p.phase} className="fact-pair" data-testid="deploy-phase" data-phase={p.phase} data-state={p.state}>
            <dt>
              <span className={`swatch phase-${p.phase}`} aria-hidden="true" /> {p.phase}
            </dt>
            <dd>
              {p.durationSeconds != null ? formatDuration(p.durationSeconds) : "—"}
              {STATE_LABELS[p.state] ? <span className="muted small"> {STATE_LABELS[p.state]}</span> : null}
            </dd>
          </div>
        ))}
        <div className="fact-pair" data-testid="deploy-phase" data-phase="total">
          <dt>to live</dt>
          <dd>
            <strong>{data.totalSeconds != null ? formatDuration(data.totalSeconds) : "—"}</strong>
          </dd>
        </div>
      </dl>
    </section>
  );
}
