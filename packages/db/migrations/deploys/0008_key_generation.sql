CREATE TABLE `key_generation` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO `key_generation` (`id`, `n`) VALUES (1, 0);--> statement-breakpoint
CREATE TRIGGER `api_keys_generation_insert` AFTER INSERT ON `api_keys` BEGIN UPDATE `key_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `api_keys_generation_update` AFTER UPDATE ON `api_keys` BEGIN UPDATE `key_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `api_keys_generation_delete` AFTER DELETE ON `api_keys` BEGIN UPDATE `key_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `projects_generation_delete` AFTER DELETE ON `projects` BEGIN UPDATE `key_generation` SET `n` = `n` + 1 WHERE `id` = 1; END;
