ALTER TABLE `deploys` ADD `commits_listed` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `deploys` SET `commits_listed` = 1 WHERE `id` IN (SELECT `deploy_id` FROM `deploy_commits`);--> statement-breakpoint
CREATE INDEX `deploys_env_failed_change_idx` ON `deploys` (`env_id`,`live_at`,`status`,`health_status`,`marked_bad_at`) WHERE status = 'rolled_back' OR marked_bad_at IS NOT NULL OR health_status = 'failing';--> statement-breakpoint
CREATE INDEX `deploys_env_failed_runs_idx` ON `deploys` (`env_id`,`completed_at`,`status`,`marked_bad_at`,`reason`) WHERE live_at IS NULL AND status IN ('failed', 'rolled_back');--> statement-breakpoint
CREATE INDEX `deploys_env_head_commit_idx` ON `deploys` (`env_id`,`live_at`,`committed_at`) WHERE commits_listed = 0;--> statement-breakpoint
CREATE INDEX `deploy_events_rollback_idx` ON `deploy_events` (`deploy_id`,`occurred_at`,`rollback_target_id`) WHERE to_status = 'rolled_back';