import { sql } from 'drizzle-orm'
import { pgTable, integer, boolean, jsonb, text, index, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './auth.js'
import { enterprises, jurisdictions } from './org-units.js'
import { trainees, DUTY_STATUSES } from './orgs.js'
import type { StatementSnapshot } from '../../features/readiness/statements.js'
import type { RuleResult } from '../../features/readiness/rules.js'
import { APPLICATION_STATUSES, EXAM_RESULTS, READINESS_STATUSES } from '../schema-values.js'
export { APPLICATION_STATUSES, EXAM_RESULTS, READINESS_STATUSES, type ApplicationStatus, type ExamResult } from '../schema-values.js'
import { timestampMs } from '../pg-columns.js'

// PostgreSQL twin of ../schema/readiness.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const statements = pgTable('statements', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  code: text('code').notNull().unique(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  snapshot: jsonb('snapshot').$type<StatementSnapshot>().notNull(),
  issuedBy: integer('issued_by').notNull().references(() => users.id),
  issuedAt: timestampMs('issued_at').notNull(),
  expiresAt: timestampMs('expires_at').notNull(),
  revokedAt: timestampMs('revoked_at'),
  revokedBy: integer('revoked_by').references(() => users.id),
  revokeReason: text('revoke_reason')
}, (t) => [index('statements_trainee_idx').on(t.traineeId, t.issuedAt)])

export const examSittings = pgTable('exam_sittings', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  sitsOn: text('sits_on').notNull(),
  startsAt: text('starts_at').notNull(),
  venue: text('venue').notNull(),
  capacity: integer('capacity').notNull(),
  applyBy: text('apply_by').notNull(),
  publishedBy: integer('published_by').notNull().references(() => users.id),
  publishedAt: timestampMs('published_at').notNull()
}, (t) => [index('exam_sittings_jurisdiction_idx').on(t.jurisdictionId, t.sitsOn)])

export const applications = pgTable('applications', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  sittingId: integer('sitting_id').notNull().references(() => examSittings.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  statementId: integer('statement_id').notNull().references(() => statements.id),
  resit: boolean('resit').notNull().default(false),
  appliedBy: integer('applied_by').notNull().references(() => users.id),
  appliedAt: timestampMs('applied_at').notNull(),
  status: text('status', { enum: APPLICATION_STATUSES }).notNull(),
  decidedBy: integer('decided_by').references(() => users.id),
  decidedAt: timestampMs('decided_at'),
  returnReason: text('return_reason'),
  result: text('result', { enum: EXAM_RESULTS }),
  resultBy: integer('result_by').references(() => users.id),
  resultAt: timestampMs('result_at')
}, (t) => [
  index('applications_sitting_idx').on(t.sittingId, t.status),
  index('applications_trainee_idx').on(t.traineeId, t.appliedAt),
  index('applications_enterprise_idx').on(t.enterpriseId, t.status),
  uniqueIndex('applications_one_open_idx').on(t.traineeId).where(sql`status = 'pending' OR (status = 'accepted' AND result IS NULL)`)
])

export const traineeReadiness = pgTable('trainee_readiness', {
  traineeId: integer('trainee_id').primaryKey().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').references(() => enterprises.id),
  dutyStatus: text('duty_status', { enum: DUTY_STATUSES }),
  certified: boolean('certified').notNull(),
  status: text('status', { enum: READINESS_STATUSES }).notNull(),
  rules: jsonb('rules').$type<RuleResult[]>().notNull(),
  qualifying: jsonb('qualifying').$type<number[]>().notNull(),
  nextChangeOn: text('next_change_on'),
  evaluatedOn: text('evaluated_on').notNull(),
  generation: integer('generation').notNull(),
  updatedAt: timestampMs('updated_at').notNull()
}, (t) => [
  index('trainee_readiness_enterprise_idx').on(t.enterpriseId, t.dutyStatus, t.certified, t.status, t.generation),
  index('trainee_readiness_next_change_idx').on(t.nextChangeOn).where(sql`next_change_on IS NOT NULL`),
  index('trainee_readiness_generation_idx').on(t.generation)
])

export const enterpriseCounts = pgTable('enterprise_counts', {
  enterpriseId: integer('enterprise_id').primaryKey().references(() => enterprises.id),
  people: integer('people').notNull().default(0),
  inTraining: integer('in_training').notNull().default(0),
  onDuty: integer('on_duty').notNull().default(0),
  onDutyUncertified: integer('on_duty_uncertified').notNull().default(0),
  eligible: integer('eligible').notNull().default(0),
  eligibleUncertified: integer('eligible_uncertified').notNull().default(0),
  certified: integer('certified').notNull().default(0)
})
