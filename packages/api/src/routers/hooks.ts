// hooks.*: the project's outbound event subscriptions and their delivery logs (admin scope).
import type { TRPCRouterRecord } from "@trpc/server";
import { hookAddSchema, hookDeliveriesSchema, hookIdSchema } from "@cuitty/core";
import { addHookSubscription, listHookDeliveries, listHookSubscriptions, removeHookSubscription } from "@cuitty/db";
import { assertOutboundUrls } from "../outboundUrls.js";
import { protectedProcedure } from "../trpc.js";

export const hooksRouter = {
  /** Subscribes a URL; answers the secret deliveries are signed with (shown only here). */
  add: protectedProcedure("admin")
    .input(hookAddSchema)
    .mutation(({ ctx, input }) => {
      assertOutboundUrls(ctx, { url: input.url });
      return addHookSubscription(ctx.db, ctx.principal.projectId, { ...input, createdBy: `key:${ctx.principal.keyId}` });
    }),

  list: protectedProcedure("admin").query(({ ctx }) => listHookSubscriptions(ctx.db, ctx.principal.projectId)),

  remove: protectedProcedure("admin")
    .input(hookIdSchema)
    .mutation(({ ctx, input }) => removeHookSubscription(ctx.db, ctx.principal.projectId, input.id)),

  /** The latest delivery attempts of a subscription, newest first, with status codes and errors. */
  deliveries: protectedProcedure("admin")
    .input(hookDeliveriesSchema)
    .query(({ ctx, input }) => listHookDeliveries(ctx.db, ctx.principal.projectId, input.id, input.limit)),
} satisfies TRPCRouterRecord;
