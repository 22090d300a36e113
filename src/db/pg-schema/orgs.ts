import { sql } from 'drizzle-orm'
import { pgTable, integer, boolean, jsonb, text, index, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './auth.js'
import { enterprises, sites } from './org-units.js'
import { EDUCATION_LEVELS, CERTIFICATE_STATUSES, DUTY_STATUSES, DECLARATION_KINDS } from '../schema-values.js'
export { EDUCATION_LEVELS, CERTIFICATE_STATUSES, DUTY_STATUSES, DECLARATION_KINDS, type Education, type CertificateStatus, type DutyStatus, type DeclarationKind } from '../schema-values.js'
import type { CheckedImportRow } from '../schema/orgs.js'
export type { CheckedImportRow } from '../schema/orgs.js'
import { timestampMs, codePointText } from '../pg-columns.js'

// PostgreSQL twin of ../schema/orgs.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const trainees = pgTable('trainees', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  userId: integer('user_id').unique().references(() => users.id),
  fullName: codePointText('full_name').notNull(),
  idNumberEnc: text('id_number_enc').notNull(),
  idNumberHmac: text('id_number_hmac').notNull().unique(),
  birthDate: text('birth_date').notNull(),
  phone: text('phone').notNull().default(''),
  education: text('education', { enum: EDUCATION_LEVELS }).notNull(),
  certificateNo: text('certificate_no'),
  certificateIssuedOn: text('certificate_issued_on'),
  certificateStatus: text('certificate_status', { enum: CERTIFICATE_STATUSES }),
  privacyAcceptedAt: timestampMs('privacy_accepted_at'),
  createdAt: timestampMs('created_at').notNull(),
  updatedAt: timestampMs('updated_at').notNull()
})

export const employments = pgTable('employments', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  startedOn: text('started_on').notNull(),
  endedOn: text('ended_on'),
  dutyStatus: text('duty_status', { enum: DUTY_STATUSES }).notNull(),
  siteId: integer('site_id').references(() => sites.id),
  createdAt: timestampMs('created_at').notNull(),
  updatedAt: timestampMs('updated_at').notNull()
}, (t) => [
  uniqueIndex('employments_one_open_idx').on(t.traineeId).where(sql`ended_on IS NULL`),
  index('employments_trainee_idx').on(t.traineeId, t.startedOn),
  index('employments_enterprise_idx').on(t.enterpriseId, t.endedOn),
  index('employments_site_idx').on(t.siteId, t.dutyStatus, t.traineeId).where(sql`ended_on IS NULL`)
])

export const declarations = pgTable('declarations', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  kind: text('kind', { enum: DECLARATION_KINDS }).notNull(),
  value: boolean('value').notNull(),
  declaredBy: integer('declared_by').notNull().references(() => users.id),
  declaredAt: timestampMs('declared_at').notNull()
}, (t) => [index('declarations_trainee_idx').on(t.traineeId, t.kind, t.declaredAt)])

export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
})

export const rosterImports = pgTable('roster_imports', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  rows: jsonb('rows').$type<CheckedImportRow[]>().notNull(),
  createdAt: timestampMs('created_at').notNull(),
  expiresAt: timestampMs('expires_at').notNull()
}, (t) => [index('roster_imports_expires_idx').on(t.expiresAt)])
