import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, real, index, uniqueIndex, primaryKey, customType } from 'drizzle-orm/sqlite-core'
import { trainees } from './orgs.js'
import { bankReleases, blueprintVersions, questionVersions } from './bank.js'
import type { DomainResult } from '../../features/exams/grading.js'
import { FINISH_REASONS, encodeOptionOrder, decodeOptionOrder } from '../schema-values.js'
export { FINISH_REASONS, encodeOptionOrder, decodeOptionOrder, type FinishReason } from '../schema-values.js'

/**
 * One sitting of a mock exam: its inputs (release, blueprint version, seed), its
 * paper (attempt_items) and its result, written once, when it is finalised. What
 * exposure control needs lives in recent_papers, not here: this row is read for
 * every score and stays small.
 */
export const attempts = sqliteTable('attempts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  blueprintKey: text('blueprint_key').notNull(),
  blueprintVersionId: integer('blueprint_version_id').notNull().references(() => blueprintVersions.id),
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  seed: text('seed').notNull(),
  passMark: real('pass_mark').notNull(),
  maxScore: real('max_score').notNull(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
  deadlineAt: integer('deadline_at', { mode: 'timestamp_ms' }).notNull(),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  finishReason: text('finish_reason', { enum: FINISH_REASONS }),
  score: real('score'),
  passed: integer('passed', { mode: 'boolean' }),
  breakdown: text('breakdown', { mode: 'json' }).$type<DomainResult[]>()
}, (t) => [
  uniqueIndex('attempts_one_open_idx').on(t.traineeId, t.blueprintKey).where(sql`finished_at IS NULL`),
  index('attempts_trainee_idx').on(t.traineeId, t.startedAt),
  index('attempts_open_deadline_idx').on(t.deadlineAt).where(sql`finished_at IS NULL`)
])

const optionOrder = customType<{ data: string[], driverData: string }>({
  dataType: () => 'text',
  toDriver: encodeOptionOrder,
  fromDriver: decodeOptionOrder
})

/** The questions of an attempt, pinned to the exact version shown, in the order shown. */
export const attemptItems = sqliteTable('attempt_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  attemptId: integer('attempt_id').notNull().references(() => attempts.id),
  slot: integer('slot').notNull(),
  questionVersionId: integer('question_version_id').notNull().references(() => questionVersions.id),
  optionOrder: optionOrder('option_order').notNull(),
  points: real('points').notNull(),
  flagged: integer('flagged', { mode: 'boolean' }).notNull().default(false),
  /**
   * Whether the item's last step holds an answer: derived from attempt_steps and
   * written in the same transaction as each step, so the navigation grid of every
   * exam page reads one row per item instead of searching its steps.
   */
  answered: integer('answered', { mode: 'boolean' }).notNull().default(false)
}, (t) => [uniqueIndex('attempt_items_slot_idx').on(t.attemptId, t.slot)])

/**
 * Every answer given, insert-only; an item's state is its last step. Keyed by
 * (item, seq) and stored WITHOUT ROWID (see its migration): no separate id and no
 * second index, so a step costs what it holds.
 */
export const attemptSteps = sqliteTable('attempt_steps', {
  attemptItemId: integer('attempt_item_id').notNull().references(() => attemptItems.id),
  seq: integer('seq').notNull(),
  response: text('response', { mode: 'json' }).$type<string[]>().notNull(),
  at: integer('at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [primaryKey({ columns: [t.attemptItemId, t.seq] })])

/**
 * Exposure control: the questions (version ids) of each trainee's last few finished
 * attempts, written when an attempt finishes and pruned in the same transaction to
 * the attempts exposure control looks back on (RECENT_ATTEMPTS).
 */
export const recentPapers = sqliteTable('recent_papers', {
  attemptId: integer('attempt_id').primaryKey().references(() => attempts.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  questionVersionIds: text('question_version_ids', { mode: 'json' }).$type<number[]>().notNull()
}, (t) => [index('recent_papers_trainee_idx').on(t.traineeId)])
