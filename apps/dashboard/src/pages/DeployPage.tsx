// Deploy detail: facts, marked bad, each transition with the time spent in each phase, phases, rollback links,
// health probes and correlations (perf before/after with the verdict, audit entries).
import { TERMINAL_STATUSES, deployTitle } from "@cuitty/core";
import { useQuery } from "@tanstack/react-query";
import { CommitLink } from "../components/CommitLink.js";
import { CorrelationsPanel } from "../components/CorrelationsPanel.js";
import { DeployPhases } from "../components/DeployPhases.js";
import { MarkBadControl, MarkHistory, MarkedBadNotice } from "../components/MarkBad.js";
import { ErrorNotice } from "../components/ErrorNotice.js";
import { HealthPanel } from "../components/HealthPanel.js";
import { LiveIndicator } from "../components/LiveIndicator.js";
import { RollbackButton } from "../components/RollbackButton.js";
import { ShippedCommits } from "../components/ShippedCommits.js";
import { StatusBadge } from "../components/StatusBadge.js";
import { PhaseTable } from "../components/PhaseTable.js";
import { describeError } from "../errors.js";
import { formatDuration, formatTime, safeUrl } from "../format.js";
import { POLL_MS } from "../poll.js";
import { href } from "../route.js";
import { useTRPC } from "../trpc.js";

export function DeployPage({ id, admin }: { id: number; admin: boolean }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.deploys.get.queryOptions(
      { id },
      // A deploy that does not exist will not appear by asking again; an outage is retried on the poll.
      { refetchInterval: (q) => (q.state.error && describeError(q.state.error).code === "NOT_FOUND" ? false : POLL_MS) },
    ),
  );
  if (!query.data) {
    if (query.isError) return <DeployUnavailable id={id} error={query.error} onRetry={() => void query.refetch()} />;
    return <p className="muted">Loading deploy #{id}…</p>;
  }
  const d = query.data;
  const logs = safeUrl(d.buildLogsUrl);
  const terminal = TERMINAL_STATUSES.includes(d.status);

  return (
    <>
      <nav className="crumbs">
        <a href={href.overview()}>Environments</a> / <a href={href.timeline(d.environment)}>{d.environment}</a> / <span>#{d.id}</span>
      </nav>
      <div className="page-head">
        <h1>
          <span data-testid="deploy-title">{deployTitle(d)}</span> <StatusBadge status={d.status} />
          {d.current ? <span className="badge current-badge">current</span> : null}
          {d.markedBadAt != null ? <span className="badge bad-badge">✕ marked bad</span> : null}
        </h1>
        <LiveIndicator query={query} />
      </div>
      {query.isError ? <ErrorNotice error={query.error} what="Refreshing" /> : null}
      <MarkedBadNotice deploy={d} />
      <section className="panel">
        <dl className="facts facts-wide" data-testid="deploy-facts">
          <dt>Environment</dt>
          <dd>{d.environment}</dd>
          <dt>Deploy key</dt>
          <dd className="mono">{d.externalKey}</dd>
          <dt>Commit</dt>
          <dd>
            <CommitLink commitSha={d.commitSha} buildLogsUrl={d.buildLogsUrl} />
          </dd>
          <dt>Branch</dt>
          <dd>{d.branch ?? "—"}</dd>
          <dt>Triggered by</dt>
          <dd>{d.triggeredBy ?? "—"}</dd>
          <dt>Started</dt>
          <dd>{formatTime(d.startedAt)}</dd>
          <dt>{terminal ? "Took" : "Running for"}</dt>
          <dd>
            {formatDuration(d.durationSeconds ?? (terminal ? null : Math.max(0, Math.floor(Date.now() / 1000) - (d.startedAt ?? 0))))}
          </dd>
          <dt>Logs</dt>
          <dd>
            {logs ? (
              <a href={logs} target="_blank" rel="noreferrer">
                {logs}
              </a>
            ) : (
              "—"
            )}
          </dd>
          {d.reason ? (
            <>
              <dt>Reason</dt>
              <dd className={d.status === "failed" ? "failure" : undefined}>{d.reason}</dd>
            </>
          ) : null}
        </dl>
        <div className="actions">
          {admin ? <RollbackButton deploy={d} /> : null}
          {admin ? <MarkBadControl deploy={d} /> : null}
        </div>
        <MarkHistory deployId={d.id} />
      </section>
      {d.rollbackTarget || d.rolledBackFrom.length > 0 ? (
        <section className="panel" data-testid="rollback-panel">
          <h2>Rollback</h2>
          {d.rollbackTarget ? (
            <p className="rollback">
              ↩ Rolled back to{" "}
              <a href={href.deploy(d.rollbackTarget.id)} data-testid="rollback-target-link">
                {deployTitle(d.rollbackTarget)} (#{d.rollbackTarget.id})
              </a>
            </p>
          ) : null}
          {d.rolledBackFrom.length > 0 ? (
            <p>
              Target of the rollback of{" "}
              {d.rolledBackFrom.map((r, i) => (
                <span key={r.id}>
                  {i > 0 ? ", " : ""}
                  <a href={href.deploy(r.id)}>
                    {deployTitle(r)} (#{r.id})
                  </a>
                </span>
              ))}
            </p>
          ) : null}
        </section>
      ) : null}
      <ShippedCommits deploy={d} />
      <PhaseTable events={d.events} status={d.status} />
      <div className="panels">
        <HealthPanel deploy={d} />
        <DeployPhases deployId={d.id} terminal={terminal} />
      </div>
      <CorrelationsPanel deployId={d.id} />
    </>
  );
}

/** No such deploy (say so, and where to look), or the server cannot be reached (say so; polling retries). */
function DeployUnavailable({ id, error, onRetry }: { id: number; error: unknown; onRetry(): void }) {
  const problem = describeError(error);
  return (
    <>
      <nav className="crumbs">
        <a href={href.overview()}>Environments</a> / <span>#{id}</span>
      </nav>
      {problem.code === "NOT_FOUND" ? (
        <section className="panel" data-testid="deploy-not-found">
          <h1>No deploy #{id}</h1>
          <p>
            There is no deploy #{id} in this project: the link may be from another project or mistyped. Find the deploy on its environment's
            timeline from the <a href={href.overview()}>overview</a>.
          </p>
        </section>
      ) : (
        <div data-testid="deploy-unavailable">
          <ErrorNotice error={error} what={`Loading deploy #${id}`} onRetry={onRetry} />
          <p className="muted small">The page keeps trying every few seconds and shows the deploy once the server answers.</p>
        </div>
      )}
    </>
  );
}
