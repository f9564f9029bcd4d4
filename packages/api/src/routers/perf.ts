// perf.*: latency snapshots per environment and metric, recorded in batches; deploys.regression reads them.
import type { TRPCRouterRecord } from "@trpc/server";
import { perfRecordSchema } from "@cuitty/core";
import { recordPerfSnapshots } from "@cuitty/db";
import { protectedProcedure } from "../trpc.js";

export const perfRouter = {
  /** `{ snapshots }` (≤ 500) → `{ accepted, duplicates }`; a snapshot id seen before in the project is not written again. */
  record: protectedProcedure("ingest")
    .input(perfRecordSchema)
    .mutation(({ ctx, input }) => recordPerfSnapshots(ctx.db, ctx.principal.projectId, input.snapshots, ctx.now())),
} satisfies TRPCRouterRecord;
