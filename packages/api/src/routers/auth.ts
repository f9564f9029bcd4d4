// auth.*: lets a client learn what its key may do (the dashboard shows rollback only to admin keys).
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../trpc.js";

export const authRouter = {
  /** The signing key's project, scope and public id; ingest keys are refused (FORBIDDEN_SCOPE). */
  whoami: protectedProcedure("read").query(({ ctx }) => ({
    projectId: ctx.principal.projectId,
    scope: ctx.principal.scope,
    keyId: ctx.principal.keyId,
  })),
} satisfies TRPCRouterRecord;
