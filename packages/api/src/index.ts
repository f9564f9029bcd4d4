// @cuitty/api: the tRPC router (AppRouter), its context and error model.
export { appRouter, type AppRouter } from "./root.js";
export type { ApiHooks, Context, Logger, RateLimits, RawRequest, TransitionNotice } from "./context.js";
export { classifyError, TRPC_CODE_BY_CUITTY_CODE } from "./errors.js";
export type { Principal } from "./auth.js";
export type { OrgPrincipal } from "./orgAuth.js";
