// The one table from Cuitty codes to tRPC codes, and the reverse classification of any thrown error.
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { type CuittyCode, CuittyError, type CuittyErrorDetails, zodFieldPaths, zodIssues, zodMessage } from "@cuitty/core";

export const TRPC_CODE_BY_CUITTY_CODE: Record<CuittyCode, TRPC_ERROR_CODE_KEY> = {
  BAD_SIGNATURE: "UNAUTHORIZED",
  STALE_TIMESTAMP: "UNAUTHORIZED",
  UNKNOWN_PROJECT: "UNAUTHORIZED",
  FORBIDDEN_SCOPE: "FORBIDDEN",
  VALIDATION_FAILED: "BAD_REQUEST",
  INVALID_TRANSITION: "CONFLICT",
  INVALID_ROLLBACK_TARGET: "CONFLICT",
  NOT_FOUND: "NOT_FOUND",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  BATCH_TOO_LARGE: "BAD_REQUEST",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  METHOD_NOT_ALLOWED: "METHOD_NOT_SUPPORTED",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** tRPC's own refusals (before our code runs) mapped to ours. */
const CUITTY_CODE_BY_TRPC_CODE: Partial<Record<TRPC_ERROR_CODE_KEY, CuittyCode>> = {
  PARSE_ERROR: "VALIDATION_FAILED",
  BAD_REQUEST: "VALIDATION_FAILED",
  METHOD_NOT_SUPPORTED: "VALIDATION_FAILED",
  NOT_FOUND: "NOT_FOUND",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

export function toTRPCError(error: CuittyError): TRPCError {
  return new TRPCError({ code: TRPC_CODE_BY_CUITTY_CODE[error.code], message: error.message, cause: error });
}

export interface ClassifiedError {
  cuittyCode: CuittyCode;
  message: string;
  details: CuittyErrorDetails;
}

/** What a client is told about any error: our code, a safe message, details. Never a stack. */
export function classifyError(error: TRPCError): ClassifiedError {
  const cause = error.cause;
  if (cause instanceof CuittyError) return { cuittyCode: cause.code, message: cause.message, details: cause.details };
  if (cause instanceof ZodError) {
    return {
      cuittyCode: "VALIDATION_FAILED",
      message: zodMessage(cause),
      details: { fields: zodFieldPaths(cause), issues: zodIssues(cause) },
    };
  }
  const mapped = CUITTY_CODE_BY_TRPC_CODE[error.code];
  if (mapped) {
    const message = error.code === "PARSE_ERROR" ? "request body is not valid JSON" : error.message;
    return { cuittyCode: mapped, message, details: {} };
  }
  return { cuittyCode: "INTERNAL", message: "internal error; the server log has the details", details: {} };
}

/** A refusal that names fields without saying why per field: each field gets the whole message as its issue. */
export function withIssues({ message, details }: Pick<ClassifiedError, "message" | "details">): CuittyErrorDetails {
  if (details.issues || !details.fields) return details;
  return { ...details, issues: details.fields.map((path) => ({ path, message, code: "custom" })) };
}
