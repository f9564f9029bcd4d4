// HMAC request authentication of docs/design.md §4: project, timestamp window, signature over any active key, scope.
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  CuittyError,
  HEADER_PROJECT,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  MAX_CLOCK_SKEW_SECONDS,
  ORG_PROJECT,
  SIGNATURE_VERSION,
  signingBytes,
} from "@cuitty/core";
import { type ApiKeyScope, findActiveKeys } from "@cuitty/db";
import type { Context } from "./context.js";
import { matchOrgKey } from "./orgAuth.js";

export interface Principal {
  projectId: string;
  keyId: string;
  scope: ApiKeyScope;
  /** Signed with an organisation key acting in this project (README, Organisation keys). */
  org?: true;
}

const SIGNATURE_HEADER = new RegExp(`^${SIGNATURE_VERSION}=([0-9a-f]{64})$`);

/** The MAC of a `v1=<64 hex>` header, or null when the header is malformed. */
function parseSignature(header: string): Buffer | null {
  const match = SIGNATURE_HEADER.exec(header);
  return match ? Buffer.from(match[1]!, "hex") : null;
}

/**
 * The server checks with node:crypto rather than core's Web Crypto verify(): same signing bytes,
 * same constant-time comparison, but synchronous and about ten times cheaper per key, which
 * matters because a project's every active key may have to be tried.
 */
export function macMatches(apiKey: string, signed: Uint8Array, given: Buffer): boolean {
  const expected = createHmac("sha256", apiKey).update(signed).digest();
  return timingSafeEqual(expected, given);
}

/** Which key scopes may call a procedure that needs `required`. */
const GRANTS: Record<ApiKeyScope, readonly ApiKeyScope[]> = {
  ingest: ["ingest", "admin"],
  read: ["read", "admin"],
  admin: ["admin"],
};

/** A request's project header, signed bytes and MAC, once the headers and the timestamp window check out. */
export function readSignedRequest(ctx: Context): { projectId: string; signed: Uint8Array; given: Buffer | null } {
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
  const signed = signingBytes({ timestamp, method: ctx.req.method, pathAndQuery: ctx.req.pathAndQuery, body: ctx.req.body });
  return { projectId, signed, given: parseSignature(signature) };
}

/** Charges the bucket (only once a signature verified) and checks the key's scope. */
export function admit(ctx: Context, bucket: string, scope: ApiKeyScope, required: ApiKeyScope): void {
  // Charged only now, so nobody who merely knows a project id can spend its budget.
  const wait = ctx.limits?.chargeProject(bucket) ?? 0;
  if (wait > 0) {
    const whose = bucket === ORG_PROJECT ? "the organisation procedures" : `project ${bucket}`;
    throw new CuittyError("RATE_LIMITED", `too many requests for ${whose}; retry in ${wait} s`, { retryAfterSeconds: wait });
  }
  if (!GRANTS[required].includes(scope)) {
    throw new CuittyError("FORBIDDEN_SCOPE", `this call needs a key with ${required} scope; this key has ${scope}`);
  }
}

/** The key that signed each project's last verified request (bounded: past it, the oldest is forgotten). */
const lastKeyIds = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

function rememberKey(projectId: string, keyId: string): void {
  lastKeyIds.delete(projectId);
  if (lastKeyIds.size >= MAX_REMEMBERED) lastKeyIds.delete(lastKeyIds.keys().next().value!);
  lastKeyIds.set(projectId, keyId);
}

export async function authenticate(ctx: Context, required: ApiKeyScope): Promise<Principal> {
  const { projectId, signed, given } = readSignedRequest(ctx);
  if (projectId === ORG_PROJECT) {
    throw new CuittyError(
      "UNKNOWN_PROJECT",
      `${HEADER_PROJECT}: ${ORG_PROJECT} calls only org.* procedures; name a project id to call this one with an organisation key`,
    );
  }
  const { projectExists, keys } = await findActiveKeys(ctx.db, projectId);
  if (!projectExists) throw new CuittyError("UNKNOWN_PROJECT", `project ${projectId} does not exist`);
  // At most one key's MAC matches, so the order they are tried in changes nothing but the cost: the key that
  // signed the project's last request goes first (a client signs its requests with one key).
  const last = lastKeyIds.get(projectId);
  const first = last === undefined ? -1 : keys.findIndex((k) => k.keyId === last);
  for (let i = -1; i < keys.length; i++) {
    if (i === first) continue;
    const key = keys[i === -1 ? first : i];
    if (!key || !given || !macMatches(key.secret, signed, given)) continue;
    if (i !== -1) rememberKey(projectId, key.keyId);
    admit(ctx, projectId, key.scope, required);
    return { projectId, keyId: key.keyId, scope: key.scope };
  }
  // Not one of the project's keys: an organisation key acts in any project as a key of its scope.
  const orgKey = given ? await matchOrgKey(ctx, signed, given) : undefined;
  if (orgKey) {
    admit(ctx, projectId, orgKey.scope, required);
    return { projectId, keyId: orgKey.keyId, scope: orgKey.scope, org: true };
  }
  throw new CuittyError(
    "BAD_SIGNATURE",
    `signature matches no active key of project ${projectId}; sign timestamp, METHOD, path and raw body joined by newlines, with the key as issued`,
  );
}
