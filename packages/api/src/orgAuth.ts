// Authentication of organisation keys: org.* procedures (`x-cuitty-project: org`), and the fallback of
// project procedures to an organisation key acting in the project it names (README, Organisation keys).
import { CuittyError, HEADER_PROJECT, ORG_PROJECT } from "@cuitty/core";
import { type OrgKeyScope, findActiveOrgKeys } from "@cuitty/db";
import { admit, authenticate, macMatches, readSignedRequest } from "./auth.js";
import type { Context } from "./context.js";

export interface OrgPrincipal {
  keyId: string;
  scope: OrgKeyScope;
}

/** The active organisation key whose MAC over `signed` is `given`, if any. */
export async function matchOrgKey(ctx: Context, signed: Uint8Array, given: Buffer) {
  for (const key of await findActiveOrgKeys(ctx.db)) {
    if (macMatches(key.secret, signed, given)) return key;
  }
  return undefined;
}

const ORG_ONLY = `org.* procedures need an organisation key and ${HEADER_PROJECT}: ${ORG_PROJECT}`;

export async function authenticateOrg(ctx: Context, required: OrgKeyScope): Promise<OrgPrincipal> {
  const { projectId, signed, given } = readSignedRequest(ctx);
  if (projectId !== ORG_PROJECT) {
    // A project's header: verify the signature as for any project procedure (so nothing is told to a stranger),
    // then refuse. Neither a project key nor an organisation key acting in a project reaches org.*.
    try {
      await authenticate(ctx, "read");
    } catch (error) {
      if (!(error instanceof CuittyError) || error.code !== "FORBIDDEN_SCOPE") throw error;
    }
    throw new CuittyError("FORBIDDEN_SCOPE", `${ORG_ONLY}; this request names project ${projectId}`);
  }
  const key = given ? await matchOrgKey(ctx, signed, given) : undefined;
  if (!key) {
    throw new CuittyError("BAD_SIGNATURE", `signature matches no active organisation key; ${ORG_ONLY} (a project key never reaches them)`);
  }
  admit(ctx, ORG_PROJECT, key.scope, required);
  return { keyId: key.keyId, scope: key.scope };
}
