CREATE TABLE `blueprint_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`blueprint_key` text NOT NULL,
	`version` integer NOT NULL,
	`content_hash` text NOT NULL,
	`body` text NOT NULL,
	`first_release_id` integer NOT NULL,
	FOREIGN KEY (`first_release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blueprint_versions_key_version_idx` ON `blueprint_versions` (`blueprint_key`,`version`);--> statement-breakpoint
CREATE TABLE `lesson_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`lesson_key` text NOT NULL,
	`version` integer NOT NULL,
	`content_hash` text NOT NULL,
	`domain` text NOT NULL,
	`topic` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`first_release_id` integer NOT NULL,
	FOREIGN KEY (`first_release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lesson_versions_key_version_idx` ON `lesson_versions` (`lesson_key`,`version`);--> statement-breakpoint
CREATE TABLE `question_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`question_key` text NOT NULL,
	`version` integer NOT NULL,
	`content_hash` text NOT NULL,
	`domain` text NOT NULL,
	`topic` text NOT NULL,
	`type` text NOT NULL,
	`difficulty` integer NOT NULL,
	`body` text NOT NULL,
	`search_text` text NOT NULL,
	`first_release_id` integer NOT NULL,
	FOREIGN KEY (`first_release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `question_versions_key_version_idx` ON `question_versions` (`question_key`,`version`);--> statement-breakpoint
CREATE INDEX `question_versions_hash_idx` ON `question_versions` (`question_key`,`content_hash`);--> statement-breakpoint
CREATE TABLE `release_blueprints` (
	`release_id` integer NOT NULL,
	`blueprint_version_id` integer NOT NULL,
	PRIMARY KEY(`release_id`, `blueprint_version_id`),
	FOREIGN KEY (`release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`blueprint_version_id`) REFERENCES `blueprint_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `release_lessons` (
	`release_id` integer NOT NULL,
	`lesson_version_id` integer NOT NULL,
	PRIMARY KEY(`release_id`, `lesson_version_id`),
	FOREIGN KEY (`release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lesson_version_id`) REFERENCES `lesson_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `release_questions` (
	`release_id` integer NOT NULL,
	`question_version_id` integer NOT NULL,
	PRIMARY KEY(`release_id`, `question_version_id`),
	FOREIGN KEY (`release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_version_id`) REFERENCES `question_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `release_questions_version_idx` ON `release_questions` (`question_version_id`);--> statement-breakpoint
ALTER TABLE `bank_releases` ADD `syllabus` text;--> statement-breakpoint
ALTER TABLE `bank_releases` ADD `changelog` text;