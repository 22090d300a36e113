import { sql } from 'drizzle-orm'
import { pgTable, integer, bigint, boolean, doublePrecision, jsonb, text, index, uniqueIndex, primaryKey, customType } from 'drizzle-orm/pg-core'
import { trainees } from './orgs.js'
import { bankReleases, blueprintVersions, questionVersions } from './bank.js'
import type { DomainResult } from '../../features/exams/grading.js'
import { FINISH_REASONS, encodeOptionOrder, decodeOptionOrder } from '../schema-values.js'
export { FINISH_REASONS, encodeOptionOrder, decodeOptionOrder, type FinishReason } from '../schema-values.js'
import { timestampMs } from '../pg-columns.js'

// PostgreSQL twin of ../schema/exams.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const attempts = pgTable('attempts', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  blueprintKey: text('blueprint_key').notNull(),
  blueprintVersionId: integer('blueprint_version_id').notNull().references(() => blueprintVersions.id),
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  seed: text('seed').notNull(),
  passMark: doublePrecision('pass_mark').notNull(),
  maxScore: doublePrecision('max_score').notNull(),
  startedAt: timestampMs('started_at').notNull(),
  deadlineAt: timestampMs('deadline_at').notNull(),
  finishedAt: timestampMs('finished_at'),
  finishReason: text('finish_reason', { enum: FINISH_REASONS }),
  score: doublePrecision('score'),
  passed: boolean('passed'),
  breakdown: jsonb('breakdown').$type<DomainResult[]>()
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

export const attemptItems = pgTable('attempt_items', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  attemptId: integer('attempt_id').notNull().references(() => attempts.id),
  slot: integer('slot').notNull(),
  questionVersionId: integer('question_version_id').notNull().references(() => questionVersions.id),
  optionOrder: optionOrder('option_order').notNull(),
  points: doublePrecision('points').notNull(),
  flagged: boolean('flagged').notNull().default(false),
  answered: boolean('answered').notNull().default(false)
}, (t) => [uniqueIndex('attempt_items_slot_idx').on(t.attemptId, t.slot)])

export const attemptSteps = pgTable('attempt_steps', {
  attemptItemId: bigint('attempt_item_id', { mode: 'number' }).notNull().references(() => attemptItems.id),
  seq: integer('seq').notNull(),
  response: jsonb('response').$type<string[]>().notNull(),
  at: timestampMs('at').notNull()
}, (t) => [primaryKey({ columns: [t.attemptItemId, t.seq] })])

export const recentPapers = pgTable('recent_papers', {
  attemptId: integer('attempt_id').primaryKey().references(() => attempts.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  questionVersionIds: jsonb('question_version_ids').$type<number[]>().notNull()
}, (t) => [index('recent_papers_trainee_idx').on(t.traineeId)])
