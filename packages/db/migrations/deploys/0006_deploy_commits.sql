CREATE TABLE `deploy_commits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`sha` text NOT NULL,
	`committed_at` integer NOT NULL,
	FOREIGN KEY (`deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deploy_commits_deploy_sha_uq` ON `deploy_commits` (`deploy_id`,`sha`);--> statement-breakpoint
CREATE INDEX `deploy_commits_project_sha_idx` ON `deploy_commits` (`project_id`,`sha`);