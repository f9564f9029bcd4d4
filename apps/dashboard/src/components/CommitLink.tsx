// A commit's short SHA, linked to the repository when the logs link tells which one it is.
import { commitUrl, shortSha } from "../format.js";

export function CommitLink({ commitSha, buildLogsUrl }: { commitSha: string | null; buildLogsUrl: string | null }) {
  if (!commitSha) return <span className="muted">no commit</span>;
  const url = commitUrl(commitSha, buildLogsUrl);
  return url ? (
    <a className="mono" href={url} target="_blank" rel="noreferrer" title={commitSha}>
      {shortSha(commitSha)}
    </a>
  ) : (
    <span className="mono" title={commitSha}>
      {shortSha(commitSha)}
    </span>
  );
}
