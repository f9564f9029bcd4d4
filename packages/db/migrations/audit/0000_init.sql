CREATE TABLE `audit_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`entry_id` text,
	`environment` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`occurred_at` integer NOT NULL,
	`deploy_id` integer,
	`commit_sha` text,
	`metadata` text,
	`received_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_entries_project_entry_uq` ON `audit_entries` (`project_id`,`entry_id`);--> statement-breakpoint
CREATE INDEX `audit_entries_deploy_idx` ON `audit_entries` (`project_id`,`deploy_id`);--> statement-breakpoint
CREATE INDEX `audit_entries_env_time_idx` ON `audit_entries` (`project_id`,`environment`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `audit_entries_commit_idx` ON `audit_entries` (`project_id`,`commit_sha`);