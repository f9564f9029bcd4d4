// deploys.*: ingest of lifecycle events, reads of history and current state, rollback.
import type { TRPCRouterRecord } from "@trpc/server";
import {
  CuittyError,
  type DeployEvent,
  MAX_CLOCK_SKEW_SECONDS,
  deployEventSchema,
  deployIdSchema,
  emitBatchSchema,
  listDeploysSchema,
  regressionSchema,
  rollbackSchema,
  timelineSchema,
} from "@cuitty/core";
import {
  applyDeployEvent,
  applyDeployEvents,
  type EmitResult,
  currentDeploys,
  deployCorrelations,
  deployRegression,
  getDeploy,
  listDeploys,
  rollbackDeploy,
  timeline,
} from "@cuitty/db";
import type { Context } from "../context.js";
import { protectedProcedure } from "../trpc.js";

/** occurredAt may not lie in the future beyond the clock-skew window. */
function checkOccurredAt(event: DeployEvent, now: number, path = "occurredAt"): void {
  if (event.occurredAt !== undefined && event.occurredAt > now + MAX_CLOCK_SKEW_SECONDS) {
    throw new CuittyError(
      "VALIDATION_FAILED",
      `${path} ${event.occurredAt} is more than ${MAX_CLOCK_SKEW_SECONDS} s in the future (server time ${now})`,
      { fields: [path], serverTime: now },
    );
  }
}

/** Tells the server's hooks (health checks, outbound events) about an accepted transition. */
function notify(ctx: Context, projectId: string, result: EmitResult): void {
  if (!result.changed) return;
  try {
    ctx.hooks.onTransition?.({ projectId, deploy: result.deploy, from: result.from, to: result.deploy.status });
  } catch (error) {
    ctx.log.error("transition hook failed", { error: String(error) });
  }
}

export const deploysRouter = {
  emit: protectedProcedure("ingest")
    .input(deployEventSchema)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      checkOccurredAt(input, now);
      const result = await applyDeployEvent(ctx.db, ctx.principal.projectId, input, now);
      notify(ctx, ctx.principal.projectId, result);
      return { deploy: result.deploy, changed: result.changed, duplicate: result.duplicate };
    }),

  emitBatch: protectedProcedure("ingest")
    .input(emitBatchSchema)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      for (const [i, e] of input.events.entries()) checkOccurredAt(e, now, `events.${i}.occurredAt`);
      const results = await applyDeployEvents(ctx.db, ctx.principal.projectId, input.events, now);
      for (const r of results) if (r.ok) notify(ctx, ctx.principal.projectId, r);
      return { results };
    }),

  list: protectedProcedure("read")
    .input(listDeploysSchema)
    .query(({ ctx, input }) => listDeploys(ctx.db, ctx.principal.projectId, input)),

  get: protectedProcedure("read")
    .input(deployIdSchema)
    .query(({ ctx, input }) => getDeploy(ctx.db, ctx.principal.projectId, input.id)),

  timeline: protectedProcedure("read")
    .input(timelineSchema)
    .query(({ ctx, input }) => timeline(ctx.db, ctx.principal.projectId, input)),

  current: protectedProcedure("read").query(({ ctx }) => currentDeploys(ctx.db, ctx.principal.projectId)),

  rollback: protectedProcedure("admin")
    .input(rollbackSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await rollbackDeploy(ctx.db, ctx.principal.projectId, { ...input, actor: `key:${ctx.principal.keyId}` }, ctx.now());
      notify(ctx, ctx.principal.projectId, result);
      return result.deploy;
    }),

  /** The audit entries the deploy produced and the perf snapshots of its before/after windows. */
  correlations: protectedProcedure("read")
    .input(deployIdSchema)
    .query(({ ctx, input }) => deployCorrelations(ctx.db, ctx.principal.projectId, input.id)),

  /**
   * p99 before vs after go-live per metric, with verdicts (docs/design.md §5): from the environment's Prometheus when
   * it has one, else from the pushed snapshots in one SQL query.
   */
  regression: protectedProcedure("read")
    .input(regressionSchema)
    .query(
      async ({ ctx, input }) =>
        (await ctx.hooks.regression?.(ctx.principal.projectId, input)) ?? deployRegression(ctx.db, ctx.principal.projectId, input),
    ),
} satisfies TRPCRouterRecord;
