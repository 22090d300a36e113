import { sql } from 'drizzle-orm'
import { pgTable, integer, bigint, boolean, text, index, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './auth.js'
import { jurisdictions, enterprises, sites } from './org-units.js'
import { trainees } from './orgs.js'
import { CHECK_RESULTS, PHOTO_OWNERS, NOTICE_STATUSES, CASE_STATUSES, NOTICE_ITEM_STATUSES, BRAVERY_STATUSES } from '../schema-values.js'
export { CHECK_RESULTS, PHOTO_OWNERS, NOTICE_STATUSES, CASE_STATUSES, NOTICE_ITEM_STATUSES, BRAVERY_STATUSES, type CheckResult, type PhotoOwner, type NoticeStatus, type CaseStatus, type NoticeItemStatus, type BraveryStatus } from '../schema-values.js'
import { timestampMs, codePointText } from '../pg-columns.js'

// PostgreSQL twin of ../schema/supervision.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const checklistItems = pgTable('checklist_items', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  position: integer('position').notNull(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  basis: text('basis').notNull().default(''),
  active: boolean('active').notNull().default(true),
  updatedAt: timestampMs('updated_at').notNull()
})

export const inspections = pgTable('inspections', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  siteId: integer('site_id').notNull().references(() => sites.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  inspectedOn: text('inspected_on').notNull(),
  officers: text('officers').notNull(),
  compliant: integer('compliant').notNull(),
  applicable: integer('applicable').notNull(),
  recordedBy: integer('recorded_by').notNull().references(() => users.id),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [
  index('inspections_enterprise_idx').on(t.enterpriseId, t.inspectedOn),
  index('inspections_site_idx').on(t.siteId, t.inspectedOn)
])

export const inspectionItems = pgTable('inspection_items', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  inspectionId: integer('inspection_id').notNull().references(() => inspections.id),
  checklistItemId: integer('checklist_item_id').notNull().references(() => checklistItems.id),
  position: integer('position').notNull(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  basis: text('basis').notNull(),
  result: text('result', { enum: CHECK_RESULTS }).notNull(),
  note: text('note').notNull().default('')
}, (t) => [index('inspection_items_inspection_idx').on(t.inspectionId, t.position)])

export const inspectionGuards = pgTable('inspection_guards', {
  inspectionId: integer('inspection_id').notNull().references(() => inspections.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  fullName: codePointText('full_name').notNull(),
  withoutCertificate: boolean('without_certificate').notNull()
}, (t) => [uniqueIndex('inspection_guards_pk').on(t.inspectionId, t.traineeId)])

export const photos = pgTable('photos', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  fileName: text('file_name').notNull().unique(),
  contentType: text('content_type').notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  keyEnc: text('key_enc').notNull(),
  ownerKind: text('owner_kind', { enum: PHOTO_OWNERS }).notNull(),
  ownerId: integer('owner_id').notNull(),
  uploadedBy: integer('uploaded_by').notNull().references(() => users.id),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [index('photos_owner_idx').on(t.ownerKind, t.ownerId)])

export const rectificationNotices = pgTable('rectification_notices', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  unitId: integer('unit_id').notNull().references(() => jurisdictions.id),
  year: integer('year').notNull(),
  seq: integer('seq').notNull(),
  number: text('number').notNull(),
  inspectionId: integer('inspection_id').notNull().references(() => inspections.id),
  siteId: integer('site_id').notNull().references(() => sites.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  deadline: text('deadline').notNull(),
  status: text('status', { enum: NOTICE_STATUSES }).notNull(),
  issuedBy: integer('issued_by').notNull().references(() => users.id),
  issuedAt: timestampMs('issued_at').notNull(),
  closedAt: timestampMs('closed_at'),
  escalatedBy: integer('escalated_by').references(() => users.id),
  escalatedAt: timestampMs('escalated_at'),
  escalationBasis: text('escalation_basis'),
  escalationNote: text('escalation_note')
}, (t) => [
  uniqueIndex('rectification_notices_number_idx').on(t.unitId, t.year, t.seq),
  index('rectification_notices_enterprise_idx').on(t.enterpriseId, t.status, t.deadline),
  index('rectification_notices_open_idx').on(t.status, t.deadline).where(sql`status = 'open'`)
])

export const escalationCases = pgTable('escalation_cases', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  noticeId: integer('notice_id').notNull().unique().references(() => rectificationNotices.id),
  unitId: integer('unit_id').notNull().references(() => jurisdictions.id),
  basis: text('basis').notNull(),
  note: text('note').notNull(),
  status: text('status', { enum: CASE_STATUSES }).notNull(),
  escalatedBy: integer('escalated_by').notNull().references(() => users.id),
  escalatedAt: timestampMs('escalated_at').notNull(),
  closedBy: integer('closed_by').references(() => users.id),
  closedAt: timestampMs('closed_at'),
  closingNote: text('closing_note')
}, (t) => [index('escalation_cases_status_idx').on(t.status, t.escalatedAt)])

export const noticeItems = pgTable('notice_items', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  noticeId: integer('notice_id').notNull().references(() => rectificationNotices.id),
  position: integer('position').notNull(),
  inspectionItemId: integer('inspection_item_id').notNull().references(() => inspectionItems.id),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  basis: text('basis').notNull(),
  requirement: text('requirement').notNull(),
  status: text('status', { enum: NOTICE_ITEM_STATUSES }).notNull(),
  response: text('response').notNull().default(''),
  respondedBy: integer('responded_by').references(() => users.id),
  respondedAt: timestampMs('responded_at'),
  reviewNote: text('review_note').notNull().default(''),
  reviewedBy: integer('reviewed_by').references(() => users.id),
  reviewedAt: timestampMs('reviewed_at')
}, (t) => [index('notice_items_notice_idx').on(t.noticeId, t.position)])

