CREATE TABLE `audit_scopes` (
	`jurisdiction_id` integer NOT NULL,
	`at` integer NOT NULL,
	`event_id` integer NOT NULL,
	PRIMARY KEY(`jurisdiction_id`, `at`, `event_id`)
);
--> statement-breakpoint
WITH RECURSIVE ev AS (SELECT id, at, actor_id, subject_type, subject_id, details FROM audit_events),
direct (event_id, at, j) AS (
  SELECT ev.id, ev.at, u.jurisdiction_id FROM ev JOIN users u ON u.id = ev.actor_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN users u ON u.id = ev.actor_id JOIN enterprises e ON e.id = u.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN trainees t ON t.user_id = ev.actor_id JOIN employments m ON m.trainee_id = t.id AND m.ended_on IS NULL JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN enterprises e ON ev.subject_type = 'enterprise' AND e.id = CAST(ev.subject_id AS INTEGER)
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN employments m ON ev.subject_type = 'trainee' AND m.trainee_id = CAST(ev.subject_id AS INTEGER) AND m.ended_on IS NULL JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN enterprises e ON ev.subject_type = 'trainee' AND e.id = json_extract(ev.details, '$.enterpriseId')
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN attempts a ON ev.subject_type = 'attempt' AND a.id = CAST(ev.subject_id AS INTEGER) JOIN employments m ON m.trainee_id = a.trainee_id AND m.ended_on IS NULL JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN statements s ON ev.subject_type = 'statement' AND s.id = CAST(ev.subject_id AS INTEGER) JOIN enterprises e ON e.id = s.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN applications x ON ev.subject_type = 'application' AND x.id = CAST(ev.subject_id AS INTEGER) JOIN enterprises e ON e.id = x.enterprise_id
  UNION ALL SELECT ev.id, ev.at, g.jurisdiction_id FROM ev JOIN exam_sittings g ON ev.subject_type = 'sitting' AND g.id = CAST(ev.subject_id AS INTEGER)
),
up (event_id, at, j) AS (
  SELECT event_id, at, j FROM direct WHERE j IS NOT NULL
  UNION SELECT up.event_id, up.at, p.parent_id FROM up JOIN jurisdictions p ON p.id = up.j WHERE p.parent_id IS NOT NULL
)
INSERT OR IGNORE INTO `audit_scopes` (`jurisdiction_id`, `at`, `event_id`) SELECT j, at, event_id FROM up;
