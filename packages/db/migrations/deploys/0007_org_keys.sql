CREATE TABLE `org_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key_id` text NOT NULL,
	`secret` text NOT NULL,
	`scope` text NOT NULL,
	`label` text,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `org_keys_key_id_unique` ON `org_keys` (`key_id`);--> statement-breakpoint
CREATE INDEX `deploy_events_occurred_idx` ON `deploy_events` (`occurred_at`,`id`);