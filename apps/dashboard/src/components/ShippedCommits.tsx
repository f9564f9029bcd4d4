// "What changed": the commits a deploy shipped, oldest first, each with its lead time to the deploy's go-live.
import { formatSpan, formatTime } from "../format.js";
import type { Outputs } from "../trpc.js";
import { CommitLink } from "./CommitLink.js";

type Deploy = Outputs["deploys"]["get"];

export function ShippedCommits({ deploy: d }: { deploy: Deploy }) {
  return (
    <section className="panel" data-testid="shipped-commits">
      <h2>What changed</h2>
      {d.commits.length === 0 ? (
        <p className="muted small">
          The deploy listed no commits{d.commitSha ? "; it stands for its head commit" : ""}. The CLI in CI (with the git history) and the
          GitHub provider send them.
        </p>
      ) : (
        <>
          <p className="muted small">
            {d.commits.length} commit{d.commits.length === 1 ? "" : "s"} shipped, oldest first
            {d.liveAt != null ? "; lead time is commit → this go-live" : ""}.
          </p>
          <ol className="commit-list">
            {d.commits.map((c) => (
              <li key={c.sha} data-testid="shipped-commit" data-sha={c.sha}>
                <CommitLink commitSha={c.sha} buildLogsUrl={d.buildLogsUrl} />{" "}
                <span className="muted small">{formatTime(c.committedAt)}</span>
                {d.liveAt != null ? <span className="small"> · {formatSpan(Math.max(0, d.liveAt - c.committedAt))}</span> : null}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
