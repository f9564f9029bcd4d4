// Maps every way a call can fail to one CLIError: the cause, the fix and a stable E_* code.
import { TRPCClientError } from "@trpc/client";
import { type CuittyCode, ORG_PROJECT, RETRYABLE_CODES, cuittyErrorOf } from "@cuitty/core";
import { NotCuittyError, UnreachableError } from "./client.js";
import type { Connection } from "./config.js";
import { CLIError } from "./errors.js";

/** The server's stable code, if the error is a refusal from a Cuitty server. */
export function cuittyCodeOf(error: unknown): CuittyCode | undefined {
  return cuittyErrorOf(error)?.cuittyCode;
}

function transportCause(error: unknown): unknown {
  return error instanceof TRPCClientError ? (error.cause ?? error) : error;
}

/** True when the tracking service is down or overloaded, as opposed to refusing this request. */
export function isOutage(error: unknown): boolean {
  const code = cuittyCodeOf(error);
  if (code) return RETRYABLE_CODES.includes(code);
  return transportCause(error) instanceof UnreachableError;
}

export function toCLIError(error: unknown, conn: Connection): CLIError {
  if (error instanceof CLIError) return error;
  const cause = transportCause(error);
  if (cause instanceof UnreachableError) {
    return new CLIError(
      `cannot reach the Cuitty server at ${conn.portalUrl} (${cause.message})`,
      "E_UNREACHABLE",
      "check CUITTY_PORTAL_URL and that the server is running",
    );
  }
  if (cause instanceof NotCuittyError) {
    return new CLIError(
      `${conn.portalUrl} answered HTTP ${cause.status}, not like a Cuitty server`,
      "E_CONFIG",
      "CUITTY_PORTAL_URL should be the address `cuitty serve` prints, without /trpc",
    );
  }
  const data = cuittyErrorOf(error);
  const code = data?.cuittyCode;
  const message = error instanceof Error ? error.message : String(error);
  if (conn.projectId === ORG_PROJECT && (code === "BAD_SIGNATURE" || code === "FORBIDDEN_SCOPE")) {
    return new CLIError(
      `the server refused the key for the organisation's view: ${message}`,
      "E_AUTH",
      "use an organisation key (`cuitty keys create --org --scope read` on the server); a project key sees only its project",
    );
  }
  switch (code) {
    case "BAD_SIGNATURE":
      return new CLIError(
        `the server refused the API key: ${message}`,
        "E_AUTH",
        `check that CUITTY_API_KEY is a key of project ${conn.projectId}, copied whole (\`cuitty keys create\` shows it once)`,
      );
    case "UNKNOWN_PROJECT":
      return new CLIError(
        `the server does not know project ${conn.projectId}`,
        "E_AUTH",
        "check CUITTY_PROJECT_ID (see `cuitty projects list` on the server)",
      );
    case "STALE_TIMESTAMP":
      return new CLIError(
        `the server refused the request's time: ${message}`,
        "E_AUTH",
        "this machine's clock is more than 5 minutes off; sync it (e.g. with NTP)",
      );
    case "FORBIDDEN_SCOPE":
      return new CLIError(
        `the API key may not do this: ${message}`,
        "E_AUTH",
        "use an ingest key to report deploys, a read key to list them, an admin key to roll back (`cuitty keys create --scope …`)",
      );
    case "INVALID_TRANSITION": {
      const from = data?.from ?? "(new)";
      if (data?.currentDeployId !== undefined) {
        return new CLIError(
          `the server refused to move the deploy from ${from} to ${data.to ?? "?"}: ${message}`,
          "E_REFUSED",
          "only the deploy in charge of an environment can be rolled back: `cuitty rollback --env NAME` rolls back its current deploy",
        );
      }
      return new CLIError(
        `the server refused to move the deploy from ${from} to ${data?.to ?? "?"}: ${message}`,
        "E_REFUSED",
        "deploys only move forward (initiated → building → deploying → live or failed; live or failed → rolled_back); a re-run needs a new --deploy key",
      );
    }
    case "INVALID_ROLLBACK_TARGET":
      return new CLIError(
        `the rollback target was refused: ${message}`,
        "E_REFUSED",
        "pick a deploy of the same environment that went live before the one rolled back (see `cuitty deploys --env NAME --status live`)",
      );
    case "VALIDATION_FAILED":
      return new CLIError(
        `the server refused the input: ${message}`,
        "E_USAGE",
        data?.fields?.length ? `correct ${data.fields.join(", ")}` : "check the options (run with --help)",
      );
    case "NOT_FOUND":
      return new CLIError(message, "E_NOT_FOUND", "list what exists with `cuitty deploys` or `cuitty status`");
    case "PAYLOAD_TOO_LARGE":
      return new CLIError(`the request is too large: ${message}`, "E_USAGE", "shorten --reason and the other texts");
    case "RATE_LIMITED":
      return new CLIError(
        `the server is rate limiting this project: ${message}`,
        "E_REFUSED",
        `wait ${data?.retryAfterSeconds ?? "a few"} seconds and try again`,
      );
    case "INTERNAL":
      return new CLIError(`the server failed: ${message}`, "E_INTERNAL", "the server log has the details");
    default:
      return new CLIError(`unexpected error talking to ${conn.portalUrl}: ${message}`, "E_INTERNAL");
  }
}

/** Runs one call, turning any failure into a CLIError (for commands without outage tolerance). */
export async function call<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toCLIError(error, conn);
  }
}
