CREATE TABLE `assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`curriculum_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`trainee_id` integer,
	`cohort_id` integer,
	`due_on` text,
	`mandatory` integer NOT NULL,
	`assigned_by` integer,
	`assigned_at` integer NOT NULL,
	FOREIGN KEY (`curriculum_id`) REFERENCES `curricula`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assigned_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "assignments_one_target" CHECK(("assignments"."trainee_id" IS NULL) <> ("assignments"."cohort_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `assignments_enterprise_idx` ON `assignments` (`enterprise_id`);--> statement-breakpoint
CREATE INDEX `assignments_trainee_idx` ON `assignments` (`trainee_id`);--> statement-breakpoint
CREATE INDEX `assignments_cohort_idx` ON `assignments` (`cohort_id`);--> statement-breakpoint
CREATE TABLE `cohort_members` (
	`cohort_id` integer NOT NULL,
	`trainee_id` integer NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`cohort_id`, `trainee_id`),
	FOREIGN KEY (`cohort_id`) REFERENCES `cohorts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cohort_members_trainee_idx` ON `cohort_members` (`trainee_id`);--> statement-breakpoint
CREATE TABLE `cohorts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enterprise_id` integer NOT NULL,
	`name` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cohorts_enterprise_name_idx` ON `cohorts` (`enterprise_id`,`name`);--> statement-breakpoint
CREATE TABLE `curricula` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enterprise_id` integer NOT NULL,
	`title` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `curricula_enterprise_title_idx` ON `curricula` (`enterprise_id`,`title`);--> statement-breakpoint
CREATE TABLE `curriculum_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`curriculum_id` integer NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`domain` text,
	`topic` text,
	`blueprint_key` text,
	`required_passes` integer,
	FOREIGN KEY (`curriculum_id`) REFERENCES `curricula`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `curriculum_items_position_idx` ON `curriculum_items` (`curriculum_id`,`position`);--> statement-breakpoint
CREATE TABLE `lesson_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trainee_id` integer NOT NULL,
	`lesson_key` text NOT NULL,
	`release_id` integer NOT NULL,
	`question_version_ids` text NOT NULL,
	`answers` text NOT NULL,
	`started_at` integer NOT NULL,
	`passed_at` integer,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lesson_checks_trainee_idx` ON `lesson_checks` (`trainee_id`,`lesson_key`,`started_at`);--> statement-breakpoint
CREATE TABLE `lesson_progress` (
	`trainee_id` integer NOT NULL,
	`lesson_key` text NOT NULL,
	`lesson_version_id` integer,
	`studied_at` integer,
	`check_passed_at` integer,
	PRIMARY KEY(`trainee_id`, `lesson_key`),
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lesson_version_id`) REFERENCES `lesson_versions`(`id`) ON UPDATE no action ON DELETE no action
);
