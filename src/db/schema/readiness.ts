import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './auth.js'
import { enterprises, jurisdictions } from './org-units.js'
import { trainees, DUTY_STATUSES } from './orgs.js'
import type { StatementSnapshot } from '../../features/readiness/statements.js'
import type { RuleResult } from '../../features/readiness/rules.js'
import { APPLICATION_STATUSES, EXAM_RESULTS, READINESS_STATUSES } from '../schema-values.js'
export { APPLICATION_STATUSES, EXAM_RESULTS, READINESS_STATUSES, type ApplicationStatus, type ExamResult } from '../schema-values.js'

/**
 * A readiness statement: an immutable snapshot of the evidence that made a
 * trainee eligible, found again by its verification code. Only the revocation
 * columns ever change.
 */
export const statements = sqliteTable('statements', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  snapshot: text('snapshot', { mode: 'json' }).$type<StatementSnapshot>().notNull(),
  issuedBy: integer('issued_by').notNull().references(() => users.id),
  issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  revokedBy: integer('revoked_by').references(() => users.id),
  revokeReason: text('revoke_reason')
}, (t) => [index('statements_trainee_idx').on(t.traineeId, t.issuedAt)])

/** A sitting of the official qualification exam, published by police at district level or above. */
export const examSittings = sqliteTable('exam_sittings', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  sitsOn: text('sits_on').notNull(),
  startsAt: text('starts_at').notNull(),
  venue: text('venue').notNull(),
  capacity: integer('capacity').notNull(),
  applyBy: text('apply_by').notNull(),
  publishedBy: integer('published_by').notNull().references(() => users.id),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('exam_sittings_jurisdiction_idx').on(t.jurisdictionId, t.sitsOn)])

/** A trainer's application for one guard to sit one sitting, carrying the guard's statement. */
export const applications = sqliteTable('applications', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sittingId: integer('sitting_id').notNull().references(() => examSittings.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  statementId: integer('statement_id').notNull().references(() => statements.id),
  resit: integer('resit', { mode: 'boolean' }).notNull().default(false),
  appliedBy: integer('applied_by').notNull().references(() => users.id),
  appliedAt: integer('applied_at', { mode: 'timestamp_ms' }).notNull(),
  status: text('status', { enum: APPLICATION_STATUSES }).notNull(),
  decidedBy: integer('decided_by').references(() => users.id),
  decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
  returnReason: text('return_reason'),
  result: text('result', { enum: EXAM_RESULTS }),
  resultBy: integer('result_by').references(() => users.id),
  resultAt: integer('result_at', { mode: 'timestamp_ms' })
}, (t) => [
  index('applications_sitting_idx').on(t.sittingId, t.status),
  index('applications_trainee_idx').on(t.traineeId, t.appliedAt),
  index('applications_enterprise_idx').on(t.enterpriseId, t.status),
  // One application in flight per person: pending, or accepted and waiting for its result.
  uniqueIndex('applications_one_open_idx').on(t.traineeId).where(sql`status = 'pending' OR (status = 'accepted' AND result IS NULL)`)
])

/**
 * Each person's readiness as the rules last worked it out (readiness/rules.ts is the one source of
 * truth; a row is its output), kept in the same transaction as every change it depends on
 * (readiness/keeper.ts), with the person's current employer, duty status and certificate beside it
 * so that the police dashboard counts one covering index. `next_change_on` is the local date the
 * result changes by itself (an 18th birthday, a pass leaving the window): the daily sweep reads
 * only the rows due. `generation` is the rules' generation the row was worked out under: a row
 * below the current one is being recomputed after a rule change.
 */
export const traineeReadiness = sqliteTable('trainee_readiness', {
  traineeId: integer('trainee_id').primaryKey().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').references(() => enterprises.id),
  dutyStatus: text('duty_status', { enum: DUTY_STATUSES }),
  certified: integer('certified', { mode: 'boolean' }).notNull(),
  status: text('status', { enum: READINESS_STATUSES }).notNull(),
  rules: text('rules', { mode: 'json' }).$type<RuleResult[]>().notNull(),
  /** The attempt ids of the passes that satisfy the mock rule, newest first. */
  qualifying: text('qualifying', { mode: 'json' }).$type<number[]>().notNull(),
  nextChangeOn: text('next_change_on'),
  evaluatedOn: text('evaluated_on').notNull(),
  generation: integer('generation').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [
  index('trainee_readiness_enterprise_idx').on(t.enterpriseId, t.dutyStatus, t.certified, t.status, t.generation),
  index('trainee_readiness_next_change_idx').on(t.nextChangeOn).where(sql`next_change_on IS NOT NULL`),
  index('trainee_readiness_generation_idx').on(t.generation)
])

/**
 * Each enterprise's head counts over its rows of trainee_readiness (the rows whose enterprise_id is
 * it), kept exactly in step with them: every write of trainee_readiness adds the difference between
 * the old and the new rows here in the same transaction (readiness/store.ts, upsertReadiness), and
 * `readiness rebuild` ends with a recount. The police dashboard and the enterprise lists read one
 * row per enterprise shown, and a jurisdiction's totals are one SUM over its enterprises' rows.
 * An enterprise nobody has ever been counted in has no row (read as zeros).
 */
export const enterpriseCounts = sqliteTable('enterprise_counts', {
  enterpriseId: integer('enterprise_id').primaryKey().references(() => enterprises.id),
  /** Rows of the enterprise (everyone it employs, any duty status). */
  people: integer('people').notNull().default(0),
  inTraining: integer('in_training').notNull().default(0),
  onDuty: integer('on_duty').notNull().default(0),
  /** On duty without a valid certificate. */
  onDutyUncertified: integer('on_duty_uncertified').notNull().default(0),
  /** Stored status eligible (any duty status, certified or not), as the drill-down lists them. */
  eligible: integer('eligible').notNull().default(0),
  /** Eligible and without a valid certificate: the trainer's "ready to apply" headline. */
  eligibleUncertified: integer('eligible_uncertified').notNull().default(0),
  certified: integer('certified').notNull().default(0)
})
