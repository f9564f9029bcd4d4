CREATE TABLE `perf_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`environment` text NOT NULL,
	`metric` text NOT NULL,
	`p50` real,
	`p95` real,
	`p99` real NOT NULL,
	`error_rate` real,
	`samples` integer NOT NULL,
	`window_start` integer NOT NULL,
	`window_end` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `perf_snapshots_env_window_idx` ON `perf_snapshots` (`project_id`,`environment`,`window_start`,`metric`);