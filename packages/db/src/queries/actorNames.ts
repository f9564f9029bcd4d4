// Who did something, as people read it: an API key's recorded actor (`key:key_…`) becomes the key's label.
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../connection.js";
import { apiKeys, orgKeys } from "../schema/deploys.js";

const KEY_ACTOR = /^key:(key_[\w-]+)$/;
/** An organisation key acting in a project (README, Organisation keys). */
const ORG_KEY_ACTOR = /^key:(okey_[\w-]+)$/;

/** What the server itself records as the actor of automatic rollbacks. */
const SYSTEM_ACTORS: Readonly<Record<string, string>> = { "cuitty:health-check": "health checks" };

export type ActorName = (actor: string | null | undefined) => string | null;

const idsOf = (actors: Iterable<string | null | undefined>, pattern: RegExp) => [
  ...new Set([...actors].map((a) => (a ? pattern.exec(a)?.[1] : undefined)).filter((k): k is string => Boolean(k))),
];

type Labelled = { keyId: string; label: string | null; scope: string };
const labelOf = (k: Labelled, kind: string) => k.label?.trim() || `${k.scope} ${kind} ${k.keyId}`;

async function orgKeyNames(db: Database, actors: string[]): Promise<Map<string, string>> {
  const ids = idsOf(actors, ORG_KEY_ACTOR);
  const keys = ids.length
    ? await db.deploys
        .select({ keyId: orgKeys.keyId, label: orgKeys.label, scope: orgKeys.scope })
        .from(orgKeys)
        .where(inArray(orgKeys.keyId, ids))
    : [];
  return new Map(keys.map((k) => [k.keyId, labelOf(k, "organisation key")]));
}

function resolver(byKey: Map<string, string>): ActorName {
  return (actor) => {
    if (!actor) return null;
    const keyId = KEY_ACTOR.exec(actor)?.[1] ?? ORG_KEY_ACTOR.exec(actor)?.[1];
    return (keyId && byKey.get(keyId)) || SYSTEM_ACTORS[actor] || actor;
  };
}

/** Project keys' labels, within one project or (projectId null) across all of them. */
async function projectKeyNames(db: Database, projectId: string | null, actors: string[]): Promise<Map<string, string>> {
  const ids = idsOf(actors, KEY_ACTOR);
  const keys = ids.length
    ? await db.deploys
        .select({ keyId: apiKeys.keyId, label: apiKeys.label, scope: apiKeys.scope })
        .from(apiKeys)
        .where(projectId === null ? inArray(apiKeys.keyId, ids) : and(eq(apiKeys.projectId, projectId), inArray(apiKeys.keyId, ids)))
    : [];
  return new Map(keys.map((k) => [k.keyId, labelOf(k, "key")]));
}

async function names(db: Database, projectId: string | null, actors: Iterable<string | null | undefined>): Promise<ActorName> {
  const list = [...actors].filter((a): a is string => Boolean(a));
  const [projectKeys, orgKeyLabels] = await Promise.all([projectKeyNames(db, projectId, list), orgKeyNames(db, list)]);
  return resolver(new Map([...projectKeys, ...orgKeyLabels]));
}

/**
 * Resolves the actors given: a key's label ("github actions"), or "admin key key_…" for a key without one; a
 * person (a CI's triggeredBy) and anything else stays as recorded.
 */
export function actorNames(db: Database, projectId: string, actors: Iterable<string | null | undefined>): Promise<ActorName> {
  return names(db, projectId, actors);
}

/** The same across every project (the organisation's activity feed). */
export function actorNamesAcrossProjects(db: Database, actors: Iterable<string | null | undefined>): Promise<ActorName> {
  return names(db, null, actors);
}
