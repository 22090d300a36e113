CREATE TABLE `trainee_readiness` (
	`trainee_id` integer PRIMARY KEY NOT NULL,
	`enterprise_id` integer,
	`duty_status` text,
	`certified` integer NOT NULL,
	`status` text NOT NULL,
	`rules` text NOT NULL,
	`qualifying` text NOT NULL,
	`next_change_on` text,
	`evaluated_on` text NOT NULL,
	`generation` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`trainee_id`) REFERENCES `trainees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enterprise_id`) REFERENCES `enterprises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `trainee_readiness_enterprise_idx` ON `trainee_readiness` (`enterprise_id`,`duty_status`,`certified`,`status`,`generation`);--> statement-breakpoint
CREATE INDEX `trainee_readiness_next_change_idx` ON `trainee_readiness` (`next_change_on`) WHERE next_change_on IS NOT NULL;--> statement-breakpoint
CREATE INDEX `trainee_readiness_generation_idx` ON `trainee_readiness` (`generation`);--> statement-breakpoint
CREATE INDEX `employments_trainee_idx` ON `employments` (`trainee_id`,`ended_on`);--> statement-breakpoint
-- Every person already stored gets a row of generation -1, below any real one: the server's
-- readiness keeper works them out in chunks after start (pages say readiness is being recomputed).
INSERT INTO `trainee_readiness` (`trainee_id`, `enterprise_id`, `duty_status`, `certified`, `status`, `rules`, `qualifying`, `next_change_on`, `evaluated_on`, `generation`, `updated_at`)
SELECT t.`id`, e.`enterprise_id`, e.`duty_status`, coalesce(t.`certificate_status` = 'valid', 0), 'not-yet', '[]', '[]', NULL, '', -1, 0
FROM `trainees` t LEFT JOIN `employments` e ON e.`trainee_id` = t.`id` AND e.`ended_on` IS NULL;
