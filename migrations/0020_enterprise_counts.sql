CREATE TABLE `enterprise_counts` (
	`enterprise_id` integer PRIMARY KEY NOT NULL,
	`people` integer DEFAULT 0 NOT NULL,
	`in_training` integer DEFAULT 0 NOT NULL,
	`on_duty` integer DEFAULT 0 NOT NULL,
	`on_duty_uncertified` integer DEFAULT 0 NOT NULL,
	`eligible` integer DEFAULT 0 NOT NULL,
	`eligible_uncertified` integer DEFAULT 0 NOT NULL,
	`certified` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `enterprises_name_idx` ON `enterprises` (`name`,`id`);--> statement-breakpoint
-- backfill
-- Each enterprise's counts from the stored readiness as it stands (one grouped read of trainee_readiness_enterprise_idx).
INSERT INTO `enterprise_counts` (`enterprise_id`, `people`, `in_training`, `on_duty`, `on_duty_uncertified`, `eligible`, `eligible_uncertified`, `certified`)
SELECT `enterprise_id`, count(*),
  count(*) FILTER (WHERE `duty_status` = 'in-training'), count(*) FILTER (WHERE `duty_status` = 'on-duty'),
  count(*) FILTER (WHERE `duty_status` = 'on-duty' AND NOT `certified`),
  count(*) FILTER (WHERE `status` = 'eligible'), count(*) FILTER (WHERE `status` = 'eligible' AND NOT `certified`),
  count(*) FILTER (WHERE `certified`)
FROM `trainee_readiness` WHERE `enterprise_id` IS NOT NULL GROUP BY `enterprise_id`;
