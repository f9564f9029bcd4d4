// tRPC init: context, the error shape every client relies on, and procedures by key scope.
import { initTRPC } from "@trpc/server";
import { CuittyError, type CuittyErrorData, HTTP_STATUS_BY_CODE } from "@cuitty/core";
import type { ApiKeyScope } from "@cuitty/db";
import { type Principal, authenticate } from "./auth.js";
import { authenticateOrg } from "./orgAuth.js";
import type { Context } from "./context.js";
import { classifyError, toTRPCError, withIssues } from "./errors.js";

const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const classified = classifyError(error);
    const { cuittyCode, message } = classified;
    const data: CuittyErrorData = {
      code: shape.data.code,
      httpStatus: HTTP_STATUS_BY_CODE[cuittyCode] ?? shape.data.httpStatus,
      path: shape.data.path,
      cuittyCode,
      ...withIssues(classified),
    };
    return { message, code: shape.code, data };
  },
});

export const createTRPCRouter = t.router;

/** Turns CuittyErrors thrown anywhere below into tRPC errors with the right status. */
const cuittyErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof CuittyError) throw toTRPCError(result.error.cause);
  return result;
});

const publicProcedure = t.procedure.use(cuittyErrors);

/**
 * A procedure that needs a signed request from a key with `scope` (admin keys may call everything). One middleware
 * does what cuittyErrors and an authenticating middleware after it would (the same errors reach the client): every
 * call of the ingest path goes through it, and each middleware level costs a call frame and two object copies.
 */
export function protectedProcedure(scope: ApiKeyScope) {
  return t.procedure.use(async ({ ctx, next }) => {
    let principal: Principal;
    try {
      principal = await authenticate(ctx, scope);
    } catch (error) {
      throw error instanceof CuittyError ? toTRPCError(error) : error;
    }
    // tRPC merges this into the context it passes on.
    const result = await next({ ctx: { principal } });
    if (!result.ok && result.error.cause instanceof CuittyError) throw toTRPCError(result.error.cause);
    return result;
  });
}

/** An org.* procedure: signed with an organisation key of `scope` (admin may call everything) and `x-cuitty-project: org`. */
export function orgProcedure(scope: "read" | "admin") {
  return publicProcedure.use(async ({ ctx, next }) => {
    const orgPrincipal = await authenticateOrg(ctx, scope);
    return next({ ctx: { ...ctx, orgPrincipal } });
  });
}
