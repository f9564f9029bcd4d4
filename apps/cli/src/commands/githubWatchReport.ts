// What `cuitty github watch` prints: recorded transitions as lines, and the SDK's errors as fatal CLI errors
// or warnings.
import type { CuittyClientError } from "@cuitty/sdk";
import type { Connection } from "../config.js";
import { CLIError } from "../errors.js";
import { paint } from "../output.js";

/** The flags an error message names. */
interface WatchTarget {
  repo: string;
  workflow?: string;
  githubApiUrl?: string;
}

/** One transition as the server recorded it (printed as a line, or as a JSON line with --json). */
export interface WatchTransition {
  type: "transition";
  deployId: number;
  key: string;
  environment: string;
  from: string | null;
  to: string;
  reason: string | null;
  eventId: string | null;
  occurredAt: number | null;
  commitSha: string | null;
  branch: string | null;
  buildLogsUrl: string | null;
  triggeredBy: string | null;
}

const STATUS_STYLE = { live: "green", failed: "red", rolled_back: "yellow" } as const;

export function formatTransition(t: WatchTransition): string {
  const to = STATUS_STYLE[t.to as keyof typeof STATUS_STYLE] ? paint(STATUS_STYLE[t.to as keyof typeof STATUS_STYLE], t.to) : t.to;
  const where = [t.branch, t.commitSha?.slice(0, 7)].filter(Boolean).join(" ");
  return [
    new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    `#${t.deployId}`,
    t.environment,
    t.key,
    `${t.from ?? "new"} → ${to}${t.reason ? ` (${t.reason})` : ""}`,
    where,
  ]
    .filter(Boolean)
    .join("  ");
}

/** What the SDK reports through onError, for this command: fatal (stop, exit with this error) or a warning. */
export function classify(error: CuittyClientError, flags: WatchTarget, conn: Connection): CLIError | undefined {
  switch (error.code) {
    case "GITHUB_AUTH":
      return new CLIError(
        `GitHub refused the token for ${flags.repo} (401 Bad credentials)`,
        "E_AUTH",
        'pass a valid token with --token or GITHUB_TOKEN: a fine-grained token with "Actions: read" on the repository, or a classic token with the repo scope',
      );
    case "GITHUB_NOT_FOUND":
      return new CLIError(
        `GitHub has no repository ${flags.repo}${flags.workflow ? ` with workflow ${flags.workflow}` : ""} visible to this token (404)`,
        "E_NOT_FOUND",
        `check --repo (owner/name)${flags.workflow ? ", --workflow (the file name under .github/workflows, e.g. deploy.yml)" : ""} and that the token can read the repository${flags.githubApiUrl ? `, and --github-api-url (GitHub Enterprise: https://HOST/api/v3)` : ""}`,
      );
    case "BAD_SIGNATURE":
    case "UNKNOWN_PROJECT":
    case "STALE_TIMESTAMP":
    case "FORBIDDEN_SCOPE":
      return new CLIError(
        `the Cuitty server refused to record transitions: ${error.message} [${error.code}]`,
        "E_AUTH",
        `use an ingest (or admin) key of project ${conn.projectId} in CUITTY_API_KEY (\`cuitty keys create --scope ingest\`), and check this machine's clock`,
      );
    case "CONFIG":
      return new CLIError(error.message, "E_CONFIG", "check the options (run `cuitty github watch --help`)");
    default:
      return undefined;
  }
}

export function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string } })?.cause;
  if (cause?.code) return cause.code;
  if ((error as Error)?.name === "TimeoutError") return "no answer in time";
  return (error as Error)?.message ?? String(error);
}
