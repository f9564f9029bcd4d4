CREATE TABLE `deploy_marks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`action` text NOT NULL,
	`reason` text,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`applied_at` integer
);
--> statement-breakpoint
CREATE INDEX `deploy_marks_deploy_idx` ON `deploy_marks` (`deploy_id`,`id`);--> statement-breakpoint
CREATE INDEX `deploy_marks_unapplied_idx` ON `deploy_marks` (`applied_at`);--> statement-breakpoint
CREATE TABLE `hook_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `hook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subscription_id` integer NOT NULL,
	`project_id` text NOT NULL,
	`outbox_id` integer NOT NULL,
	`event_type` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `hook_subscriptions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `hook_deliveries_subscription_idx` ON `hook_deliveries` (`subscription_id`,`id`);--> statement-breakpoint
CREATE TABLE `hook_health_seen` (
	`deploy_id` integer PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `hook_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`source` text NOT NULL,
	`type` text NOT NULL,
	`environment` text NOT NULL,
	`deploy_id` integer NOT NULL,
	`occurred_at` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `hook_outbox_source_uq` ON `hook_outbox` (`source`);--> statement-breakpoint
CREATE INDEX `hook_outbox_project_idx` ON `hook_outbox` (`project_id`,`id`);--> statement-breakpoint
CREATE TABLE `hook_subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`events` text,
	`environments` text,
	`format` text DEFAULT 'json' NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_ms` integer DEFAULT 0 NOT NULL,
	`last_status` integer,
	`last_error` text,
	`last_delivered_at` integer,
	`lease_owner` text,
	`lease_expires_ms` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `hook_subscriptions_project_idx` ON `hook_subscriptions` (`project_id`,`id`);