// Retries a database call refused because the module's one connection is held by a transaction or the file is
// locked by another process: both clear within milliseconds, and the worker must not lose its step for them.
const TRANSIENT = new Set(["TRANSACTION_ACTIVE", "SQLITE_BUSY", "SQLITE_LOCKED"]);

export function isTransientDbError(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export async function retryBusy<T>(fn: () => Promise<T>, attempts = 40): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts || !isTransientDbError(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.min(5 * i, 50)));
    }
  }
}
