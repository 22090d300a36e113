CREATE TABLE `recent_papers` (
	`attempt_id` integer PRIMARY KEY NOT NULL,
	`trainee_id` integer NOT NULL,
	`question_version_ids` text NOT NULL,
	FOREIGN KEY (`attempt_id`) REFERENCES `attempts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `recent_papers_trainee_idx` ON `recent_papers` (`trainee_id`);--> statement-breakpoint
-- Exposure control reads the papers of each trainee's last three finished attempts: move exactly those here.
INSERT INTO `recent_papers` (`attempt_id`, `trainee_id`, `question_version_ids`)
SELECT a.`id`, a.`trainee_id`, (SELECT json_group_array(i.`question_version_id`) FROM (SELECT `question_version_id` FROM `attempt_items` WHERE `attempt_id` = a.`id` ORDER BY `slot`) i)
FROM `attempts` a
WHERE a.`finished_at` IS NOT NULL
  AND a.`id` IN (SELECT b.`id` FROM `attempts` b WHERE b.`trainee_id` = a.`trainee_id` AND b.`finished_at` IS NOT NULL ORDER BY b.`started_at` DESC LIMIT 3);--> statement-breakpoint
ALTER TABLE `attempts` DROP COLUMN `recently_seen`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_attempt_steps` (
	`attempt_item_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`response` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`attempt_item_id`, `seq`),
	FOREIGN KEY (`attempt_item_id`) REFERENCES `attempt_items`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_attempt_steps`("attempt_item_id", "seq", "response", "at") SELECT "attempt_item_id", "seq", "response", "at" FROM `attempt_steps` ORDER BY "attempt_item_id", "seq";--> statement-breakpoint
DROP TABLE `attempt_steps`;--> statement-breakpoint
ALTER TABLE `__new_attempt_steps` RENAME TO `attempt_steps`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
-- Option orders as one character per option ("ACDB", true/false as "t"/"f") instead of JSON arrays.
UPDATE `attempt_items` SET `option_order` = replace(replace(replace(replace(replace(replace(`option_order`, '"true"', 't'), '"false"', 'f'), '"', ''), ',', ''), '[', ''), ']', '') WHERE `option_order` LIKE '[%';
