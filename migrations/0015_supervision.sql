CREATE TABLE `checklist_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`position` integer NOT NULL,
	`title_zh` text NOT NULL,
	`title_en` text NOT NULL,
	`basis` text DEFAULT '' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `inspection_guards` (
	`inspection_id` integer NOT NULL,
	`trainee_id` integer NOT NULL,
	`full_name` text NOT NULL,
	`without_certificate` integer NOT NULL,
	FOREIGN KEY (`inspection_id`) REFERENCES `inspections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inspection_guards_pk` ON `inspection_guards` (`inspection_id`,`trainee_id`);--> statement-breakpoint
CREATE TABLE `inspection_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inspection_id` integer NOT NULL,
	`checklist_item_id` integer NOT NULL,
	`position` integer NOT NULL,
	`title_zh` text NOT NULL,
	`title_en` text NOT NULL,
	`basis` text NOT NULL,
	`result` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`inspection_id`) REFERENCES `inspections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`checklist_item_id`) REFERENCES `checklist_items`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inspection_items_inspection_idx` ON `inspection_items` (`inspection_id`,`position`);--> statement-breakpoint
CREATE TABLE `inspections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`jurisdiction_id` integer NOT NULL,
	`inspected_on` text NOT NULL,
	`officers` text NOT NULL,
	`compliant` integer NOT NULL,
	`applicable` integer NOT NULL,
	`recorded_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`jurisdiction_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inspections_enterprise_idx` ON `inspections` (`enterprise_id`,`inspected_on`);--> statement-breakpoint
CREATE INDEX `inspections_site_idx` ON `inspections` (`site_id`,`inspected_on`);--> statement-breakpoint
CREATE TABLE `notice_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`position` integer NOT NULL,
	`inspection_item_id` integer NOT NULL,
	`title_zh` text NOT NULL,
	`title_en` text NOT NULL,
	`basis` text NOT NULL,
	`requirement` text NOT NULL,
	`status` text NOT NULL,
	`response` text DEFAULT '' NOT NULL,
	`responded_by` integer,
	`responded_at` integer,
	`review_note` text DEFAULT '' NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	FOREIGN KEY (`notice_id`) REFERENCES `rectification_notices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inspection_item_id`) REFERENCES `inspection_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`responded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notice_items_notice_idx` ON `notice_items` (`notice_id`,`position`);--> statement-breakpoint
CREATE TABLE `photos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`key_enc` text NOT NULL,
	`owner_kind` text NOT NULL,
	`owner_id` integer NOT NULL,
	`uploaded_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `photos_file_name_unique` ON `photos` (`file_name`);--> statement-breakpoint
CREATE INDEX `photos_owner_idx` ON `photos` (`owner_kind`,`owner_id`);--> statement-breakpoint
CREATE TABLE `rectification_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`number` text NOT NULL,
	`inspection_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`enterprise_id` integer NOT NULL,
	`deadline` text NOT NULL,
	`status` text NOT NULL,
	`issued_by` integer NOT NULL,
	`issued_at` integer NOT NULL,
	`closed_at` integer,
	`escalated_by` integer,
	`escalated_at` integer,
	`escalation_basis` text,
	`escalation_note` text,
	FOREIGN KEY (`unit_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`inspection_id`) REFERENCES `inspections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`escalated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rectification_notices_number_idx` ON `rectification_notices` (`unit_id`,`year`,`seq`);--> statement-breakpoint
CREATE INDEX `rectification_notices_enterprise_idx` ON `rectification_notices` (`enterprise_id`,`status`,`deadline`);--> statement-breakpoint
CREATE INDEX `rectification_notices_open_idx` ON `rectification_notices` (`status`,`deadline`) WHERE status = 'open';--> statement-breakpoint
INSERT INTO `checklist_items` (`position`, `title_zh`, `title_en`, `basis`, `active`, `updated_at`) VALUES
(1, '在岗保安员均持有保安员证', 'Every guard on duty holds the security guard certificate', '《保安服务管理条例》第十六条、第十八条；违反的依第四十二条处理', 1, 1764633600000),
(2, '在岗保安员穿着保安员服装并佩戴全国统一的保安服务标志', 'Guards on duty wear the guard uniform and the national security-service insignia', '《保安服务管理条例》第二十七条', 1, 1764633600000),
(3, '未穿着、佩戴与警察等制式服装和标志相似的服装、标志', 'No uniform or insignia resembling the police''s or other official uniforms', '《保安服务管理条例》第二十七条', 1, 1764633600000),
(4, '仅在本单位物业管理区域内提供保安服务，未为娱乐场所提供保安服务', 'Security service only within the managed property area, and none for entertainment venues', '《保安服务管理条例》第十三条、第十四条；违反的依第四十二条处理', 1, 1764633600000),
(5, '自行招用保安员的，已自开始保安服务之日起30日内向公安机关备案', 'The enterprise''s own security service was filed with the police within 30 days of starting it', '《保安服务管理条例》第十四条；违反的依第四十二条处理', 1, 1764633600000),
(6, '按岗位需要为保安员配备必要的安全防护装备', 'Protective equipment issued to guards as their posts need', '《保安服务管理条例》第二十八条', 1, 1764633600000),
(7, '监控影像资料、报警记录留存不少于30日', 'CCTV footage and alarm records kept for at least 30 days', '《保安服务管理条例》第二十五条；违反的依第四十二条处理', 1, 1764633600000),
(8, '保安服务值勤记录完整', 'Duty records are kept', '《保安服务管理条例》第四条', 1, 1764633600000);
