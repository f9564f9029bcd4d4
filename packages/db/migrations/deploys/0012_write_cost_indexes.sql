DROP INDEX `deploys_env_started_idx`;--> statement-breakpoint
DROP INDEX `deploys_env_completed_idx`;--> statement-breakpoint
DROP INDEX `deploys_env_phases_idx`;--> statement-breakpoint
DROP INDEX `deploys_env_head_commit_idx`;--> statement-breakpoint
CREATE INDEX `deploys_env_phases_idx` ON `deploys` (`env_id`,`started_at`,`id`,`initiated_at`,`building_at`,`deploying_at`,`live_at`);--> statement-breakpoint
CREATE INDEX `deploys_env_head_commit_idx` ON `deploys` (`env_id`,`live_at`,`committed_at`) WHERE commits_listed = 0 AND committed_at IS NOT NULL;