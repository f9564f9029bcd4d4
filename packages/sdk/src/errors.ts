// What the SDK reports through `onError`: a stable code, a message naming the cause, and what it concerned.

/** Codes of the server (`data.cuittyCode`) plus the SDK's own: NETWORK, CONFIG, QUEUE_OVERFLOW, UNDELIVERED, GITHUB_*. */
export type CuittyClientErrorCode = string;

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
