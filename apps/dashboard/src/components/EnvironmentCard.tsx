// One environment at a glance: the current deploy, its health, the last failure and the last rollback.
import { deployTitle, isBrokenRun } from "@cuitty/core";
import { skipToken, useQuery } from "@tanstack/react-query";
import { formatAgo, formatTime } from "../format.js";
import { POLL_MS } from "../poll.js";
import { href } from "../route.js";
import { type Deploy, useTRPC } from "../trpc.js";
import { CommitLink } from "./CommitLink.js";
import { HealthBadge, StatusBadge } from "./StatusBadge.js";

const FAILURES_SCANNED = 20;

export function EnvironmentCard({
  environment,
  deploy,
  healthChecked,
}: {
  environment: string;
  deploy: Deploy | null;
  /** Whether the environment has a health-check URL (undefined while settings load). */
  healthChecked?: boolean;
}) {
  const trpc = useTRPC();
  const opts = { refetchInterval: POLL_MS };
  // Enough failed runs to look past a few cancelled or skipped ones, which are not failures of a change.
  const lastFailure = useQuery(trpc.deploys.list.queryOptions({ environment, status: "failed", limit: FAILURES_SCANNED }, opts));
  const lastRollback = useQuery(trpc.deploys.list.queryOptions({ environment, status: "rolled_back", limit: 1 }, opts));
  const failure = lastFailure.data?.items.find(isBrokenRun);
  const rollback = lastRollback.data?.items[0];
  const rollbackDetail = useQuery(trpc.deploys.get.queryOptions(rollback ? { id: rollback.id } : skipToken));
  const target = rollbackDetail.data?.rollbackTarget;

  return (
    <article className="panel card" data-testid={`env-card-${environment}`} data-environment={environment}>
      <header className="card-head">
        <h2>
          <a href={href.timeline(environment)}>{environment}</a>
        </h2>
        {deploy ? (
          <HealthBadge
            health={deploy.healthStatus}
            testId="env-health"
            label={deploy.healthStatus === "unknown" && healthChecked === false ? "not checked" : undefined}
          />
        ) : null}
      </header>
      {deploy ? (
        <div className="current" data-testid="current-deploy">
          <div className="current-version">
            <a href={href.deploy(deploy.id)} data-testid="deploy-title">
              {deployTitle(deploy)}
            </a>{" "}
            <StatusBadge status={deploy.status} />
            {deploy.markedBadAt != null ? <span className="badge bad-badge">✕ marked bad</span> : null}
          </div>
          <dl className="facts">
            <dt>Commit</dt>
            <dd>
              <CommitLink commitSha={deploy.commitSha} buildLogsUrl={deploy.buildLogsUrl} />
            </dd>
            <dt>Branch</dt>
            <dd>{deploy.branch ?? "—"}</dd>
            <dt>By</dt>
            <dd>{deploy.triggeredBy ?? "—"}</dd>
            <dt>Live since</dt>
            <dd title={formatTime(deploy.liveAt ?? deploy.completedAt)}>{formatAgo(deploy.liveAt ?? deploy.completedAt)}</dd>
          </dl>
        </div>
      ) : (
        <p className="muted">Nothing live here yet.</p>
      )}
      <ul className="card-history">
        <li data-testid="last-failure">
          <span className="label">Last failure</span>
          {failure ? (
            <a href={href.deploy(failure.id)} className="failure">
              {deployTitle(failure)} · {formatAgo(failure.completedAt ?? failure.startedAt)}
              {failure.reason ? ` · ${failure.reason}` : ""}
            </a>
          ) : (
            <span className="muted">none</span>
          )}
        </li>
        <li data-testid="last-rollback">
          <span className="label">Last rollback</span>
          {rollback ? (
            <a href={href.deploy(rollback.id)} className="rollback">
              {deployTitle(rollback)} → {target ? deployTitle(target) : `#${rollback.rollbackTargetId}`} · {formatAgo(rollback.updatedAt)}
            </a>
          ) : (
            <span className="muted">none</span>
          )}
        </li>
      </ul>
      <span className="card-more">
        <a href={href.timeline(environment)}>Timeline →</a> <a href={href.metrics(environment)}>Metrics →</a>
      </span>
    </article>
  );
}
