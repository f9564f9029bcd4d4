CREATE TABLE `commit_first_live` (
	`project_id` text NOT NULL,
	`env_id` integer NOT NULL,
	`sha` text NOT NULL,
	`committed_at` integer NOT NULL,
	`live_at` integer NOT NULL,
	`deploy_id` integer NOT NULL,
	FOREIGN KEY (`env_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `commit_first_live_env_sha_uq` ON `commit_first_live` (`env_id`,`sha`);--> statement-breakpoint
CREATE INDEX `commit_first_live_env_live_idx` ON `commit_first_live` (`env_id`,`live_at`,`committed_at`,`project_id`);--> statement-breakpoint
INSERT INTO `commit_first_live` (`project_id`, `env_id`, `sha`, `committed_at`, `live_at`, `deploy_id`)
SELECT c.`project_id`, d.`env_id`, c.`sha`, c.`committed_at`, d.`live_at`, d.`id`
  FROM `deploy_commits` c JOIN `deploys` d ON d.`id` = c.`deploy_id` WHERE d.`live_at` IS NOT NULL
ON CONFLICT (`env_id`, `sha`) DO UPDATE SET `live_at` = excluded.`live_at`, `committed_at` = excluded.`committed_at`, `deploy_id` = excluded.`deploy_id`
  WHERE excluded.`live_at` < `commit_first_live`.`live_at`
     OR (excluded.`live_at` = `commit_first_live`.`live_at` AND excluded.`deploy_id` < `commit_first_live`.`deploy_id`);
