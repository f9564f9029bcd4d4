// Writes of the lifecycle: an event or a rollback changes a deploy, records its event row and moves
// the environment's current deploy, all in one transaction (BEGIN IMMEDIATE, so writers are serialized).
import { and, desc, eq, isNotNull, isNull, ne } from "drizzle-orm";
import { CuittyError, type DeployEvent, type DeployStatus, decideTransition } from "@cuitty/core";
import type { Database } from "../connection.js";
import { type Deploy, deployEvents, deploys, environments } from "../schema/deploys.js";
import { type DeploysExecutor, type DeployView, selectDeployViews } from "./views.js";

export interface EmitResult {
  deploy: DeployView;
  /** False when the event repeated a known event id or the deploy already had that status. */
  changed: boolean;
  duplicate: boolean;
  /** The status before this event (null: the deploy was created by it). */
  from: DeployStatus | null;
}

export async function getOrCreateEnvironment(tx: DeploysExecutor, projectId: string, name: string) {
  const found = await tx.query.environments.findFirst({
    where: and(eq(environments.projectId, projectId), eq(environments.name, name)),
  });
  if (found) return found;
  const [created] = await tx.insert(environments).values({ projectId, name }).returning();
  return created!;
}

async function viewOf(tx: DeploysExecutor, deployId: number): Promise<DeployView> {
  const [view] = await selectDeployViews(tx).where(eq(deploys.id, deployId));
  return view!;
}

/** The target a rollback of `deploy` goes to: the given one after checks, or the default of DESIGN §2. */
async function resolveRollbackTarget(tx: DeploysExecutor, deploy: Deploy, targetId: number | undefined): Promise<Deploy> {
  if (targetId !== undefined) {
    const target = await tx.query.deploys.findFirst({
      where: and(eq(deploys.id, targetId), eq(deploys.projectId, deploy.projectId)),
    });
    if (!target) throw new CuittyError("NOT_FOUND", `rollback target #${targetId} does not exist in this project`);
    if (target.id === deploy.id) throw new CuittyError("INVALID_ROLLBACK_TARGET", `deploy #${deploy.id} cannot roll back to itself`);
    if (target.envId !== deploy.envId) {
      throw new CuittyError("INVALID_ROLLBACK_TARGET", `rollback target #${targetId} belongs to another environment`);
    }
    if (target.liveAt === null) {
      throw new CuittyError("INVALID_ROLLBACK_TARGET", `rollback target #${targetId} never reached live`);
    }
    return target;
  }
  const target = await tx.query.deploys.findFirst({
    where: and(
      eq(deploys.envId, deploy.envId),
      ne(deploys.id, deploy.id),
      isNotNull(deploys.liveAt),
      ne(deploys.status, "rolled_back"),
      isNull(deploys.markedBadAt),
    ),
    orderBy: [desc(deploys.liveAt), desc(deploys.id)],
  });
  if (!target) {
    throw new CuittyError("INVALID_ROLLBACK_TARGET", `no earlier live deploy in this environment to roll back to`);
  }
  return target;
}

interface TransitionInput {
  to: DeployEvent["status"];
  occurredAt: number;
  eventId?: string;
  reason?: string;
  actor?: string;
  rollbackTargetId?: number;
}

/** Moves an existing deploy (already checked to be allowed) and records the event. */
async function advance(tx: DeploysExecutor, deploy: Deploy, input: TransitionInput, fields: Partial<Deploy> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const set: Partial<Deploy> = { ...fields, status: input.to, updatedAt: now };
  if (input.reason) set.reason = input.reason;
  if (input.to === "live" || input.to === "failed") {
    set.completedAt = input.occurredAt;
    set.durationSeconds = Math.max(0, input.occurredAt - (deploy.startedAt ?? input.occurredAt));
  }
  if (input.to === "live") set.liveAt = input.occurredAt;
  let rollbackTargetId: number | undefined;
  if (input.to === "rolled_back") {
    const target = await resolveRollbackTarget(tx, deploy, input.rollbackTargetId);
    rollbackTargetId = target.id;
    set.rollbackTargetId = target.id;
    await tx.update(environments).set({ currentDeployId: target.id }).where(eq(environments.id, deploy.envId));
  }
  await tx.update(deploys).set(set).where(eq(deploys.id, deploy.id));
  if (input.to === "live") await becomeCurrentIfLatest(tx, deploy.envId, deploy.id, input.occurredAt);
  await tx.insert(deployEvents).values({
    projectId: deploy.projectId,
    deployId: deploy.id,
    eventId: input.eventId,
    fromStatus: deploy.status,
    toStatus: input.to,
    occurredAt: input.occurredAt,
    receivedAt: now,
    reason: input.reason,
    rollbackTargetId,
    actor: input.actor,
  });
}

/** A deploy going live becomes current unless a later go-live already happened (out-of-order events). */
async function becomeCurrentIfLatest(tx: DeploysExecutor, envId: number, deployId: number, liveAt: number) {
  const env = await tx.query.environments.findFirst({ where: eq(environments.id, envId) });
  if (env?.currentDeployId) {
    const current = await tx.query.deploys.findFirst({ where: eq(deploys.id, env.currentDeployId) });
    if (current?.liveAt && current.liveAt > liveAt) return;
  }
  await tx.update(environments).set({ currentDeployId: deployId }).where(eq(environments.id, envId));
}

