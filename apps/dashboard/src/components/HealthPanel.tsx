// Health of a deploy after go-live: its status and latest probes. A later issue (health checks) fills in more.
import { formatTime } from "../format.js";
import type { DeployDetail } from "../trpc.js";
import { HealthBadge } from "./StatusBadge.js";

export function HealthPanel({ deploy }: { deploy: Pick<DeployDetail, "healthStatus" | "healthChecks"> }) {
  const checks = deploy.healthChecks.slice(0, 10);
  return (
    <section className="panel" data-testid="health-panel">
      <h2>
        Health <HealthBadge health={deploy.healthStatus} />
      </h2>
      {checks.length === 0 ? (
        <p className="muted">No health probes recorded. Set a health-check URL on the environment to probe deploys after they go live.</p>
      ) : (
        <ul className="probes">
          {checks.map((c, i) => (
            <li key={i} className={c.ok ? "ok" : "failure"}>
              {c.ok ? "✓" : "✕"} {formatTime(c.checkedAt)} · {c.statusCode ?? "no answer"}
              {c.latencyMs != null ? ` · ${c.latencyMs} ms` : ""}
              {c.error ? ` · ${c.error}` : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
