// The perf module (perf.db): latency snapshots per environment and metric, for regression verdicts.
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const perfSnapshots = sqliteTable(
  "perf_snapshots",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    /** The client's id (idempotency key), unique per project; null when the client sent none. */
    snapshotId: text("snapshot_id"),
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
  (t) => [
    index("perf_snapshots_env_window_idx").on(t.projectId, t.environment, t.windowStart, t.metric),
    uniqueIndex("perf_snapshots_project_snapshot_uq").on(t.projectId, t.snapshotId),
  ],
);
export type PerfSnapshot = typeof perfSnapshots.$inferSelect;
