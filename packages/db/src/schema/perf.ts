// The perf module (perf.db): latency snapshots per environment and metric, for regression verdicts.
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const perfSnapshots = sqliteTable(
  "perf_snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    environment: text("environment").notNull(),
    metric: text("metric").notNull(),
    p50: real("p50"),
    p95: real("p95"),
    p99: real("p99").notNull(),
    errorRate: real("error_rate"),
    samples: integer("samples").notNull(),
    windowStart: integer("window_start").notNull(),
    windowEnd: integer("window_end").notNull(),
  },
  (t) => [index("perf_snapshots_env_window_idx").on(t.projectId, t.environment, t.windowStart, t.metric)],
);
export type PerfSnapshot = typeof perfSnapshots.$inferSelect;
