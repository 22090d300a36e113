import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core'
import { trainees } from './orgs.js'
import { bankReleases, questionVersions } from './bank.js'
import { PRACTICE_MODES } from '../schema-values.js'
export { PRACTICE_MODES, type PracticeMode } from '../schema-values.js'

/**
 * A practice set: the questions one trainee chose to drill, in the order they
 * are asked. `seed` is secret (never sent): it shuffles each question's options
 * and derives their per-set values (lib/option-codes.ts). `answered` and
 * `right` count the set's answers, kept in step with practice_answers.
 */
export const practiceSets = sqliteTable('practice_sets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  mode: text('mode', { enum: PRACTICE_MODES }).notNull(),
  /** The scope chosen: a subject (domain), a topic of it, an item type; null for the whole bank. */
  domain: text('domain'),
  topic: text('topic'),
  itemType: text('item_type'),
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  seed: text('seed').notNull(),
  questionVersionIds: text('question_version_ids', { mode: 'json' }).$type<number[]>().notNull(),
  answered: integer('answered').notNull().default(0),
  right: integer('right').notNull().default(0),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('practice_sets_trainee_idx').on(t.traineeId, t.mode, t.createdAt)])

/**
 * One practice answer, insert-only: the largest table at province size, so
 * integers only. `answer` is a bit mask of the bank's options by their index
 * in the question version (true/false: 1 true, 2 false). At most one answer per
 * position of a set; `at` is when it was given.
 */
export const practiceAnswers = sqliteTable('practice_answers', {
  id: integer('id').primaryKey(),
  setId: integer('set_id').notNull().references(() => practiceSets.id),
  position: integer('position').notNull(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  questionVersionId: integer('question_version_id').notNull().references(() => questionVersions.id),
  answer: integer('answer').notNull(),
  right: integer('right', { mode: 'boolean' }).notNull(),
  at: integer('at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [uniqueIndex('practice_answers_set_idx').on(t.setId, t.position)])

/**
 * Where a trainee stands with one question, by its stable key (`key_id`: the
 * id of the key's first version, so a new bank release keeps the row): its
 * latest answer from any source (practice, a lesson check, a finished mock),
 * the wrong-answer book, the Leitner schedule and the favourite star. Updated
 * in the transaction of every answer; pages read it, never the history.
 */
export const practiceQuestions = sqliteTable('practice_questions', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  keyId: integer('key_id').notNull().references(() => questionVersions.id),
  /** null until first answered. */
  lastRight: integer('last_right', { mode: 'boolean' }),
  lastAt: integer('last_at', { mode: 'timestamp_ms' }),
  /** Right answers in a row since the last miss. */
  streak: integer('streak').notNull().default(0),
  misses: integer('misses').notNull().default(0),
  lastMissAt: integer('last_miss_at', { mode: 'timestamp_ms' }),
  inBook: integer('in_book', { mode: 'boolean' }).notNull().default(false),
  /** Leitner box 1..5; 0 when not scheduled. */
  box: integer('box').notNull().default(0),
  /** The local day (days since 1970-01-01 in the display zone) it is next due; null when not scheduled. */
  dueDay: integer('due_day'),
  favourite: integer('favourite', { mode: 'boolean' }).notNull().default(false)
}, (t) => [
  primaryKey({ columns: [t.traineeId, t.keyId] }),
  index('practice_questions_due_idx').on(t.traineeId, t.dueDay).where(sql`${t.dueDay} IS NOT NULL`)
])

/**
 * Mastery per topic: how many of its questions the trainee has answered
 * (`seen`) and how many of those were right the last time (`right`), from any
 * source. `peak_pct` is the highest mastery reached, so an item "practise to
 * 80%" stays complete once reached.
 */
export const practiceTopics = sqliteTable('practice_topics', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  topicKey: text('topic_key').notNull(),
  seen: integer('seen').notNull().default(0),
  right: integer('right').notNull().default(0),
  peakPct: integer('peak_pct').notNull().default(0),
  peakAt: integer('peak_at', { mode: 'timestamp_ms' })
}, (t) => [primaryKey({ columns: [t.traineeId, t.topicKey] })])

/** Practice answers per trainee and local day (practised this week, accuracy). */
export const practiceDays = sqliteTable('practice_days', {
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  day: integer('day').notNull(),
  answered: integer('answered').notNull().default(0),
  right: integer('right').notNull().default(0)
}, (t) => [primaryKey({ columns: [t.traineeId, t.day] })])
