// org.*: the organisation's view across every project (organisation keys only, `x-cuitty-project: org`).
import type { TRPCRouterRecord } from "@trpc/server";
import { orgActivitySchema, orgDoraSchema, orgOverviewSchema } from "@cuitty/core";
import { orgActivity, orgDora, orgOverview } from "@cuitty/db";
import { orgProcedure } from "../trpc.js";

export const orgRouter = {
  /** The signing organisation key's scope and public id (the dashboard's sign-in). */
  whoami: orgProcedure("read").query(({ ctx }) => ({ org: true as const, scope: ctx.orgPrincipal.scope, keyId: ctx.orgPrincipal.keyId })),

  /** Every service × environment: current deploy, health, in flight, trouble of the last 24 h; trouble first. */
  overview: orgProcedure("read")
    .input(orgOverviewSchema)
    .query(({ ctx, input }) => orgOverview(ctx.db, input, ctx.now())),

  /** Every transition of every project, newest first, cursor pages. */
  activity: orgProcedure("read")
    .input(orgActivitySchema)
    .query(({ ctx, input }) => orgActivity(ctx.db, input)),

  /** The four DORA figures of one environment for the organisation and per service, with bands. */
  dora: orgProcedure("read")
    .input(orgDoraSchema)
    .query(({ ctx, input }) => orgDora(ctx.db, input, ctx.now())),
} satisfies TRPCRouterRecord;
