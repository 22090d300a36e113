ALTER TABLE `attempt_items` ADD `answered` integer DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE `attempt_items` SET `answered` = coalesce((SELECT s.`response` <> '[]' FROM `attempt_steps` s WHERE s.`attempt_item_id` = `attempt_items`.`id` ORDER BY s.`seq` DESC LIMIT 1), 0);
