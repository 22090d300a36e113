CREATE TABLE `applications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sitting_id` integer NOT NULL,
	`trainee_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`statement_id` integer NOT NULL,
	`resit` integer DEFAULT false NOT NULL,
	`applied_by` integer NOT NULL,
	`applied_at` integer NOT NULL,
	`status` text NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`return_reason` text,
	`result` text,
	`result_by` integer,
	`result_at` integer,
	FOREIGN KEY (`sitting_id`) REFERENCES `exam_sittings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`statement_id`) REFERENCES `statements`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`applied_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`result_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `applications_sitting_idx` ON `applications` (`sitting_id`,`status`);--> statement-breakpoint
CREATE INDEX `applications_trainee_idx` ON `applications` (`trainee_id`,`applied_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `applications_one_open_idx` ON `applications` (`trainee_id`) WHERE status = 'pending' OR (status = 'accepted' AND result IS NULL);--> statement-breakpoint
CREATE TABLE `exam_sittings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`jurisdiction_id` integer NOT NULL,
	`sits_on` text NOT NULL,
	`starts_at` text NOT NULL,
	`venue` text NOT NULL,
	`capacity` integer NOT NULL,
	`apply_by` text NOT NULL,
	`published_by` integer NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`jurisdiction_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `exam_sittings_jurisdiction_idx` ON `exam_sittings` (`jurisdiction_id`,`sits_on`);--> statement-breakpoint
CREATE TABLE `statements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`trainee_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`snapshot` text NOT NULL,
	`issued_by` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_by` integer,
	`revoke_reason` text,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`revoked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statements_code_unique` ON `statements` (`code`);--> statement-breakpoint
CREATE INDEX `statements_trainee_idx` ON `statements` (`trainee_id`,`issued_at`);