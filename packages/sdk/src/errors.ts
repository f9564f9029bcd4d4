// What the SDK reports through `onError`: a stable code, a message naming the cause, and what it concerned.
import type { CuittyCode } from "@cuitty/core";

/** The SDK's own codes, for failures that are not a server's refusal. */
const SDK_ERROR_CODES = [
  "NETWORK",
  "HTTP_ERROR",
  "CONFIG",
  "CLOSED",
  "QUEUE_OVERFLOW",
  "UNDELIVERED",
  "PLUGIN",
  "GITHUB_AUTH",
  "GITHUB_NOT_FOUND",
  "GITHUB_RATE_LIMITED",
  "GITHUB_UNAVAILABLE",
] as const;

/** Codes of the server (`data.cuittyCode`) plus the SDK's own. */
export type CuittyClientErrorCode = CuittyCode | (typeof SDK_ERROR_CODES)[number];

export class CuittyClientError extends Error {
  override readonly name = "CuittyClientError";
  constructor(
    readonly code: CuittyClientErrorCode,
    message: string,
    readonly details: {
      /** The items (events, entries) this error is about, when any. */
      items?: unknown[];
      /** The plugin that reported it. */
      plugin?: string;
      /** Field paths of a VALIDATION_FAILED refusal. */
      fields?: string[];
      httpStatus?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: details.cause });
  }
}
