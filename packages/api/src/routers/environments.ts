// environments.*: each environment's settings (health policy, rollback hook) and current deploy.
import type { TRPCRouterRecord } from "@trpc/server";
import { environmentUpdateSchema } from "@cuitty/core";
import { listEnvironments, updateEnvironment } from "@cuitty/db";
import { assertOutboundUrls } from "../outboundUrls.js";
import { protectedProcedure } from "../trpc.js";

export const environmentsRouter = {
  list: protectedProcedure("read").query(({ ctx }) => listEnvironments(ctx.db, ctx.principal.projectId)),

  update: protectedProcedure("admin")
    .input(environmentUpdateSchema)
    .mutation(({ ctx, input: { environment, ...settings } }) => {
      assertOutboundUrls(ctx, {
        healthUrl: settings.healthUrl,
        rollbackWebhookUrl: settings.rollbackWebhookUrl,
        prometheusUrl: settings.prometheusUrl,
      });
      return updateEnvironment(ctx.db, ctx.principal.projectId, environment, settings);
    }),
} satisfies TRPCRouterRecord;
