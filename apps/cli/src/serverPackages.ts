// `serve` and local administration need @cuitty/server and @cuitty/db, optional peers of the CLI: loaded on
// demand, so client commands never pay for them, and named with the fix when they are not installed.
import { CLIError } from "./errors.js";

export type ServerModule = typeof import("@cuitty/server");
export type DbModule = typeof import("@cuitty/db");

const INSTALL_FIX =
  "install the server beside the CLI: `npm install --global @cuitty/cli @cuitty/server` (or `npm install @cuitty/server` next to a local @cuitty/cli)";

/** True when the package itself is absent, not when something it imports is broken. */
function isMissing(error: unknown, name: string): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  return e?.code === "ERR_MODULE_NOT_FOUND" && String(e.message).includes(`'${name}'`);
}

async function loadOptional<T>(name: string, load: () => Promise<T>, purpose: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, name)) throw new CLIError(`${purpose} needs the ${name} package, which is not installed`, "E_CONFIG", INSTALL_FIX);
    throw error;
  }
}

/** `purpose` says who needs it, e.g. "`cuitty serve`". */
export function loadServer(purpose: string): Promise<ServerModule> {
  return loadOptional("@cuitty/server", () => import("@cuitty/server"), purpose);
}

export function loadDb(purpose: string): Promise<DbModule> {
  return loadOptional("@cuitty/db", () => import("@cuitty/db"), purpose);
}
