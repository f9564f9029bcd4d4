ALTER TABLE `environments` ADD `prometheus_url` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `prometheus_latency_query` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `prometheus_count_query` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `prometheus_bearer_token` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `prometheus_basic_auth` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `prometheus_error_query` text;--> statement-breakpoint
ALTER TABLE `environments` ADD `prometheus_error_max` real DEFAULT 0.05 NOT NULL;