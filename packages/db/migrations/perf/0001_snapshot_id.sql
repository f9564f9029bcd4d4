ALTER TABLE `perf_snapshots` ADD `snapshot_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `perf_snapshots_project_snapshot_uq` ON `perf_snapshots` (`project_id`,`snapshot_id`);