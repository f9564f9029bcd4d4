// What failed, said plainly: tRPC errors (with data.cuittyCode) and network failures turned into sentences.
import { TRPCClientError } from "@trpc/client";
import { cuittyErrorOf } from "@cuitty/core";

export interface Problem {
  code: string;
  message: string;
  /** The session's key itself is refused: sign in again. */
  auth: boolean;
  /** The server's HTTP status, when it answered. */
  httpStatus?: number;
}

export function describeError(error: unknown, projectId?: string): Problem {
  const problem = describe(error, projectId);
  const httpStatus = cuittyErrorOf(error)?.httpStatus;
  return httpStatus === undefined ? problem : { ...problem, httpStatus };
}

function describe(error: unknown, projectId?: string): Problem {
  if (error instanceof TRPCClientError) {
    const code = cuittyErrorOf(error)?.cuittyCode ?? "UNKNOWN";
    const project = projectId === "org" ? "the organisation (an organisation key)" : projectId ? `project "${projectId}"` : "this project";
    switch (code) {
      case "BAD_SIGNATURE":
        return { code, auth: true, message: `Wrong key: it is not an active key of ${project}. Check for a typo or a revoked key.` };
      case "UNKNOWN_PROJECT":
        return { code, auth: true, message: `There is no ${project} on this server. Check the project id.` };
      case "FORBIDDEN_SCOPE":
        return {
          code,
          auth: true,
          message: `This key may not read deploys (it is probably an ingest key). Sign in with a read or admin key.`,
        };
      case "STALE_TIMESTAMP":
        return { code, auth: true, message: `This computer's clock is off from the server's: ${error.message}` };
      case "RATE_LIMITED":
        return { code, auth: false, message: "The server is rate-limiting this project; the dashboard retries shortly." };
      case "UNKNOWN":
        if (!error.data) return { code: "NETWORK", auth: false, message: `Could not reach the server (${error.message}).` };
        return { code, auth: false, message: error.message };
      default:
        return { code, auth: false, message: error.message };
    }
  }
  return { code: "UNKNOWN", auth: false, message: error instanceof Error ? error.message : String(error) };
}
