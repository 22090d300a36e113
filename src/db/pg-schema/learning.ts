import { sql } from 'drizzle-orm'
import { pgTable, integer, boolean, jsonb, text, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/pg-core'
import { users } from './auth.js'
import { enterprises } from './org-units.js'
import { trainees } from './orgs.js'
import { bankReleases, lessonVersions } from './bank.js'
import { CURRICULUM_ITEM_KINDS } from '../schema-values.js'
export { CURRICULUM_ITEM_KINDS, type CurriculumItemKind } from '../schema-values.js'
import type { CheckAnswer } from '../schema/learning.js'
export type { CheckAnswer } from '../schema/learning.js'
import { timestampMs, codePointText } from '../pg-columns.js'

// PostgreSQL twin of ../schema/learning.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const lessonProgress = pgTable('lesson_progress', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  lessonKey: text('lesson_key').notNull(),
  lessonVersionId: integer('lesson_version_id').references(() => lessonVersions.id),
  studiedAt: timestampMs('studied_at'),
  checkPassedAt: timestampMs('check_passed_at')
}, (t) => [primaryKey({ columns: [t.traineeId, t.lessonKey] })])

export const lessonChecks = pgTable('lesson_checks', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  lessonKey: text('lesson_key').notNull(),
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  questionVersionIds: jsonb('question_version_ids').$type<number[]>().notNull(),
  answers: jsonb('answers').$type<Record<string, CheckAnswer>>().notNull(),
  startedAt: timestampMs('started_at').notNull(),
  passedAt: timestampMs('passed_at')
}, (t) => [index('lesson_checks_trainee_idx').on(t.traineeId, t.lessonKey, t.startedAt)])

export const cohorts = pgTable('cohorts', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  name: codePointText('name').notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [uniqueIndex('cohorts_enterprise_name_idx').on(t.enterpriseId, t.name)])

export const cohortMembers = pgTable('cohort_members', {
  cohortId: integer('cohort_id').notNull().references(() => cohorts.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  addedAt: timestampMs('added_at').notNull()
}, (t) => [primaryKey({ columns: [t.cohortId, t.traineeId] }), index('cohort_members_trainee_idx').on(t.traineeId)])

export const curricula = pgTable('curricula', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  title: codePointText('title').notNull(),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [uniqueIndex('curricula_enterprise_title_idx').on(t.enterpriseId, t.title)])

export const curriculumItems = pgTable('curriculum_items', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  curriculumId: integer('curriculum_id').notNull().references(() => curricula.id),
  position: integer('position').notNull(),
  kind: text('kind', { enum: CURRICULUM_ITEM_KINDS }).notNull(),
  domain: text('domain'),
  topic: text('topic'),
  blueprintKey: text('blueprint_key'),
  requiredPasses: integer('required_passes')
}, (t) => [uniqueIndex('curriculum_items_position_idx').on(t.curriculumId, t.position)])

export const assignments = pgTable('assignments', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  curriculumId: integer('curriculum_id').notNull().references(() => curricula.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  traineeId: integer('trainee_id').references(() => trainees.id),
  cohortId: integer('cohort_id').references(() => cohorts.id),
  dueOn: text('due_on'),
  mandatory: boolean('mandatory').notNull(),
  assignedBy: integer('assigned_by').references(() => users.id),
  assignedAt: timestampMs('assigned_at').notNull()
}, (t) => [
  check('assignments_one_target', sql`(${t.traineeId} IS NULL) <> (${t.cohortId} IS NULL)`),
  index('assignments_enterprise_idx').on(t.enterpriseId),
  index('assignments_trainee_idx').on(t.traineeId),
  index('assignments_cohort_idx').on(t.cohortId)
])

export const traineeLearning = pgTable('trainee_learning', {
  traineeId: integer('trainee_id').primaryKey().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').references(() => enterprises.id),
  fullName: codePointText('full_name').notNull(),
  assignedCount: integer('assigned_count').notNull(),
  completeCount: integer('complete_count').notNull(),
  assignedDone: integer('assigned_done').notNull(),
  assignedTotal: integer('assigned_total').notNull(),
  assignedPercent: integer('assigned_percent').notNull(),
  overdue: integer('overdue').notNull(),
  coursesPercent: integer('courses_percent').notNull(),
  passes: integer('passes').notNull(),
  latestScore: integer('latest_score').notNull(),
  latestMaxScore: integer('latest_max_score'),
  latestPassed: boolean('latest_passed'),
  latestFinishedAt: timestampMs('latest_finished_at'),
  masteryPct: integer('mastery_pct').notNull(),
  weekAnswered: integer('week_answered').notNull(),
  weekRight: integer('week_right').notNull(),
  nextChangeOn: text('next_change_on'),
  updatedAt: timestampMs('updated_at').notNull()
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