export const enterpriseMessages = pgTable('enterprise_messages', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  unitId: integer('unit_id').notNull().references(() => jurisdictions.id),
  title: text('title').notNull(),
  body: text('body').notNull(),
  replyBy: text('reply_by'),
  sentBy: integer('sent_by').notNull().references(() => users.id),
  sentAt: timestampMs('sent_at').notNull()
}, (t) => [index('enterprise_messages_unit_idx').on(t.unitId, t.sentAt)])

export const messageTargets = pgTable('message_targets', {
  messageId: integer('message_id').notNull().references(() => enterpriseMessages.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  readAt: timestampMs('read_at'),
  readBy: integer('read_by').references(() => users.id),
  reply: text('reply'),
  repliedAt: timestampMs('replied_at'),
  repliedBy: integer('replied_by').references(() => users.id)
}, (t) => [uniqueIndex('message_targets_pk').on(t.messageId, t.enterpriseId), index('message_targets_enterprise_idx').on(t.enterpriseId, t.readAt)])

export const messageAttachments = pgTable('message_attachments', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  messageId: integer('message_id').notNull().references(() => enterpriseMessages.id),
  name: text('name').notNull(),
  fileName: text('file_name').notNull().unique(),
  contentType: text('content_type').notNull(),
  size: bigint('size', { mode: 'number' }).notNull(),
  keyEnc: text('key_enc').notNull()
}, (t) => [index('message_attachments_message_idx').on(t.messageId)])

export const briefings = pgTable('briefings', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  messageId: integer('message_id').notNull().references(() => enterpriseMessages.id),
  heldOn: text('held_on').notNull(),
  attendees: text('attendees').notNull(),
  minutes: text('minutes').notNull(),
  recordedBy: integer('recorded_by').notNull().references(() => users.id),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [index('briefings_message_idx').on(t.messageId, t.heldOn)])

export const braveryReports = pgTable('bravery_reports', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  occurredOn: text('occurred_on').notNull(),
  place: text('place').notNull(),
  account: text('account').notNull(),
  witnesses: text('witnesses').notNull().default(''),
  outcome: text('outcome').notNull().default(''),
  reportedBy: integer('reported_by').notNull().references(() => users.id),
  reportedAt: timestampMs('reported_at').notNull(),
  status: text('status', { enum: BRAVERY_STATUSES }).notNull(),
  reviewedBy: integer('reviewed_by').references(() => users.id),
  reviewedAt: timestampMs('reviewed_at'),
  reviewNote: text('review_note'),
  stationId: integer('station_id').references(() => jurisdictions.id)
}, (t) => [
  index('bravery_reports_enterprise_idx').on(t.enterpriseId, t.reportedAt),
  index('bravery_reports_trainee_idx').on(t.traineeId),
  index('bravery_reports_station_idx').on(t.stationId, t.reportedAt)
])
