CREATE TABLE `practice_answers` (
	`id` integer PRIMARY KEY NOT NULL,
	`set_id` integer NOT NULL,
	`position` integer NOT NULL,
	`trainee_id` integer NOT NULL,
	`question_version_id` integer NOT NULL,
	`answer` integer NOT NULL,
	`right` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`set_id`) REFERENCES `practice_sets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_version_id`) REFERENCES `question_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practice_answers_set_idx` ON `practice_answers` (`set_id`,`position`);--> statement-breakpoint
CREATE TABLE `practice_days` (
	`trainee_id` integer NOT NULL,
	`day` integer NOT NULL,
	`answered` integer DEFAULT 0 NOT NULL,
	`right` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`trainee_id`, `day`),
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `practice_questions` (
	`trainee_id` integer NOT NULL,
	`key_id` integer NOT NULL,
	`last_right` integer,
	`last_at` integer,
	`streak` integer DEFAULT 0 NOT NULL,
	`misses` integer DEFAULT 0 NOT NULL,
	`last_miss_at` integer,
	`in_book` integer DEFAULT false NOT NULL,
	`box` integer DEFAULT 0 NOT NULL,
	`due_day` integer,
	`favourite` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`trainee_id`, `key_id`),
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`key_id`) REFERENCES `question_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `practice_questions_due_idx` ON `practice_questions` (`trainee_id`,`due_day`) WHERE "practice_questions"."due_day" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `practice_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trainee_id` integer NOT NULL,
	`mode` text NOT NULL,
	`domain` text,
	`topic` text,
	`item_type` text,
	`release_id` integer NOT NULL,
	`seed` text NOT NULL,
	`question_version_ids` text NOT NULL,
	`answered` integer DEFAULT 0 NOT NULL,
	`right` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `practice_sets_trainee_idx` ON `practice_sets` (`trainee_id`,`mode`,`created_at`);--> statement-breakpoint
CREATE TABLE `practice_topics` (
	`trainee_id` integer NOT NULL,
	`topic_key` text NOT NULL,
	`seen` integer DEFAULT 0 NOT NULL,
	`right` integer DEFAULT 0 NOT NULL,
	`peak_pct` integer DEFAULT 0 NOT NULL,
	`peak_at` integer,
	PRIMARY KEY(`trainee_id`, `topic_key`),
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action
);
