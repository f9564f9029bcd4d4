// Where the time inside deploys goes, per environment: median and p90 of each phase over the range, and the
// median per bucket as a small chart (so "builds got slower in March" shows).
import { formatDay, formatDuration } from "../format.js";
import type { Outputs } from "../trpc.js";
import { MiniChart } from "./MiniChart.js";

type Phases = Outputs["metrics"]["phases"];

const round = (s: number | null) => (s == null ? null : Math.round(s));

export function PhaseTimings({ phases }: { phases: Phases }) {
  const when = (start: number) => (phases.bucket === "week" ? `week of ${formatDay(start)}` : formatDay(start));
  return (
    <section className="panel" data-testid="phase-timings">
      <h2>Phase timings</h2>
      <p className="small muted" data-testid="phase-definition">
        Deploys started in the range; a phase is timed from entering it to entering the next one toward live. Skipped: the deploy reported
        an earlier phase and went live without this one (a later rollback changes nothing).
        {phases.straightToLive
          ? ` ${phases.straightToLive} deploy${phases.straightToLive === 1 ? " was" : "s were"} first reported as live: no phases known.`
          : ""}
      </p>
      <div className="table-scroll">
        <table className="phases">
          <thead>
            <tr>
              <th>Phase</th>
              <th>Median</th>
              <th>p90</th>
              <th>Deploys</th>
              <th>Skipped</th>
              <th>Median per {phases.bucket}</th>
            </tr>
          </thead>
          <tbody>
            {phases.phases.map((p) => (
              <tr key={p.phase} data-testid="phase-timing" data-phase={p.phase}>
                <td>
                  <span className={`swatch phase-${p.phase}`} aria-hidden="true" /> {p.phase === "total" ? "total to live" : p.phase}
                </td>
                <td data-testid="phase-median">{formatDuration(round(p.medianSeconds))}</td>
                <td>{formatDuration(round(p.p90Seconds))}</td>
                <td>{p.samples}</td>
                <td>{p.phase === "total" ? "" : p.skipped}</td>
                <td className="chart-cell">
                  <MiniChart
                    kind="dots"
                    label={`Median ${p.phase} per ${phases.bucket}`}
                    points={phases.series.map((b) => {
                      const s = b.phases.find((x) => x.phase === p.phase);
                      return {
                        x: b.start,
                        y: s?.medianSeconds ?? null,
                        title: `${when(b.start)}: ${s?.samples ? `median ${formatDuration(round(s.medianSeconds))} (${s.samples})` : "none"}`,
                      };
                    })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
