// Retries a database call refused because the file is locked by another process (SQLITE_BUSY), or, on a
// libSQL server, by a concurrent transaction: both clear within milliseconds, and a worker must not lose its step.
const TRANSIENT = new Set(["TRANSACTION_ACTIVE", "SQLITE_BUSY", "SQLITE_LOCKED"]);

function isTransientDbError(error: unknown): boolean {
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
