import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/sqlite-core'
import { users } from './auth.js'
import { enterprises } from './org-units.js'
import { trainees } from './orgs.js'
import { bankReleases, lessonVersions } from './bank.js'
import { CURRICULUM_ITEM_KINDS } from '../schema-values.js'
export { CURRICULUM_ITEM_KINDS, type CurriculumItemKind } from '../schema-values.js'

/**
 * What a trainee has done with one lesson. Keyed by the lesson's stable key
 * (`domain/topic`), not by a version: a lesson studied in an older version
 * still counts, and `lesson_version_id` (the version studied) against the
 * current release's version tells that it was updated since.
 */
export const lessonProgress = sqliteTable('lesson_progress', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  lessonKey: text('lesson_key').notNull(),
  lessonVersionId: integer('lesson_version_id').references(() => lessonVersions.id),
  studiedAt: integer('studied_at', { mode: 'timestamp_ms' }),
  checkPassedAt: integer('check_passed_at', { mode: 'timestamp_ms' })
}, (t) => [primaryKey({ columns: [t.traineeId, t.lessonKey] })])

export interface CheckAnswer { response: string[], right: boolean }

/**
 * One end-of-lesson check: a few questions of the topic drawn from the current
 * release. It is practice only: no attempt, no score, nothing that counts
 * toward exams. `answers` holds, per question version id, its last answer
 * and whether it was right; the check passes when every one is.
 */
export const lessonChecks = sqliteTable('lesson_checks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  lessonKey: text('lesson_key').notNull(),
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  questionVersionIds: text('question_version_ids', { mode: 'json' }).$type<number[]>().notNull(),
  answers: text('answers', { mode: 'json' }).$type<Record<string, CheckAnswer>>().notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  passedAt: integer('passed_at', { mode: 'timestamp_ms' })
}, (t) => [index('lesson_checks_trainee_idx').on(t.traineeId, t.lessonKey, t.startedAt)])

/** A named group of one enterprise's trainees (an intake month, a site). */
export const cohorts = sqliteTable('cohorts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  name: text('name').notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [uniqueIndex('cohorts_enterprise_name_idx').on(t.enterpriseId, t.name)])

export const cohortMembers = sqliteTable('cohort_members', {
  cohortId: integer('cohort_id').notNull().references(() => cohorts.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  addedAt: integer('added_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [primaryKey({ columns: [t.cohortId, t.traineeId] }), index('cohort_members_trainee_idx').on(t.traineeId)])

/** What an enterprise asks its trainees to complete. */
export const curricula = sqliteTable('curricula', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  title: text('title').notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [uniqueIndex('curricula_enterprise_title_idx').on(t.enterpriseId, t.title)])

/**
 * One requirement of a curriculum: a whole course (a syllabus domain), one
 * topic, a number of passed mock exams of one blueprint, or practising one
 * topic to 80% mastery (kind `practice`). Items name the
 * bank's stable keys, so a curriculum follows the bank's releases.
 */
export const curriculumItems = sqliteTable('curriculum_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  curriculumId: integer('curriculum_id').notNull().references(() => curricula.id),
  position: integer('position').notNull(),
  kind: text('kind', { enum: CURRICULUM_ITEM_KINDS }).notNull(),
  domain: text('domain'),
  topic: text('topic'),
  blueprintKey: text('blueprint_key'),
  requiredPasses: integer('required_passes')
}, (t) => [uniqueIndex('curriculum_items_position_idx').on(t.curriculumId, t.position)])

/**
 * A curriculum given to one trainee or to a cohort (exactly one of the two).
 * A cohort assignment applies to whoever is a member now, so a later joiner
 * receives it too. It applies only while the trainee is employed by
 * `enterprise_id`. `due_on` is a local date (YYYY-MM-DD) in the display zone.
 */
export const assignments = sqliteTable('assignments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  curriculumId: integer('curriculum_id').notNull().references(() => curricula.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  traineeId: integer('trainee_id').references(() => trainees.id),
  cohortId: integer('cohort_id').references(() => cohorts.id),
  dueOn: text('due_on'),
  mandatory: integer('mandatory', { mode: 'boolean' }).notNull(),
  assignedBy: integer('assigned_by').references(() => users.id),
  assignedAt: integer('assigned_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [
  check('assignments_one_target', sql`(${t.traineeId} IS NULL) <> (${t.cohortId} IS NULL)`),
  index('assignments_enterprise_idx').on(t.enterpriseId),
  index('assignments_trainee_idx').on(t.traineeId),
  index('assignments_cohort_idx').on(t.cohortId)
])

/**
 * Each trainee's learning summary as the trainer's table shows it, stored so that `/training`
 * filters, sorts, pages and counts in SQL (one row per trainee; `enterprise_id` is the open
 * employment's enterprise, null when none). Written by the readiness keeper's pass
 * (`refreshReadiness`, in the transaction of every event that moves it) from `learningFor`;
 * the practice figures (`mastery_pct`, `week_*`) are also brought up to date by each answer.
 * `next_change_on` is the first local day the summary changes by the calendar alone (an
 * assignment falling overdue, a practice day leaving the 7-day window): the daily sweep reads it.
 * `full_name` is the trainee's name, kept here for the name sort and search.
 */
export const traineeLearning = sqliteTable('trainee_learning', {
  traineeId: integer('trainee_id').primaryKey().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').references(() => enterprises.id),
  fullName: text('full_name').notNull(),
  assignedCount: integer('assigned_count').notNull(),
  completeCount: integer('complete_count').notNull(),
  assignedDone: integer('assigned_done').notNull(),
  assignedTotal: integer('assigned_total').notNull(),
  assignedPercent: integer('assigned_percent').notNull(),
  overdue: integer('overdue').notNull(),
  coursesPercent: integer('courses_percent').notNull(),
  passes: integer('passes').notNull(),
  /** The latest finished mock's score, -1 when there is none (the score sort puts them first). */
  latestScore: integer('latest_score').notNull(),
  latestMaxScore: integer('latest_max_score'),
  latestPassed: integer('latest_passed', { mode: 'boolean' }),
  latestFinishedAt: integer('latest_finished_at', { mode: 'timestamp_ms' }),
  masteryPct: integer('mastery_pct').notNull(),
  weekAnswered: integer('week_answered').notNull(),
  weekRight: integer('week_right').notNull(),
  nextChangeOn: text('next_change_on'),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [
  index('trainee_learning_name_idx').on(t.enterpriseId, t.fullName, t.traineeId),
  index('trainee_learning_progress_idx').on(t.enterpriseId, t.assignedPercent, t.fullName, t.traineeId),
  index('trainee_learning_overdue_idx').on(t.enterpriseId, t.overdue, t.fullName, t.traineeId),
  index('trainee_learning_score_idx').on(t.enterpriseId, t.latestScore, t.fullName, t.traineeId),
  index('trainee_learning_passes_idx').on(t.enterpriseId, t.passes, t.fullName, t.traineeId),
  index('trainee_learning_mastery_idx').on(t.enterpriseId, t.masteryPct, t.fullName, t.traineeId),
  index('trainee_learning_practised_idx').on(t.enterpriseId, t.weekAnswered, t.fullName, t.traineeId),
  index('trainee_learning_next_change_idx').on(t.nextChangeOn).where(sql`next_change_on IS NOT NULL`)
])
