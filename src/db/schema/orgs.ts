import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './auth.js'
import { enterprises, sites } from './org-units.js'
import { EDUCATION_LEVELS, CERTIFICATE_STATUSES, DUTY_STATUSES, DECLARATION_KINDS, type Education } from '../schema-values.js'
export { EDUCATION_LEVELS, CERTIFICATE_STATUSES, DUTY_STATUSES, DECLARATION_KINDS, type Education, type CertificateStatus, type DutyStatus, type DeclarationKind } from '../schema-values.js'

/** A person who trains: identity stays with them whoever employs them. */
export const trainees = sqliteTable('trainees', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').unique().references(() => users.id),
  fullName: text('full_name').notNull(),
  idNumberEnc: text('id_number_enc').notNull(),
  idNumberHmac: text('id_number_hmac').notNull().unique(),
  birthDate: text('birth_date').notNull(),
  phone: text('phone').notNull().default(''),
  education: text('education', { enum: EDUCATION_LEVELS }).notNull(),
  certificateNo: text('certificate_no'),
  certificateIssuedOn: text('certificate_issued_on'),
  certificateStatus: text('certificate_status', { enum: CERTIFICATE_STATUSES }),
  privacyAcceptedAt: integer('privacy_accepted_at', { mode: 'timestamp_ms' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
})

/** Employment of a person by an enterprise; at most one open (ended_on null) per person. */
export const employments = sqliteTable('employments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  startedOn: text('started_on').notNull(),
  endedOn: text('ended_on'),
  dutyStatus: text('duty_status', { enum: DUTY_STATUSES }).notNull(),
  /** The site the guard is posted at (a site of the same enterprise), if any. */
  siteId: integer('site_id').references(() => sites.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [
  uniqueIndex('employments_one_open_idx').on(t.traineeId).where(sql`ended_on IS NULL`),
  // A person's whole employment history (the person page), ended employments included.
  index('employments_trainee_idx').on(t.traineeId, t.startedOn),
  index('employments_enterprise_idx').on(t.enterpriseId, t.endedOn),
  // The guards posted at a site now, by duty status: the per-site counts read one range of it per site.
  index('employments_site_idx').on(t.siteId, t.dutyStatus, t.traineeId).where(sql`ended_on IS NULL`)
])

/** What a person declared (insert-only history; the latest row per kind is current). */
export const declarations = sqliteTable('declarations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  kind: text('kind', { enum: DECLARATION_KINDS }).notNull(),
  value: integer('value', { mode: 'boolean' }).notNull(),
  declaredBy: integer('declared_by').notNull().references(() => users.id),
  declaredAt: integer('declared_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('declarations_trainee_idx').on(t.traineeId, t.kind, t.declaredAt)])

/** Small facts about this installation, such as the data key's fingerprint. */
export const appSettings = sqliteTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
})

/** One checked row of a roster file, as the preview showed it: the ID number only encrypted and hashed. */
export interface CheckedImportRow {
  row: number
  fullName: string
  idNumberEnc: string
  idNumberHmac: string
  birthDate: string
  phone: string
  education: Education
  /** The person's record when they are already known (they rejoin with their login), else null. */
  returning: number | null
  /** The site the row names (the optional column), if any. */
  siteId?: number | null
}

/**
 * A roster file that passed its check, waiting for the trainer to confirm it
 * (30 minutes): the confirmation imports exactly these rows, by this id, so it
 * cannot disagree with the preview and works whichever app node serves it.
 */
export const rosterImports = sqliteTable('roster_imports', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  rows: text('rows', { mode: 'json' }).$type<CheckedImportRow[]>().notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('roster_imports_expires_idx').on(t.expiresAt)])
