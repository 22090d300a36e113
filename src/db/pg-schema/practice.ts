import { sql } from 'drizzle-orm'
import { pgTable, integer, bigint, boolean, jsonb, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core'
import { trainees } from './orgs.js'
import { bankReleases, questionVersions } from './bank.js'
import { PRACTICE_MODES } from '../schema-values.js'
export { PRACTICE_MODES, type PracticeMode } from '../schema-values.js'
import { timestampMs } from '../pg-columns.js'

// PostgreSQL twin of ../schema/practice.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const practiceSets = pgTable('practice_sets', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  mode: text('mode', { enum: PRACTICE_MODES }).notNull(),
  domain: text('domain'),
  topic: text('topic'),
  itemType: text('item_type'),
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  seed: text('seed').notNull(),
  questionVersionIds: jsonb('question_version_ids').$type<number[]>().notNull(),
  answered: integer('answered').notNull().default(0),
  right: integer('right').notNull().default(0),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [index('practice_sets_trainee_idx').on(t.traineeId, t.mode, t.createdAt)])

export const practiceAnswers = pgTable('practice_answers', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  setId: integer('set_id').notNull().references(() => practiceSets.id),
  position: integer('position').notNull(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  questionVersionId: integer('question_version_id').notNull().references(() => questionVersions.id),
  answer: integer('answer').notNull(),
  right: boolean('right').notNull(),
  at: timestampMs('at').notNull()
}, (t) => [uniqueIndex('practice_answers_set_idx').on(t.setId, t.position)])

export const practiceQuestions = pgTable('practice_questions', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  keyId: integer('key_id').notNull().references(() => questionVersions.id),
  lastRight: boolean('last_right'),
  lastAt: timestampMs('last_at'),
  streak: integer('streak').notNull().default(0),
  misses: integer('misses').notNull().default(0),
  lastMissAt: timestampMs('last_miss_at'),
  inBook: boolean('in_book').notNull().default(false),
  box: integer('box').notNull().default(0),
  dueDay: integer('due_day'),
  favourite: boolean('favourite').notNull().default(false)
}, (t) => [
  primaryKey({ columns: [t.traineeId, t.keyId] }),
  index('practice_questions_due_idx').on(t.traineeId, t.dueDay).where(sql`${t.dueDay} IS NOT NULL`)
])

export const practiceTopics = pgTable('practice_topics', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  topicKey: text('topic_key').notNull(),
  seen: integer('seen').notNull().default(0),
  right: integer('right').notNull().default(0),
  peakPct: integer('peak_pct').notNull().default(0),
  peakAt: timestampMs('peak_at')
}, (t) => [primaryKey({ columns: [t.traineeId, t.topicKey] })])

export const practiceDays = pgTable('practice_days', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  day: integer('day').notNull(),
  answered: integer('answered').notNull().default(0),
  right: integer('right').notNull().default(0)
}, (t) => [primaryKey({ columns: [t.traineeId, t.day] })])
