// Reads of the deploys module: cursor pages newest first, one deploy in full, current deploy per environment.
import { type SQL, and, asc, count, desc, eq, gte, inArray, lt, lte, or } from "drizzle-orm";
import { CuittyError, type DeployStatus } from "@cuitty/core";
import type { Database } from "../connection.js";
import { deployCommits, deployEvents, deploys, environments, healthChecks } from "../schema/deploys.js";
import { actorNames } from "./actorNames.js";
import { environmentOrder } from "./environments.js";
import { type DeployView, deployViewColumns, selectDeployViews } from "./views.js";
import { rollbackRefusal, rollbackStanding } from "./rollbackRule.js";

interface DeployFilter {
  environment?: string;
  status?: DeployStatus;
  branch?: string;
  since?: number;
  until?: number;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursor of a page: the (startedAt, id) of its last row, opaque to clients. */
function encodeCursor(d: DeployView): string {
  return Buffer.from(`${d.startedAt ?? 0}:${d.id}`).toString("base64url");
}
function decodeCursor(cursor: string): { startedAt: number; id: number } {
  const [s, i] = Buffer.from(cursor, "base64url").toString().split(":").map(Number);
  if (!Number.isInteger(s) || !Number.isInteger(i)) {
    throw new CuittyError("VALIDATION_FAILED", "cursor is not one this server issued", { fields: ["cursor"] });
  }
  return { startedAt: s!, id: i! };
}

async function findEnvironment(db: Database, projectId: string, name: string) {
  return db.deploys.query.environments.findFirst({
    where: and(eq(environments.projectId, projectId), eq(environments.name, name)),
  });
}

export async function listDeploys(db: Database, projectId: string, filter: DeployFilter): Promise<Page<DeployView>> {
  const where: (SQL | undefined)[] = [eq(deploys.projectId, projectId)];
  if (filter.environment !== undefined) {
    const env = await findEnvironment(db, projectId, filter.environment);
    if (!env) return { items: [], nextCursor: null };
    where.push(eq(deploys.envId, env.id));
  }
  if (filter.status) where.push(eq(deploys.status, filter.status));
  if (filter.branch) where.push(eq(deploys.branch, filter.branch));
  if (filter.since !== undefined) where.push(gte(deploys.startedAt, filter.since));
  if (filter.until !== undefined) where.push(lte(deploys.startedAt, filter.until));
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    where.push(or(lt(deploys.startedAt, c.startedAt), and(eq(deploys.startedAt, c.startedAt), lt(deploys.id, c.id))));
  }
  const rows = await selectDeployViews(db.deploys)
    .where(and(...where))
    .orderBy(desc(deploys.startedAt), desc(deploys.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
}

/** An environment's history: its deploys newest first, failures and rollbacks included, current marked. */
export async function timeline(db: Database, projectId: string, filter: DeployFilter & { environment: string }) {
  const env = await findEnvironment(db, projectId, filter.environment);
  if (!env) throw new CuittyError("NOT_FOUND", `environment "${filter.environment}" has no deploys yet`);
  const page = await listDeploys(db, projectId, filter);
  const nameOf = await actorNames(
    db,
    projectId,
    page.items.map((d) => d.markedBadBy),
  );
  const ids = page.items.map((d) => d.id);
  const counts =
    ids.length === 0
      ? []
      : await db.deploys
          .select({ deployId: deployCommits.deployId, n: count() })
          .from(deployCommits)
          .where(inArray(deployCommits.deployId, ids))
          .groupBy(deployCommits.deployId);
  const commitCount = new Map(counts.map((c) => [c.deployId, c.n]));
  return {
    environment: env.name,
    currentDeployId: env.currentDeployId,
    // commitCount: the commits the deploy ships, as its event listed them (0: it listed none).
    items: page.items.map((d) => ({
      ...d,
      current: d.id === env.currentDeployId,
      markedBadByName: nameOf(d.markedBadBy),
      commitCount: commitCount.get(d.id) ?? 0,
    })),
    nextCursor: page.nextCursor,
  };
}

export async function getDeploy(db: Database, projectId: string, id: number) {
  const [deploy] = await selectDeployViews(db.deploys).where(and(eq(deploys.id, id), eq(deploys.projectId, projectId)));
  if (!deploy) throw new CuittyError("NOT_FOUND", `deploy #${id} does not exist in this project`);
  const [events, checks, rollbackTarget, rolledBackFrom, env, commits] = await Promise.all([
    db.deploys
      .select({
        id: deployEvents.id,
        eventId: deployEvents.eventId,
        fromStatus: deployEvents.fromStatus,
        toStatus: deployEvents.toStatus,
        occurredAt: deployEvents.occurredAt,
        receivedAt: deployEvents.receivedAt,
        reason: deployEvents.reason,
        rollbackTargetId: deployEvents.rollbackTargetId,
        actor: deployEvents.actor,
      })
      .from(deployEvents)
      .where(eq(deployEvents.deployId, id))
      .orderBy(asc(deployEvents.occurredAt), asc(deployEvents.id)),
    db.deploys
      .select({
        checkedAt: healthChecks.checkedAt,
        ok: healthChecks.ok,
        statusCode: healthChecks.statusCode,
        latencyMs: healthChecks.latencyMs,
        error: healthChecks.error,
      })
      .from(healthChecks)
      .where(eq(healthChecks.deployId, id))
      .orderBy(desc(healthChecks.checkedAt), desc(healthChecks.id))
      .limit(200),
    deploy.rollbackTargetId
      ? selectDeployViews(db.deploys)
          .where(eq(deploys.id, deploy.rollbackTargetId))
          .then((r) => r[0] ?? null)
      : Promise.resolve(null),
    selectDeployViews(db.deploys)
      .where(and(eq(deploys.rollbackTargetId, id), eq(deploys.projectId, projectId)))
      .orderBy(desc(deploys.id))
      .limit(50),
    findEnvironment(db, projectId, deploy.environment),
    // What changed: the commits the deploy ships, oldest first.
    db.deploys
      .select({ sha: deployCommits.sha, committedAt: deployCommits.committedAt })
      .from(deployCommits)
      .where(eq(deployCommits.deployId, id))
      .orderBy(asc(deployCommits.committedAt), asc(deployCommits.id)),
  ]);
  const nameOf = await actorNames(db, projectId, [deploy.markedBadBy, ...events.map((e) => e.actor)]);
  const standing = await rollbackStanding(db.clients.deploys, projectId, id);
  const rollbackable = standing !== undefined && rollbackRefusal(standing) === null && standing.defaultTargetId !== null;
  const defaultRollbackTarget =
    rollbackable && standing.defaultTargetId !== null
      ? ((await selectDeployViews(db.deploys).where(eq(deploys.id, standing.defaultTargetId)))[0] ?? null)
      : null;
  return {
    ...deploy,
    current: env?.currentDeployId === deploy.id,
    /** `deploys.rollback` without a target would be accepted now (rollbackRule.ts); clients offer it only then. */
    rollbackable,
    /** Where that rollback would go. */
    defaultRollbackTarget,
    /** Who marked it bad, as people read it (a key's label); markedBadBy keeps what was recorded. */
    markedBadByName: nameOf(deploy.markedBadBy),
    /** Each transition; actorName is the actor as people read it (a key's label, or the person). */
    events: events.map((e) => ({ ...e, actorName: nameOf(e.actor) })),
    commits,
    healthChecks: checks,
    rollbackTarget,
    rolledBackFrom,
  };
}

/** One row per environment with its current deploy (null before the first go-live). */
export async function currentDeploys(db: Database, projectId: string) {
  const rows = await db.deploys
    .select({ environment: environments.name, deploy: deployViewColumns })
    .from(environments)
    .leftJoin(deploys, eq(deploys.id, environments.currentDeployId))
    .where(eq(environments.projectId, projectId))
    .orderBy(...environmentOrder);
  return rows.map((r) => ({ environment: r.environment, deploy: r.deploy.id === null ? null : (r.deploy as DeployView) }));
}
