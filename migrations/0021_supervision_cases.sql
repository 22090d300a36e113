CREATE TABLE `escalation_cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`basis` text NOT NULL,
	`note` text NOT NULL,
	`status` text NOT NULL,
	`escalated_by` integer NOT NULL,
	`escalated_at` integer NOT NULL,
	`closed_by` integer,
	`closed_at` integer,
	`closing_note` text,
	FOREIGN KEY (`notice_id`) REFERENCES `rectification_notices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `jurisdictions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`escalated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_cases_notice_id_unique` ON `escalation_cases` (`notice_id`);--> statement-breakpoint
CREATE INDEX `escalation_cases_status_idx` ON `escalation_cases` (`status`,`escalated_at`);--> statement-breakpoint
DROP INDEX `employments_site_idx`;--> statement-breakpoint
CREATE INDEX `employments_site_idx` ON `employments` (`site_id`,`duty_status`,`trainee_id`) WHERE ended_on IS NULL;--> statement-breakpoint
ALTER TABLE `bravery_reports` ADD `station_id` integer REFERENCES jurisdictions(id);--> statement-breakpoint
CREATE INDEX `bravery_reports_station_idx` ON `bravery_reports` (`station_id`,`reported_at`);--> statement-breakpoint
-- backfill
-- Each bravery report's reviewing station: the station of the guard's site, else of the enterprise's registration.
UPDATE `bravery_reports` SET `station_id` = coalesce(
  (SELECT s.jurisdiction_id FROM employments m JOIN sites s ON s.id = m.site_id WHERE m.trainee_id = bravery_reports.trainee_id AND m.enterprise_id = bravery_reports.enterprise_id AND m.ended_on IS NULL),
  (SELECT e.jurisdiction_id FROM enterprises e WHERE e.id = bravery_reports.enterprise_id)
) WHERE `station_id` IS NULL;
--> statement-breakpoint
-- backfill
-- A case record for each notice already escalated.
INSERT INTO `escalation_cases` (`notice_id`, `unit_id`, `basis`, `note`, `status`, `escalated_by`, `escalated_at`)
SELECT n.id, u.jurisdiction_id, coalesce(n.escalation_basis, ''), coalesce(n.escalation_note, ''), 'open', n.escalated_by, n.escalated_at
FROM rectification_notices n JOIN users u ON u.id = n.escalated_by
WHERE n.escalated_by IS NOT NULL AND n.escalated_at IS NOT NULL AND u.jurisdiction_id IS NOT NULL AND n.id NOT IN (SELECT notice_id FROM escalation_cases);
--> statement-breakpoint
-- backfill: supervision audit scopes
-- The units of the supervision events already logged (audit/queries.ts SITE_OF_EVENT and the lines after it).
WITH RECURSIVE ev AS (SELECT id, at, actor_id, subject_type, subject_id, details FROM audit_events WHERE subject_type IN ('site', 'inspection', 'notice', 'case', 'bravery', 'message') OR (subject_type = 'trainee' AND action = 'employment.site')),
ev_site (event_id, at, site_id) AS (
  SELECT ev.id, ev.at, CASE ev.subject_type
    WHEN 'site' THEN CAST(ev.subject_id AS INTEGER)
    WHEN 'inspection' THEN (SELECT i.site_id FROM inspections i WHERE i.id = CAST(ev.subject_id AS INTEGER))
    WHEN 'notice' THEN (SELECT n.site_id FROM rectification_notices n WHERE n.id = CAST(ev.subject_id AS INTEGER))
    WHEN 'case' THEN (SELECT n.site_id FROM escalation_cases c JOIN rectification_notices n ON n.id = c.notice_id WHERE c.id = CAST(ev.subject_id AS INTEGER))
  END FROM ev WHERE ev.subject_type IN ('site', 'inspection', 'notice', 'case')
  UNION ALL SELECT ev.id, ev.at, x.value FROM ev, json_each(ev.details, '$.siteIds') x WHERE ev.subject_type = 'trainee' AND ev.details IS NOT NULL
  UNION ALL SELECT ev.id, ev.at, json_extract(ev.details, '$.to') FROM ev WHERE ev.subject_type = 'trainee' AND json_extract(ev.details, '$.to') IS NOT NULL
  UNION ALL SELECT ev.id, ev.at, json_extract(ev.details, '$.from') FROM ev WHERE ev.subject_type = 'trainee' AND json_extract(ev.details, '$.from') IS NOT NULL
),
direct (event_id, at, j) AS (
  SELECT x.event_id, x.at, s.jurisdiction_id FROM ev_site x JOIN sites s ON s.id = x.site_id
  UNION ALL SELECT x.event_id, x.at, e.jurisdiction_id FROM ev_site x JOIN sites s ON s.id = x.site_id JOIN enterprises e ON e.id = s.enterprise_id
  UNION ALL SELECT ev.id, ev.at, b.station_id FROM ev JOIN bravery_reports b ON ev.subject_type = 'bravery' AND b.id = CAST(ev.subject_id AS INTEGER)
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN bravery_reports b ON ev.subject_type = 'bravery' AND b.id = CAST(ev.subject_id AS INTEGER) JOIN enterprises e ON e.id = b.enterprise_id
  UNION ALL SELECT ev.id, ev.at, m.unit_id FROM ev JOIN enterprise_messages m ON ev.subject_type = 'message' AND m.id = CAST(ev.subject_id AS INTEGER)
),
up (event_id, at, j) AS (
  SELECT event_id, at, j FROM direct WHERE j IS NOT NULL
  UNION SELECT up.event_id, up.at, p.parent_id FROM up JOIN jurisdictions p ON p.id = up.j WHERE p.parent_id IS NOT NULL
)
INSERT OR IGNORE INTO `audit_scopes` (`jurisdiction_id`, `at`, `event_id`) SELECT j, at, event_id FROM up;
