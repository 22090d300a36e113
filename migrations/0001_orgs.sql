CREATE TABLE `app_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `declarations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trainee_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value` integer NOT NULL,
	`declared_by` integer NOT NULL,
	`declared_at` integer NOT NULL,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`declared_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `declarations_trainee_idx` ON `declarations` (`trainee_id`,`kind`,`declared_at`);--> statement-breakpoint
CREATE TABLE `employments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trainee_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`started_on` text NOT NULL,
	`ended_on` text,
	`duty_status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `employments_one_open_idx` ON `employments` (`trainee_id`) WHERE ended_on IS NULL;--> statement-breakpoint
CREATE INDEX `employments_enterprise_idx` ON `employments` (`enterprise_id`,`ended_on`);--> statement-breakpoint
CREATE TABLE `enterprises` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`credit_code` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`jurisdiction_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`jurisdiction_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enterprises_credit_code_unique` ON `enterprises` (`credit_code`);--> statement-breakpoint
CREATE INDEX `enterprises_jurisdiction_idx` ON `enterprises` (`jurisdiction_id`);--> statement-breakpoint
CREATE TABLE `jurisdictions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jurisdictions_code_unique` ON `jurisdictions` (`code`);--> statement-breakpoint
CREATE INDEX `jurisdictions_parent_idx` ON `jurisdictions` (`parent_id`);--> statement-breakpoint
CREATE TABLE `trainees` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`full_name` text NOT NULL,
	`id_number_enc` text NOT NULL,
	`id_number_hmac` text NOT NULL,
	`birth_date` text NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`education` text NOT NULL,
	`certificate_no` text,
	`certificate_issued_on` text,
	`certificate_status` text,
	`privacy_accepted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `trainees_user_id_unique` ON `trainees` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `trainees_id_number_hmac_unique` ON `trainees` (`id_number_hmac`);--> statement-breakpoint
ALTER TABLE `users` ADD `enterprise_id` integer REFERENCES enterprises(id);--> statement-breakpoint
ALTER TABLE `users` ADD `jurisdiction_id` integer REFERENCES jurisdictions(id);