/** Applies one event inside an open transaction (the batch path calls it once per savepoint). */
export async function applyDeployEventIn(
  tx: DeploysExecutor,
  projectId: string,
  event: DeployEvent,
  now: number,
): Promise<EmitResult> {
  if (event.id) {
    const seen = await tx.query.deployEvents.findFirst({
      where: and(eq(deployEvents.projectId, projectId), eq(deployEvents.eventId, event.id)),
    });
    if (seen) {
      const deploy = await viewOf(tx, seen.deployId);
      return { deploy, changed: false, duplicate: true, from: deploy.status };
    }
  }
  const env = await getOrCreateEnvironment(tx, projectId, event.environment);
  const existing = await tx.query.deploys.findFirst({
    where: and(eq(deploys.projectId, projectId), eq(deploys.externalKey, event.deploy)),
  });
  const decision = decideTransition(existing?.status ?? null, event.status);
  if (decision.kind === "refuse") {
    throw new CuittyError(
      "INVALID_TRANSITION",
      existing
        ? `deploy "${event.deploy}" cannot go from ${existing.status} to ${event.status}`
        : `deploy "${event.deploy}" does not exist yet and cannot start as ${event.status}`,
      { from: existing?.status ?? null, to: event.status },
    );
  }
  if (existing && existing.envId !== env.id) {
    throw new CuittyError("VALIDATION_FAILED", `deploy "${event.deploy}" belongs to another environment`, {
      fields: ["environment"],
    });
  }
  const occurredAt = event.occurredAt ?? now;
  const details = {
    version: event.version,
    commitSha: event.commitSha,
    branch: event.branch,
    triggeredBy: event.triggeredBy,
    buildLogsUrl: event.buildLogsUrl,
    committedAt: event.committedAt,
  };
  const transition: TransitionInput = {
    to: event.status,
    occurredAt,
    eventId: event.id,
    reason: event.reason,
    actor: event.triggeredBy,
    rollbackTargetId: event.rollbackTargetId,
  };
  if (decision.kind === "same") {
    return { deploy: await viewOf(tx, existing!.id), changed: false, duplicate: false, from: existing!.status };
  }

  let deploy = existing;
  if (!deploy) {
    const [created] = await tx
      .insert(deploys)
      .values({
        projectId,
        envId: env.id,
        externalKey: event.deploy,
        provider: event.provider ?? "manual",
        status: "initiated",
        startedAt: occurredAt,
        ...details,
      })
      .returning();
    deploy = created!;
    if (event.status === "initiated") {
      await tx.insert(deployEvents).values({
        projectId,
        deployId: deploy.id,
        eventId: event.id,
        fromStatus: null,
        toStatus: "initiated",
        occurredAt,
        receivedAt: now,
        reason: event.reason,
        actor: event.triggeredBy,
      });
      return { deploy: await viewOf(tx, deploy.id), changed: true, duplicate: false, from: null };
    }
    // A deploy first seen in a later state: it is created and moved in the same transaction,
    // and its one event row records the jump from nothing.
    deploy = { ...deploy, status: null as never };
  }
  const known = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  await advance(tx, deploy, transition, known);
  return { deploy: await viewOf(tx, deploy.id), changed: true, duplicate: false, from: existing?.status ?? null };
}

export async function applyDeployEvent(db: Database, projectId: string, event: DeployEvent, now: number) {
  return db.deploys.transaction((tx) => applyDeployEventIn(tx, projectId, event, now));
}

export type BatchItemResult =
  | ({ ok: true } & EmitResult)
  | { ok: false; error: { cuittyCode: string; message: string; fields?: string[] } };

/** Applies events in order in one transaction; each event has its own savepoint, so one refusal keeps the rest. */
export async function applyDeployEvents(db: Database, projectId: string, events: DeployEvent[], now: number) {
  return db.deploys.transaction(async (tx) => {
    const results: BatchItemResult[] = [];
    for (const event of events) {
      try {
        results.push({ ok: true, ...(await tx.transaction((sp) => applyDeployEventIn(sp, projectId, event, now))) });
      } catch (error) {
        if (!(error instanceof CuittyError)) throw error;
        results.push({
          ok: false,
          error: { cuittyCode: error.code, message: error.message, ...(error.details.fields ? { fields: error.details.fields } : {}) },
        });
      }
    }
    return results;
  });
}

export async function rollbackDeploy(
  db: Database,
  projectId: string,
  input: { deployId: number; targetId?: number; reason?: string; actor?: string },
  now: number,
): Promise<EmitResult> {
  return db.deploys.transaction(async (tx) => {
    const deploy = await tx.query.deploys.findFirst({
      where: and(eq(deploys.id, input.deployId), eq(deploys.projectId, projectId)),
    });
    if (!deploy) throw new CuittyError("NOT_FOUND", `deploy #${input.deployId} does not exist in this project`);
    const decision = decideTransition(deploy.status, "rolled_back");
    if (decision.kind !== "advance") {
      throw new CuittyError("INVALID_TRANSITION", `deploy #${deploy.id} cannot go from ${deploy.status} to rolled_back`, {
        from: deploy.status,
        to: "rolled_back",
      });
    }
    await advance(tx, deploy, {
      to: "rolled_back",
      occurredAt: now,
      reason: input.reason,
      actor: input.actor,
      rollbackTargetId: input.targetId,
    });
    return { deploy: await viewOf(tx, deploy.id), changed: true, duplicate: false, from: deploy.status };
  });
}
