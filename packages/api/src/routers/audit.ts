// audit.*: who changed what, recorded in batches by ingest keys and read back through deploys.correlations.
import type { TRPCRouterRecord } from "@trpc/server";
import { auditRecordSchema } from "@cuitty/core";
import { recordAuditEntries } from "@cuitty/db";
import { protectedProcedure } from "../trpc.js";

export const auditRouter = {
  /** `{ entries }` (≤ 500) → `{ accepted, duplicates }`; an entry id seen before in the project is not written again. */
  record: protectedProcedure("ingest")
    .input(auditRecordSchema)
    .mutation(({ ctx, input }) => recordAuditEntries(ctx.db, ctx.principal.projectId, input.entries, ctx.now())),
} satisfies TRPCRouterRecord;
