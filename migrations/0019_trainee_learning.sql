CREATE TABLE `trainee_learning` (
	`trainee_id` integer PRIMARY KEY NOT NULL,
	`enterprise_id` integer,
	`full_name` text NOT NULL,
	`assigned_count` integer NOT NULL,
	`complete_count` integer NOT NULL,
	`assigned_done` integer NOT NULL,
	`assigned_total` integer NOT NULL,
	`assigned_percent` integer NOT NULL,
	`overdue` integer NOT NULL,
	`courses_percent` integer NOT NULL,
	`passes` integer NOT NULL,
	`latest_score` integer NOT NULL,
	`latest_max_score` integer,
	`latest_passed` integer,
	`latest_finished_at` integer,
	`mastery_pct` integer NOT NULL,
	`week_answered` integer NOT NULL,
	`week_right` integer NOT NULL,
	`next_change_on` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trainee_learning_name_idx` ON `trainee_learning` (`enterprise_id`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_progress_idx` ON `trainee_learning` (`enterprise_id`,`assigned_percent`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_overdue_idx` ON `trainee_learning` (`enterprise_id`,`overdue`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_score_idx` ON `trainee_learning` (`enterprise_id`,`latest_score`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_passes_idx` ON `trainee_learning` (`enterprise_id`,`passes`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_mastery_idx` ON `trainee_learning` (`enterprise_id`,`mastery_pct`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_practised_idx` ON `trainee_learning` (`enterprise_id`,`week_answered`,`full_name`,`trainee_id`);--> statement-breakpoint
CREATE INDEX `trainee_learning_next_change_idx` ON `trainee_learning` (`next_change_on`) WHERE next_change_on IS NOT NULL;--> statement-breakpoint
-- backfill
-- Every stored readiness is marked as of older rules: the readiness keeper works each person out again after start, in chunks of 200 in the background, and that pass writes their trainee_learning row too.
UPDATE `trainee_readiness` SET `generation` = -1;
