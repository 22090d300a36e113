ALTER TABLE `bank_releases` ADD `titles` text;--> statement-breakpoint
ALTER TABLE `bank_releases` ADD `languages` text;--> statement-breakpoint
ALTER TABLE `lesson_versions` ADD `titles` text;