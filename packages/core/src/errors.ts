// The one error model: stable codes, their HTTP statuses, and the error class that carries them.
import type { ValidationIssue } from "./validationIssues.js";

/** Stable machine-readable codes, sent as `data.cuittyCode` on every refusal. */
export const CUITTY_CODES = {
  BAD_SIGNATURE: "BAD_SIGNATURE",
  STALE_TIMESTAMP: "STALE_TIMESTAMP",
  UNKNOWN_PROJECT: "UNKNOWN_PROJECT",
  FORBIDDEN_SCOPE: "FORBIDDEN_SCOPE",
  VALIDATION_FAILED: "VALIDATION_FAILED",
  INVALID_TRANSITION: "INVALID_TRANSITION",
  INVALID_ROLLBACK_TARGET: "INVALID_ROLLBACK_TARGET",
  NOT_FOUND: "NOT_FOUND",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "RATE_LIMITED",
  BATCH_TOO_LARGE: "BATCH_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  INTERNAL: "INTERNAL",
} as const;
export type CuittyCode = keyof typeof CUITTY_CODES;

export const HTTP_STATUS_BY_CODE: Record<CuittyCode, number> = {
  BAD_SIGNATURE: 401,
  STALE_TIMESTAMP: 401,
  UNKNOWN_PROJECT: 401,
  FORBIDDEN_SCOPE: 403,
  VALIDATION_FAILED: 400,
  INVALID_TRANSITION: 409,
  INVALID_ROLLBACK_TARGET: 409,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  BATCH_TOO_LARGE: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  INTERNAL: 500,
};

/** Codes a client may retry: the request itself was fine. */
export const RETRYABLE_CODES: readonly CuittyCode[] = ["RATE_LIMITED", "INTERNAL"];

export interface CuittyErrorDetails {
  /** Field paths for VALIDATION_FAILED, e.g. ["events.3.status"]. */
  fields?: string[];
  /** VALIDATION_FAILED: why each field was refused, one entry per problem (a field may have several). */
  issues?: ValidationIssue[];
  from?: string | null;
  to?: string;
  /** INVALID_TRANSITION of a rollback: the environment's current deploy, which superseded the one named. */
  currentDeployId?: number | null;
  serverTime?: number;
  retryAfterSeconds?: number;
}

export class CuittyError extends Error {
  override readonly name = "CuittyError";
  constructor(
    readonly code: CuittyCode,
    message: string,
    readonly details: CuittyErrorDetails = {},
  ) {
    super(message);
  }
  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

export function isCuittyCode(value: unknown): value is CuittyCode {
  return typeof value === "string" && value in CUITTY_CODES;
}
