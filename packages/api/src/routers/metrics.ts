// metrics.*: DORA metrics and phase timings per environment, and one deploy's phases (read scope).
import type { TRPCRouterRecord } from "@trpc/server";
import { deployIdSchema, doraSchema, phasesSchema } from "@cuitty/core";
import { deployPhases, doraMetrics, phaseTimings } from "@cuitty/db";
import { protectedProcedure } from "../trpc.js";

export const metricsRouter = {
  /** Deployment frequency, lead time, change failure rate and time to restore: figures, series per bucket, bands. */
  dora: protectedProcedure("read")
    .input(doraSchema)
    .query(({ ctx, input }) => doraMetrics(ctx.db, ctx.principal.projectId, input, ctx.now())),

  /** Median and p90 of each phase (initiated, building, deploying, total to live) over the range and per bucket. */
  phases: protectedProcedure("read")
    .input(phasesSchema)
    .query(({ ctx, input }) => phaseTimings(ctx.db, ctx.principal.projectId, input, ctx.now())),

  /** The phases of one deploy, for its detail page. */
  deployPhases: protectedProcedure("read")
    .input(deployIdSchema)
    .query(({ ctx, input }) => deployPhases(ctx.db, ctx.principal.projectId, input.id, ctx.now())),
} satisfies TRPCRouterRecord;
