// Projects and their API keys: created and revoked locally (CLI) and looked up by the auth middleware.
import { randomBytes } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import { CuittyError } from "@cuitty/core";
import type { Database } from "../connection.js";
import type { ActiveKeys } from "../keyCache.js";
import { rowsOf } from "./sqlViews.js";
import { type ApiKeyScope, apiKeys, projects } from "../schema/deploys.js";

const id = (prefix: string, bytes: number) => `${prefix}_${randomBytes(bytes).toString("hex")}`;

export async function createProject(db: Database, name: string) {
  const [project] = await db.deploys
    .insert(projects)
    .values({ id: id("prj", 6), name })
    .returning();
  return project!;
}

type ProjectRow = typeof projects.$inferSelect;
const openProject = (db: Database, p: ProjectRow): ProjectRow => ({
  ...p,
  githubWebhookSecret: p.githubWebhookSecret === null ? null : db.secrets.open(p.githubWebhookSecret),
});

export async function getProject(db: Database, projectId: string) {
  const project = await db.deploys.query.projects.findFirst({ where: eq(projects.id, projectId) });
  return project && openProject(db, project);
}

export async function listProjects(db: Database) {
  const rows = await db.deploys.select().from(projects).orderBy(asc(projects.createdAt), asc(projects.id));
  return rows.map((p) => openProject(db, p));
}

/** Issues a key; the returned `apiKey` is the only time the secret is shown. */
export async function createApiKey(db: Database, projectId: string, scope: ApiKeyScope, label?: string) {
  if (!(await getProject(db, projectId))) throw new CuittyError("NOT_FOUND", `project ${projectId} does not exist`);
  const keyId = id("key", 6);
  const apiKey = `cdk_${scope}_${randomBytes(24).toString("base64url")}`;
  await db.deploys.insert(apiKeys).values({ projectId, keyId, secret: db.secrets.seal(apiKey), scope, label });
  return { keyId, apiKey, scope, projectId };
}

export async function listApiKeys(db: Database, projectId: string) {
  const rows = await db.deploys
    .select({
      keyId: apiKeys.keyId,
      scope: apiKeys.scope,
      label: apiKeys.label,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
      secret: apiKeys.secret,
    })
    .from(apiKeys)
    .where(eq(apiKeys.projectId, projectId))
    .orderBy(asc(apiKeys.id));
  // Only a short prefix identifies the key to a person; the rest never leaves the database.
  return rows.map(({ secret, ...r }) => ({ ...r, prefix: `${db.secrets.open(secret).slice(0, 14)}…` }));
}

export async function revokeApiKey(db: Database, keyId: string, now = Math.floor(Date.now() / 1000)) {
  const [row] = await db.deploys
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.keyId, keyId), isNull(apiKeys.revokedAt)))
    .returning({ keyId: apiKeys.keyId, projectId: apiKeys.projectId });
  if (!row) throw new CuittyError("NOT_FOUND", `no active key ${keyId}`);
  return row;
}

/**
 * Whether a project exists and its active keys, in one query: signature verification runs it on
 * every request (a project may have several active keys during rotation).
 */
export async function findActiveKeys(db: Database, projectId: string): Promise<ActiveKeys> {
  if (db.keyCache) return db.keyCache.lookup(projectId);
  const rows = rowsOf<{ keyId: string | null; secret: string | null; scope: ApiKeyScope | null }>(
    await db.hot.execute({
      sql: `SELECT k.key_id AS keyId, k.secret AS secret, k.scope AS scope FROM projects p
            LEFT JOIN api_keys k ON k.project_id = p.id AND k.revoked_at IS NULL WHERE p.id = ?`,
      args: [projectId],
    }),
  );
  if (rows.length === 0) return { projectExists: false, keys: [] };
  // Sealed keys are opened here (SecretBox caches them: this runs on every request).
  const keys = rows.flatMap((r) =>
    r.keyId && r.secret && r.scope ? [{ keyId: r.keyId, secret: db.secrets.open(r.secret), scope: r.scope }] : [],
  );
  return { projectExists: true, keys };
}

export async function setGithubWebhookSecret(db: Database, projectId: string, secret: string | null) {
  const [row] = await db.deploys
    .update(projects)
    .set({ githubWebhookSecret: secret === null ? null : db.secrets.seal(secret) })
    .where(eq(projects.id, projectId))
    .returning({ id: projects.id });
  if (!row) throw new CuittyError("NOT_FOUND", `project ${projectId} does not exist`);
}
