// Parses an HTTP request target without trusting it: what the router routes on, and the exact bytes a client signed.
import { CuittyError } from "@cuitty/core";

export interface RequestTarget {
  /** For routing only: WHATWG parsing re-encodes some characters (e.g. `'` → `%27`). */
  url: URL;
  /** Path and query exactly as received, which is what signatures cover. */
  pathAndQuery: string;
}

const ABSOLUTE = /^https?:\/\/[^/?#]*/i;

function refuse(): never {
  throw new CuittyError("VALIDATION_FAILED", "the request target must be a path starting with a single / (or an absolute http:// URL)");
}

/**
 * Origin form (`/trpc/x?input=…`) or absolute form (`http://host/trpc/x`, as proxies may send). Anything else,
 * including `//host/…` (which URL parsing would read as a host) and `*`, is refused with VALIDATION_FAILED.
 */
export function parseRequestTarget(target: string): RequestTarget {
  let pathAndQuery: string;
  if (target.startsWith("/") && !target.startsWith("//")) pathAndQuery = target;
  else {
    const authority = ABSOLUTE.exec(target);
    if (!authority) refuse();
    try {
      new URL(target);
    } catch {
      refuse();
    }
    const rest = target.slice(authority[0].length);
    pathAndQuery = rest.startsWith("/") ? rest : `/${rest}`;
    if (pathAndQuery.startsWith("//")) refuse();
  }
  try {
    return { url: new URL(`http://localhost${pathAndQuery}`), pathAndQuery };
  } catch {
    return refuse();
  }
}
