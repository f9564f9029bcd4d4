// Health of a deploy after go-live: its status, a latency chart of the probes and the latest probes themselves.
import { formatMs, formatTime } from "../format.js";
import type { DeployDetail } from "../trpc.js";
import { MiniChart } from "./MiniChart.js";
import { HealthBadge } from "./StatusBadge.js";

type Check = DeployDetail["healthChecks"][number];

const SHOWN = 20;

function describe(c: Check): string {
  const answer = c.statusCode != null ? `HTTP ${c.statusCode}` : "no answer";
  return [answer, c.latencyMs != null ? formatMs(c.latencyMs) : null, c.error].filter(Boolean).join(" · ");
}

export function HealthPanel({ deploy }: { deploy: Pick<DeployDetail, "healthStatus" | "healthChecks"> }) {
  // The server answers newest first; the chart reads left to right in time.
  const checks = deploy.healthChecks;
  const chronological = [...checks].reverse();
  const passed = checks.filter((c) => c.ok).length;
  return (
    <section className="panel" data-testid="health-panel" data-health={deploy.healthStatus}>
      <h2>
        Health <HealthBadge health={deploy.healthStatus} />
      </h2>
      {checks.length === 0 ? (
        <p className="muted">
          {deploy.healthStatus === "pending"
            ? "Waiting for the first probe."
            : "No health probes recorded. Set a health-check URL on the environment (Settings) to probe deploys after they go live."}
        </p>
      ) : (
        <>
          <p className="small" data-testid="health-summary">
            {passed} of {checks.length} probes passed · latest {formatTime(checks[0]!.checkedAt)}
          </p>
          <MiniChart
            kind="bars"
            label={`Latency of the last ${chronological.length} probes`}
            testId="health-chart"
            points={chronological.map((c) => ({
              x: c.checkedAt,
              y: c.latencyMs ?? 0,
              bad: !c.ok,
              title: `${formatTime(c.checkedAt)} · ${describe(c)}`,
            }))}
          />
          <div className="chart-legend small muted">probe latency, oldest → newest; failed probes in red</div>
          <ol className="probes" data-testid="health-probes">
            {checks.slice(0, SHOWN).map((c, i) => (
              <li key={i} className={c.ok ? "ok" : "failure"} data-ok={c.ok}>
                {c.ok ? "✓" : "✕"} {formatTime(c.checkedAt)} · {describe(c)}
              </li>
            ))}
          </ol>
          {checks.length > SHOWN ? <p className="muted small">and {checks.length - SHOWN} earlier probes</p> : null}
        </>
      )}
    </section>
  );
}
