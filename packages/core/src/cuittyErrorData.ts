// The refusal every client reads: `error.data` as the server's error formatter sends it, and the one guard that narrows to it.
import { type CuittyCode, type CuittyErrorDetails, isCuittyCode } from "./errors.js";

/**
 * `error.data` of every refusal (design §4): the formatter in `@cuitty/api` returns exactly this type, so
 * `TRPCClientError<AppRouter>["data"]` is it too.
 */
export type CuittyErrorData = CuittyErrorDetails & {
  /** tRPC's own code, e.g. "BAD_REQUEST". */
  code: string;
  httpStatus: number;
  path?: string;
  cuittyCode: CuittyCode;
};

/** An error (a `TRPCClientError` from any client) that carries a Cuitty server's refusal. */
export type CuittyRefusal = Error & { readonly data: CuittyErrorData };

/** True when the call reached a Cuitty server and it refused; a network failure or a proxy's page is not one. */
export function isCuittyError(error: unknown): error is CuittyRefusal {
  if (!(error instanceof Error) || !("data" in error)) return false;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null && "cuittyCode" in data && isCuittyCode(data.cuittyCode);
}

/** The refusal's data, or undefined when the error is not a Cuitty refusal. */
export function cuittyErrorOf(error: unknown): CuittyErrorData | undefined {
  return isCuittyError(error) ? error.data : undefined;
}
