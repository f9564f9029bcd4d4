ALTER TABLE `deploys` ADD `initiated_at` integer;--> statement-breakpoint
ALTER TABLE `deploys` ADD `building_at` integer;--> statement-breakpoint
ALTER TABLE `deploys` ADD `deploying_at` integer;--> statement-breakpoint
CREATE INDEX `deploys_env_phases_idx` ON `deploys` (`env_id`,`started_at`,`initiated_at`,`building_at`,`deploying_at`,`live_at`);--> statement-breakpoint
UPDATE `deploys` SET
  `initiated_at` = (SELECT ev.`occurred_at` FROM `deploy_events` ev WHERE ev.`deploy_id` = `deploys`.`id` AND ev.`to_status` = 'initiated' ORDER BY ev.`id` LIMIT 1),
  `building_at` = (SELECT ev.`occurred_at` FROM `deploy_events` ev WHERE ev.`deploy_id` = `deploys`.`id` AND ev.`to_status` = 'building' ORDER BY ev.`id` LIMIT 1),
  `deploying_at` = (SELECT ev.`occurred_at` FROM `deploy_events` ev WHERE ev.`deploy_id` = `deploys`.`id` AND ev.`to_status` = 'deploying' ORDER BY ev.`id` LIMIT 1)
WHERE EXISTS (SELECT 1 FROM `deploy_events` ev WHERE ev.`deploy_id` = `deploys`.`id` AND ev.`to_status` IN ('initiated', 'building', 'deploying'));
