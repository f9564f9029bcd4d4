// An error state that says what failed and what the server answered.
import { describeError } from "../errors.js";

export function ErrorNotice({
  error,
  what,
  projectId,
  onRetry,
}: {
  error: unknown;
  what: string;
  projectId?: string;
  onRetry?: () => void;
}) {
  const problem = describeError(error, projectId);
  return (
    <div className="notice notice-error" role="alert">
      <strong>{what} failed.</strong> {problem.message}
      {problem.code !== "UNKNOWN" && problem.code !== "NETWORK" ? <code className="code-tag">{problem.code}</code> : null}
      {onRetry ? (
        <button type="button" className="linkish" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
