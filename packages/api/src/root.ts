// The whole API: small routers merged into one; clients import only its type.
import { deploysRouter } from "./routers/deploys.js";
import { environmentsRouter } from "./routers/environments.js";
import { createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  deploys: deploysRouter,
  environments: environmentsRouter,
});

export type AppRouter = typeof appRouter;
