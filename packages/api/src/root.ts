// The whole API: small routers merged into one; clients import only its type.
import { authRouter } from "./routers/auth.js";
import { auditRouter } from "./routers/audit.js";
import { deployMarksRouter } from "./routers/deployMarks.js";
import { deploysRouter } from "./routers/deploys.js";
import { environmentsRouter } from "./routers/environments.js";
import { hooksRouter } from "./routers/hooks.js";
import { metricsRouter } from "./routers/metrics.js";
import { orgRouter } from "./routers/org.js";
import { perfRouter } from "./routers/perf.js";
import { createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  deploys: { ...deploysRouter, ...deployMarksRouter },
  environments: environmentsRouter,
  audit: auditRouter,
  perf: perfRouter,
  metrics: metricsRouter,
  hooks: hooksRouter,
  org: orgRouter,
});

export type AppRouter = typeof appRouter;
