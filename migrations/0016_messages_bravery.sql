CREATE TABLE `bravery_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trainee_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`occurred_on` text NOT NULL,
	`place` text NOT NULL,
	`account` text NOT NULL,
	`witnesses` text DEFAULT '' NOT NULL,
	`outcome` text DEFAULT '' NOT NULL,
	`reported_by` integer NOT NULL,
	`reported_at` integer NOT NULL,
	`status` text NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`review_note` text,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bravery_reports_enterprise_idx` ON `bravery_reports` (`enterprise_id`,`reported_at`);--> statement-breakpoint
CREATE INDEX `bravery_reports_trainee_idx` ON `bravery_reports` (`trainee_id`);--> statement-breakpoint
CREATE TABLE `briefings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`held_on` text NOT NULL,
	`attendees` text NOT NULL,
	`minutes` text NOT NULL,
	`recorded_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `enterprise_messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `briefings_message_idx` ON `briefings` (`message_id`,`held_on`);--> statement-breakpoint
CREATE TABLE `enterprise_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`reply_by` text,
	`sent_by` integer NOT NULL,
	`sent_at` integer NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sent_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `enterprise_messages_unit_idx` ON `enterprise_messages` (`unit_id`,`sent_at`);--> statement-breakpoint
CREATE TABLE `message_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`name` text NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`key_enc` text NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `enterprise_messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_attachments_file_name_unique` ON `message_attachments` (`file_name`);--> statement-breakpoint
CREATE INDEX `message_attachments_message_idx` ON `message_attachments` (`message_id`);--> statement-breakpoint
CREATE TABLE `message_targets` (
	`message_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`read_at` integer,
	`read_by` integer,
	`reply` text,
	`replied_at` integer,
	`replied_by` integer,
	FOREIGN KEY (`message_id`) REFERENCES `enterprise_messages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`read_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`replied_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_targets_pk` ON `message_targets` (`message_id`,`enterprise_id`);--> statement-breakpoint
CREATE INDEX `message_targets_enterprise_idx` ON `message_targets` (`enterprise_id`,`read_at`);