// deploys.markBad / markGood / marks: mark a deploy bad after the fact (a change failure, never a default
// rollback target) or good again; the history keeps who (the key) and why. Merged into the deploys namespace.
import type { TRPCRouterRecord } from "@trpc/server";
import { deployIdSchema, markBadSchema, markGoodSchema } from "@cuitty/core";
import { listDeployMarks, markDeploy } from "@cuitty/db";
import { protectedProcedure } from "../trpc.js";

export const deployMarksRouter = {
  markBad: protectedProcedure("admin")
    .input(markBadSchema)
    .mutation(({ ctx, input }) =>
      markDeploy(ctx.db, ctx.principal.projectId, { ...input, action: "bad", actor: `key:${ctx.principal.keyId}` }, ctx.now()),
    ),

  markGood: protectedProcedure("admin")
    .input(markGoodSchema)
    .mutation(({ ctx, input }) =>
      markDeploy(ctx.db, ctx.principal.projectId, { ...input, action: "good", actor: `key:${ctx.principal.keyId}` }, ctx.now()),
    ),

  /** Every mark of a deploy, newest first. */
  marks: protectedProcedure("read")
    .input(deployIdSchema)
    .query(({ ctx, input }) => listDeployMarks(ctx.db, ctx.principal.projectId, input.id)),
} satisfies TRPCRouterRecord;
