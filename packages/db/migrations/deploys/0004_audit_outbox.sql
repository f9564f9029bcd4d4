CREATE TABLE `audit_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`entry_id` text NOT NULL,
	`entry` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_outbox_entry_id_unique` ON `audit_outbox` (`entry_id`);