// HMAC request authentication of DESIGN §4: project, timestamp window, signature over any active key, scope.
import {
  CuittyError,
  HEADER_PROJECT,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  MAX_CLOCK_SKEW_SECONDS,
  verify,
} from "@cuitty/core";
import { type ApiKeyScope, findActiveKeys } from "@cuitty/db";
import type { Context } from "./context.js";

export interface Principal {
  projectId: string;
  keyId: string;
  scope: ApiKeyScope;
}

/** Which key scopes may call a procedure that needs `required`. */
const GRANTS: Record<ApiKeyScope, readonly ApiKeyScope[]> = {
  ingest: ["ingest", "admin"],
  read: ["read", "admin"],
  admin: ["admin"],
};

export async function authenticate(ctx: Context, required: ApiKeyScope): Promise<Principal> {
  const { headers } = ctx.req;
  const projectId = headers.get(HEADER_PROJECT);
  const timestampHeader = headers.get(HEADER_TIMESTAMP);
  const signature = headers.get(HEADER_SIGNATURE);
  if (!projectId) throw new CuittyError("UNKNOWN_PROJECT", `missing ${HEADER_PROJECT} header`);
  if (!signature) throw new CuittyError("BAD_SIGNATURE", `missing ${HEADER_SIGNATURE} header`);
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader)) {
    throw new CuittyError("STALE_TIMESTAMP", `${HEADER_TIMESTAMP} must be unix seconds; server time is ${ctx.now()}`, {
      serverTime: ctx.now(),
    });
  }
  const timestamp = Number(timestampHeader);
  const now = ctx.now();
  if (Math.abs(now - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
    throw new CuittyError(
      "STALE_TIMESTAMP",
      `timestamp ${timestamp} is more than ${MAX_CLOCK_SKEW_SECONDS} s from server time ${now}; check the client's clock`,
      { serverTime: now },
    );
  }
  const { projectExists, keys } = await findActiveKeys(ctx.db, projectId);
  if (!projectExists) throw new CuittyError("UNKNOWN_PROJECT", `project ${projectId} does not exist`);
  for (const key of keys) {
    const ok = await verify({
      apiKey: key.secret,
      timestamp,
      method: ctx.req.method,
      pathAndQuery: ctx.req.pathAndQuery,
      body: ctx.req.body,
      signature,
    });
    if (!ok) continue;
    if (!GRANTS[required].includes(key.scope)) {
      throw new CuittyError("FORBIDDEN_SCOPE", `this call needs a key with ${required} scope; this key has ${key.scope}`);
    }
    return { projectId, keyId: key.keyId, scope: key.scope };
  }
  throw new CuittyError(
    "BAD_SIGNATURE",
    `signature matches no active key of project ${projectId}; sign timestamp, METHOD, path and raw body joined by newlines, with the key as issued`,
  );
}
