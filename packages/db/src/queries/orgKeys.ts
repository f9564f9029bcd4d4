// Organisation keys: issued, listed and revoked locally (CLI); looked up when a request is signed with one.
import { randomBytes } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import { CuittyError } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type OrgKeyScope, orgKeys } from "../schema/deploys.js";
import { rowsOf } from "./sqlViews.js";

/** Issues an organisation key; the returned `apiKey` is the only time the secret is shown. */
export async function createOrgKey(db: Database, scope: OrgKeyScope, label?: string) {
  const keyId = `okey_${randomBytes(6).toString("hex")}`;
  const apiKey = `cdk_org_${scope}_${randomBytes(24).toString("base64url")}`;
  await db.deploys.insert(orgKeys).values({ keyId, secret: db.secrets.seal(apiKey), scope, label });
  return { keyId, apiKey, scope, org: true as const };
}

export async function listOrgKeys(db: Database) {
  const rows = await db.deploys.select().from(orgKeys).orderBy(asc(orgKeys.id));
  // Only a short prefix identifies the key to a person; the rest never leaves the database.
  return rows.map(({ id: _, secret, ...r }) => ({ ...r, prefix: `${db.secrets.open(secret).slice(0, 18)}…` }));
}

/** Revokes an organisation key; NOT_FOUND when there is no active one by that id. */
export async function revokeOrgKey(db: Database, keyId: string, now = Math.floor(Date.now() / 1000)) {
  const [row] = await db.deploys
    .update(orgKeys)
    .set({ revokedAt: now })
    .where(and(eq(orgKeys.keyId, keyId), isNull(orgKeys.revokedAt)))
    .returning({ keyId: orgKeys.keyId });
  if (!row) throw new CuittyError("NOT_FOUND", `no active organisation key ${keyId}`);
  return row;
}

/** The active organisation keys, opened (a request signed with one is checked against each). */
export async function findActiveOrgKeys(db: Database) {
  const rows = rowsOf<{ keyId: string; secret: string; scope: OrgKeyScope }>(
    await db.hot.execute("SELECT key_id AS keyId, secret, scope FROM org_keys WHERE revoked_at IS NULL"),
  );
  return rows.map((r) => ({ ...r, secret: db.secrets.open(r.secret) }));
}
