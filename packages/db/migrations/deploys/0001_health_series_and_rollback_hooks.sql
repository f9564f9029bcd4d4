CREATE TABLE `health_series` (
	`deploy_id` integer PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`probes_done` integer DEFAULT 0 NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`next_probe_ms` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_ms` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `health_series_due_idx` ON `health_series` (`next_probe_ms`);--> statement-breakpoint
CREATE TABLE `rollback_hook_secrets` (
	`env_id` integer PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	FOREIGN KEY (`env_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rollback_hooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`env_id` integer NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`body` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_ms` integer NOT NULL,
	`last_status` integer,
	`last_error` text,
	`lease_owner` text,
	`lease_expires_ms` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`delivered_at` integer,
	FOREIGN KEY (`deploy_id`) REFERENCES `deploys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rollback_hooks_deploy_kind_uq` ON `rollback_hooks` (`deploy_id`,`kind`);--> statement-breakpoint
CREATE INDEX `rollback_hooks_due_idx` ON `rollback_hooks` (`state`,`next_attempt_ms`);