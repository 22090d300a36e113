CREATE TABLE `sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enterprise_id` integer NOT NULL,
	`jurisdiction_id` integer NOT NULL,
	`name` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`jurisdiction_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_enterprise_name_idx` ON `sites` (`enterprise_id`,`name`);--> statement-breakpoint
CREATE INDEX `sites_jurisdiction_idx` ON `sites` (`jurisdiction_id`);--> statement-breakpoint
ALTER TABLE `employments` ADD `site_id` integer REFERENCES sites(id);--> statement-breakpoint
CREATE INDEX `employments_site_idx` ON `employments` (`site_id`) WHERE ended_on IS NULL;