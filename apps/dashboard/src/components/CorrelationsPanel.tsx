// What a deploy changed: per metric p99 before vs after go-live with the verdict (docs/design.md §5), and the audit
// entries it produced (naming it, or in its environment while it was current).
import { useQuery } from "@tanstack/react-query";
import { formatMs, formatTime } from "../format.js";
import { POLL_MS } from "../poll.js";
import { useTRPC } from "../trpc.js";
import { ErrorNotice } from "./ErrorNotice.js";
import { P99Chart } from "./P99Chart.js";

const VERDICT_LABELS: Record<string, string> = {
  regressed: "▲ regressed",
  improved: "▼ improved",
  unchanged: "= unchanged",
  insufficient_data: "? too few samples",
};

function VerdictBadge({ verdict, testId }: { verdict: string; testId?: string }) {
  return (
    <span className={`badge verdict-${verdict}`} data-verdict={verdict} data-testid={testId}>
      {VERDICT_LABELS[verdict] ?? verdict}
    </span>
  );
}

function formatDelta(delta: number | null): string {
  if (delta == null) return "—";
  return `${delta > 0 ? "+" : ""}${delta.toFixed(1)}%`;
}

export function CorrelationsPanel({ deployId }: { deployId: number }) {
  const trpc = useTRPC();
  const opts = { refetchInterval: POLL_MS * 5 };
  const correlations = useQuery(trpc.deploys.correlations.queryOptions({ id: deployId }, opts));
  const regression = useQuery(trpc.deploys.regression.queryOptions({ id: deployId }, opts));
  const c = correlations.data;
  const r = regression.data;

  return (
    <section className="panel correlations" data-testid="correlations-panel" data-deploy-id={deployId}>
      <h2>Performance {r && r.metrics.length > 0 ? <VerdictBadge verdict={r.verdict} testId="regression-verdict" /> : null}</h2>
      {regression.error && !r ? <ErrorNotice error={regression.error} what="Loading the regression verdict" /> : null}
      {correlations.error && !c ? <ErrorNotice error={correlations.error} what="Loading correlations" /> : null}
      {!r || !c ? (
        regression.isPending || correlations.isPending ? (
          <p className="muted">Loading…</p>
        ) : null
      ) : !r.windows || !c.windows ? (
        <p className="muted">This deploy never went live, so there is no before and after to compare.</p>
      ) : r.reason ? (
        <p className="notice" data-testid="regression-reason">
          No verdict from Prometheus (insufficient data): {r.reason}
        </p>
      ) : r.metrics.length === 0 && r.source === "prometheus" ? (
        <p className="muted">
          Prometheus had no series for this environment between {formatTime(r.windows.before.from)} and {formatTime(r.windows.after.to)}:
          check the environment's latency query in Settings.
        </p>
      ) : r.metrics.length === 0 ? (
        <p className="muted">
          No perf snapshots between {formatTime(r.windows.before.from)} and {formatTime(r.windows.after.to)}. Send them with{" "}
          <code>perf.record</code> (SDK <code>cuitty.perf(…)</code> or <code>cuitty perf record</code>).
        </p>
      ) : (
        <>
          <p className="small muted">
            p99 in the hour before go-live at <span data-testid="go-live-time">{formatTime(r.windows.after.from)}</span> (from{" "}
            {formatTime(r.windows.before.from)}) vs the hour after (to {formatTime(r.windows.after.to)}),{" "}
            {r.source === "prometheus" ? "from the environment's Prometheus" : "sample-weighted"}; a change of {r.threshold}% or more is a
            verdict, fewer than 100 samples a side is too few.
          </p>
          <ul className="metrics-list">
            {r.metrics.map((m) => (
              <li key={m.metric} data-testid="regression-metric" data-metric={m.metric} data-verdict={m.verdict}>
                <div className="metric-head">
                  <span className="mono metric-name">{m.metric}</span>
                  <VerdictBadge verdict={m.verdict} />
                </div>
                <div className="metric-facts small">
                  <span>
                    p99 {formatMs(m.p99Before)} → <strong>{formatMs(m.p99After)}</strong>
                  </span>
                  <span className={m.verdict === "regressed" ? "failure" : m.verdict === "improved" ? "passing" : undefined}>
                    {formatDelta(m.deltaPercent)}
                  </span>
                  <span className="muted">
                    {m.samplesBefore} / {m.samplesAfter} samples
                  </span>
                </div>
                <P99Chart
                  metric={m.metric}
                  windows={c.windows!}
                  before={c.perf.before.filter((s) => s.metric === m.metric)}
                  after={c.perf.after.filter((s) => s.metric === m.metric)}
                  p99Before={m.p99Before}
                  p99After={m.p99After}
                  verdict={m.verdict}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Audit entries</h3>
      {c && c.audit.length > 0 ? (
        <div className="table-scroll">
          <table className="phases" data-testid="audit-entries">
            <thead>
              <tr>
                <th>At</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
              </tr>
            </thead>
            <tbody>
              {c.audit.map((a) => (
                <tr key={a.rowId} data-testid="audit-entry">
                  <td>{formatTime(a.occurredAt)}</td>
                  <td>{a.actor}</td>
                  <td className="mono">{a.action}</td>
                  <td>
                    {a.target ?? "—"}
                    {a.deployId === deployId ? <span className="muted small"> · names this deploy</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : c ? (
        <p className="muted">
          No audit entries name this deploy or happened in {c.liveAt ? "its environment while it was current" : "it"}.
        </p>
      ) : null}
    </section>
  );
}
