// Who did something, as people read it: an API key's recorded actor (`key:key_…`) becomes the key's label.
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../connection.js";
import { apiKeys } from "../schema/deploys.js";

const KEY_ACTOR = /^key:(key_[\w-]+)$/;

/** What the server itself records as the actor of automatic rollbacks. */
const SYSTEM_ACTORS: Readonly<Record<string, string>> = { "cuitty:health-check": "health checks" };

export type ActorName = (actor: string | null | undefined) => string | null;

/**
 * Resolves the actors given, in one query: a key's label ("github actions"), or "admin key key_…" for a key
 * without one; a person (a CI's triggeredBy) and anything else stays as recorded.
 */
export async function actorNames(db: Database, projectId: string, actors: Iterable<string | null | undefined>): Promise<ActorName> {
  const keyIds = [...new Set([...actors].map((a) => (a ? KEY_ACTOR.exec(a)?.[1] : undefined)).filter((k): k is string => Boolean(k)))];
  const keys = keyIds.length
    ? await db.deploys
        .select({ keyId: apiKeys.keyId, label: apiKeys.label, scope: apiKeys.scope })
        .from(apiKeys)
        .where(and(eq(apiKeys.projectId, projectId), inArray(apiKeys.keyId, keyIds)))
    : [];
  const byKey = new Map(keys.map((k) => [k.keyId, k.label?.trim() || `${k.scope} key ${k.keyId}`]));
  return (actor) => {
    if (!actor) return null;
    const keyId = KEY_ACTOR.exec(actor)?.[1];
    return (keyId && byKey.get(keyId)) || SYSTEM_ACTORS[actor] || actor;
  };
}
