CREATE TABLE `audit_totals` (
	`id` integer PRIMARY KEY NOT NULL,
	`events` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_subject_idx` ON `audit_events` (`subject_type`,`subject_id`,`at`);--> statement-breakpoint
DROP INDEX IF EXISTS `employments_trainee_idx`;--> statement-breakpoint
CREATE INDEX `employments_trainee_idx` ON `employments` (`trainee_id`,`started_on`);--> statement-breakpoint
INSERT INTO `audit_totals` (`id`, `events`) SELECT 1, count(*) FROM `audit_events`;--> statement-breakpoint
CREATE TRIGGER `audit_totals_count` AFTER INSERT ON `audit_events` BEGIN UPDATE `audit_totals` SET `events` = `events` + 1 WHERE `id` = 1; END;--> statement-breakpoint
CREATE TRIGGER `audit_totals_uncount` AFTER DELETE ON `audit_events` BEGIN UPDATE `audit_totals` SET `events` = `events` - 1 WHERE `id` = 1; END;
