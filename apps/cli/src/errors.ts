// The CLI's one error type: a message that names the cause and the fix, and a stable E_* code.
export const EXIT_CODES = {
  E_USAGE: 2,
  E_CONFIG: 3,
  E_AUTH: 4,
  E_REFUSED: 5,
  E_NOT_FOUND: 6,
  E_UNREACHABLE: 7,
  E_DATA: 8,
  E_REGRESSION: 1,
  E_INTERNAL: 10,
} as const;
export type CLIErrorCode = keyof typeof EXIT_CODES;

export class CLIError extends Error {
  override readonly name = "CLIError";
  constructor(
    message: string,
    readonly code: CLIErrorCode,
    readonly hint?: string,
  ) {
    super(message);
  }
  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** @cuitty/db's MasterKeyError (matched by name: the database code is loaded on demand, never imported here). */
export function isMasterKeyError(error: unknown): error is Error & { hint: string } {
  return error instanceof Error && error.name === "MasterKeyError";
}
