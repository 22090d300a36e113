CREATE TABLE `attempt_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`attempt_id` integer NOT NULL,
	`slot` integer NOT NULL,
	`question_version_id` integer NOT NULL,
	`option_order` text NOT NULL,
	`points` real NOT NULL,
	`flagged` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`attempt_id`) REFERENCES `attempts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`question_version_id`) REFERENCES `question_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attempt_items_slot_idx` ON `attempt_items` (`attempt_id`,`slot`);--> statement-breakpoint
CREATE TABLE `attempt_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`attempt_item_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`response` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`attempt_item_id`) REFERENCES `attempt_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attempt_steps_item_seq_idx` ON `attempt_steps` (`attempt_item_id`,`seq`);--> statement-breakpoint
CREATE TABLE `attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trainee_id` integer NOT NULL,
	`blueprint_key` text NOT NULL,
	`blueprint_version_id` integer NOT NULL,
	`release_id` integer NOT NULL,
	`seed` text NOT NULL,
	`recently_seen` text NOT NULL,
	`pass_mark` real NOT NULL,
	`max_score` real NOT NULL,
	`started_at` integer NOT NULL,
	`deadline_at` integer NOT NULL,
	`finished_at` integer,
	`finish_reason` text,
	`score` real,
	`passed` integer,
	`breakdown` text,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`blueprint_version_id`) REFERENCES `blueprint_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`release_id`) REFERENCES `bank_releases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attempts_one_open_idx` ON `attempts` (`trainee_id`,`blueprint_key`) WHERE finished_at IS NULL;--> statement-breakpoint
CREATE INDEX `attempts_trainee_idx` ON `attempts` (`trainee_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `attempts_open_deadline_idx` ON `attempts` (`deadline_at`) WHERE finished_at IS NULL;