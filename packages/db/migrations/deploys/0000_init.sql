CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`key_id` text NOT NULL,
	`secret` text NOT NULL,
	`scope` text NOT NULL,
	`label` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_id_unique` ON `api_keys` (`key_id`);--> statement-breakpoint
CREATE INDEX `api_keys_project_idx` ON `api_keys` (`project_id`,`revoked_at`);--> statement-breakpoint
CREATE TABLE `deploy_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`event_id` text,
	`from_status` text,
	`to_status` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`received_at` integer DEFAULT (unixepoch()) NOT NULL,
	`reason` text,
	`rollback_target_id` integer,
	`actor` text,
	FOREIGN KEY (`deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deploy_events_project_event_uq` ON `deploy_events` (`project_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `deploy_events_deploy_idx` ON `deploy_events` (`deploy_id`,`id`);--> statement-breakpoint
CREATE TABLE `deploys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`env_id` integer NOT NULL,
	`version` text,
	`commit_sha` text,
	`branch` text,
	`status` text DEFAULT 'initiated' NOT NULL,
	`triggered_by` text,
	`build_logs_url` text,
	`started_at` integer DEFAULT (unixepoch()),
	`completed_at` integer,
	`duration_seconds` integer,
	`rollback_target_id` integer,
	`external_key` text NOT NULL,
	`provider` text DEFAULT 'manual' NOT NULL,
	`health_status` text DEFAULT 'unknown' NOT NULL,
	`live_at` integer,
	`committed_at` integer,
	`reason` text,
	`marked_bad_at` integer,
	`marked_bad_reason` text,
	`marked_bad_by` text,
	`updated_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`env_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rollback_target_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deploys_project_key_uq` ON `deploys` (`project_id`,`external_key`);--> statement-breakpoint
CREATE INDEX `deploys_project_started_idx` ON `deploys` (`project_id`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `deploys_env_started_idx` ON `deploys` (`env_id`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `deploys_project_status_idx` ON `deploys` (`project_id`,`status`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `deploys_project_branch_idx` ON `deploys` (`project_id`,`branch`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `deploys_env_live_idx` ON `deploys` (`env_id`,`live_at`);--> statement-breakpoint
CREATE TABLE `environments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`name` text NOT NULL,
	`current_deploy_id` integer,
	`health_url` text,
	`health_expect_status` integer DEFAULT 200 NOT NULL,
	`health_interval_seconds` integer DEFAULT 30 NOT NULL,
	`health_timeout_ms` integer DEFAULT 5000 NOT NULL,
	`health_checks` integer DEFAULT 10 NOT NULL,
	`health_failures` integer DEFAULT 3 NOT NULL,
	`auto_rollback` integer DEFAULT false NOT NULL,
	`rollback_webhook_url` text,
	`rollback_github_repo` text,
	`rollback_github_workflow` text,
	`rollback_github_ref` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`current_deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `environments_project_name_uq` ON `environments` (`project_id`,`name`);--> statement-breakpoint
CREATE TABLE `health_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`ok` integer NOT NULL,
	`status_code` integer,
	`latency_ms` integer,
	`error` text,
	FOREIGN KEY (`deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `health_checks_deploy_idx` ON `health_checks` (`deploy_id`,`checked_at`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`github_webhook_secret` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
