// One deploy in a timeline: status, version, commit, branch, actor, times, logs, and its rollback arrow.
import { deployTitle } from "@cuitty/core";
import { memo } from "react";
import { formatAgo, formatDuration, formatTime, safeUrl } from "../format.js";
import { href } from "../route.js";
import type { Segment } from "../rollbackLinks.js";
import type { TimelineDeploy } from "../trpc.js";
import { CommitLink } from "./CommitLink.js";
import { RollbackButton } from "./RollbackButton.js";
import { StatusBadge } from "./StatusBadge.js";

interface Props {
  deploy: TimelineDeploy;
  segments: Segment[];
  target: TimelineDeploy | undefined;
  rolledBackBy: TimelineDeploy[];
  admin: boolean;
}

export const TimelineRow = memo(function TimelineRow({ deploy: d, segments, target, rolledBackBy, admin }: Props) {
  const logs = safeUrl(d.buildLogsUrl);
  return (
    <li
      id={`deploy-${d.id}`}
      className={`row row-${d.status}${d.current ? " row-current" : ""}`}
      data-testid="timeline-row"
      data-deploy-id={d.id}
      data-status={d.status}
    >
      <div className="rail" aria-hidden="true">
        {segments.map((s, i) => (
          <span key={i} className={`lane${s ? ` seg-${s}` : ""}`} />
        ))}
      </div>
      <div className="row-main">
        <div className="row-title">
          <StatusBadge status={d.status} />
          <a className="version" href={href.deploy(d.id)} data-testid="deploy-title">
            {deployTitle(d)}
          </a>
          <span className="muted small">#{d.id}</span>
          {d.current ? <span className="badge current-badge">current</span> : null}
          {d.markedBadAt != null ? (
            <span className="badge bad-badge" data-testid="marked-bad-badge">
              ✕ marked bad
            </span>
          ) : null}
        </div>
        <dl className="row-facts" data-testid="row-facts">
          <div>
            <dt>commit</dt>
            <dd>
              <CommitLink commitSha={d.commitSha} buildLogsUrl={d.buildLogsUrl} />
            </dd>
          </div>
          <div>
            <dt>branch</dt>
            <dd>{d.branch ?? "—"}</dd>
          </div>
          <div>
            <dt>by</dt>
            <dd>{d.triggeredBy ?? "—"}</dd>
          </div>
          <div>
            <dt>started</dt>
            <dd title={formatTime(d.startedAt)}>{formatAgo(d.startedAt)}</dd>
          </div>
          <div>
            <dt>took</dt>
            <dd>{formatDuration(d.durationSeconds)}</dd>
          </div>
          {d.commitCount > 0 ? (
            <div>
              <dt>shipped</dt>
              <dd title="Commits shipped" data-testid="commit-count">
                {d.commitCount} commit{d.commitCount === 1 ? "" : "s"}
              </dd>
            </div>
          ) : null}
          {logs ? (
            <div>
              <dd>
                <a href={logs} target="_blank" rel="noreferrer">
                  build logs
                </a>
              </dd>
            </div>
          ) : null}
        </dl>
        {d.status === "failed" && d.reason ? <p className="row-reason failure">Failed: {d.reason}</p> : null}
        {d.status === "rolled_back" && d.rollbackTargetId != null ? (
          <p className="row-reason rollback">
            ↩ Rolled back to{" "}
            <a href={href.deploy(d.rollbackTargetId)} data-testid="rollback-link" data-target-id={d.rollbackTargetId}>
              {target ? `${deployTitle(target)} (#${target.id})` : `#${d.rollbackTargetId}`}
            </a>
            {d.reason ? ` — ${d.reason}` : ""}
          </p>
        ) : null}
        {d.markedBadAt != null ? (
          <p className="row-reason failure" data-testid="marked-bad-reason">
            Marked bad{d.markedBadByName ? ` by ${d.markedBadByName}` : ""}
            {d.markedBadReason ? `: ${d.markedBadReason}` : ""}
          </p>
        ) : null}
        {rolledBackBy.length > 0 ? (
          <p className="row-reason muted small">Rollback target of {rolledBackBy.map((r) => `${deployTitle(r)} (#${r.id})`).join(", ")}</p>
        ) : null}
        {admin && d.current ? <RollbackButton deploy={d} /> : null}
      </div>
    </li>
  );
});
