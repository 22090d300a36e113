import { sql } from 'drizzle-orm'
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './auth.js'
import { jurisdictions, enterprises, sites } from './org-units.js'
import { trainees } from './orgs.js'
import { CHECK_RESULTS, PHOTO_OWNERS, NOTICE_STATUSES, CASE_STATUSES, NOTICE_ITEM_STATUSES, BRAVERY_STATUSES } from '../schema-values.js'
export { CHECK_RESULTS, PHOTO_OWNERS, NOTICE_STATUSES, CASE_STATUSES, NOTICE_ITEM_STATUSES, BRAVERY_STATUSES, type CheckResult, type PhotoOwner, type NoticeStatus, type CaseStatus, type NoticeItemStatus, type BraveryStatus } from '../schema-values.js'

// Police supervision of property security (issue 18): the checklist, inspections of managed sites,
// their photos, and rectification notices (整改通知书) with their items.

/** The inspection checklist, kept as data: an administrator edits it; inspections copy the wording they used. */
export const checklistItems = sqliteTable('checklist_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  position: integer('position').notNull(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  /** The rule the item checks and the article a breach is dealt with under, as BRIEF.md gives it. */
  basis: text('basis').notNull().default(''),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
})

/** A police inspection of a managed site, recorded by an officer of `jurisdictionId` (the inspecting unit). */
export const inspections = sqliteTable('inspections', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  siteId: integer('site_id').notNull().references(() => sites.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  inspectedOn: text('inspected_on').notNull(),
  officers: text('officers').notNull(),
  /** Items found compliant, and items that applied (compliant or not): the compliance score is their ratio. */
  compliant: integer('compliant').notNull(),
  applicable: integer('applicable').notNull(),
  recordedBy: integer('recorded_by').notNull().references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [
  index('inspections_enterprise_idx').on(t.enterpriseId, t.inspectedOn),
  index('inspections_site_idx').on(t.siteId, t.inspectedOn)
])

/** One checklist item as found at an inspection, with the wording it had then. */
export const inspectionItems = sqliteTable('inspection_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  inspectionId: integer('inspection_id').notNull().references(() => inspections.id),
  checklistItemId: integer('checklist_item_id').notNull().references(() => checklistItems.id),
  position: integer('position').notNull(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  basis: text('basis').notNull(),
  result: text('result', { enum: CHECK_RESULTS }).notNull(),
  note: text('note').notNull().default('')
}, (t) => [index('inspection_items_inspection_idx').on(t.inspectionId, t.position)])

/** Guards present at an inspection, picked from the roster; those on duty without a certificate are marked. */
export const inspectionGuards = sqliteTable('inspection_guards', {
  inspectionId: integer('inspection_id').notNull().references(() => inspections.id),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  fullName: text('full_name').notNull(),
  withoutCertificate: integer('without_certificate', { mode: 'boolean' }).notNull()
}, (t) => [uniqueIndex('inspection_guards_pk').on(t.inspectionId, t.traineeId)])

/**
 * An uploaded photo, its metadata stripped, stored encrypted in a file beside the database under a
 * random name; the file's own key is kept here encrypted with the data key (so a key rotation
 * re-encrypts these keys, not the files).
 */
export const photos = sqliteTable('photos', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  fileName: text('file_name').notNull().unique(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  keyEnc: text('key_enc').notNull(),
  ownerKind: text('owner_kind', { enum: PHOTO_OWNERS }).notNull(),
  ownerId: integer('owner_id').notNull(),
  uploadedBy: integer('uploaded_by').notNull().references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('photos_owner_idx').on(t.ownerKind, t.ownerId)])

/**
 * A rectification notice (整改通知书) from an inspection's failed items. Its number is `seq` within
 * the issuing unit and year (unique, no gaps); `number` is it written out in full.
 */
export const rectificationNotices = sqliteTable('rectification_notices', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  unitId: integer('unit_id').notNull().references(() => jurisdictions.id),
  year: integer('year').notNull(),
  seq: integer('seq').notNull(),
  number: text('number').notNull(),
  inspectionId: integer('inspection_id').notNull().references(() => inspections.id),
  siteId: integer('site_id').notNull().references(() => sites.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  /** The local date by which every item is to be put right. */
  deadline: text('deadline').notNull(),
  status: text('status', { enum: NOTICE_STATUSES }).notNull(),
  issuedBy: integer('issued_by').notNull().references(() => users.id),
  issuedAt: integer('issued_at', { mode: 'timestamp_ms' }).notNull(),
  closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  escalatedBy: integer('escalated_by').references(() => users.id),
  escalatedAt: integer('escalated_at', { mode: 'timestamp_ms' }),
  escalationBasis: text('escalation_basis'),
  escalationNote: text('escalation_note')
}, (t) => [
  uniqueIndex('rectification_notices_number_idx').on(t.unitId, t.year, t.seq),
  index('rectification_notices_enterprise_idx').on(t.enterpriseId, t.status, t.deadline),
  index('rectification_notices_open_idx').on(t.status, t.deadline).where(sql`status = 'open'`)
])

/**
 * A case for penalty (立案查处) opened when district-level police or above escalate an overdue
 * notice: one per notice, citing the legal basis (supervision/rules.ts ESCALATION_BASES), with its
 * own status; closed by district-level police or above with a note. No fine is computed.
 * (The notice's escalated_* columns repeat who escalated it and when, for the notice's own page.)
 */
export const escalationCases = sqliteTable('escalation_cases', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  noticeId: integer('notice_id').notNull().unique().references(() => rectificationNotices.id),
  /** The unit of the officer who escalated (the case's unit). */
  unitId: integer('unit_id').notNull().references(() => jurisdictions.id),
  basis: text('basis').notNull(),
  note: text('note').notNull(),
  status: text('status', { enum: CASE_STATUSES }).notNull(),
  escalatedBy: integer('escalated_by').notNull().references(() => users.id),
  escalatedAt: integer('escalated_at', { mode: 'timestamp_ms' }).notNull(),
  closedBy: integer('closed_by').references(() => users.id),
  closedAt: integer('closed_at', { mode: 'timestamp_ms' }),
  closingNote: text('closing_note')
}, (t) => [index('escalation_cases_status_idx').on(t.status, t.escalatedAt)])

/** One item of a notice: what is required, the enterprise's response, and the officer's decision. */
export const noticeItems = sqliteTable('notice_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  noticeId: integer('notice_id').notNull().references(() => rectificationNotices.id),
  position: integer('position').notNull(),
  inspectionItemId: integer('inspection_item_id').notNull().references(() => inspectionItems.id),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  basis: text('basis').notNull(),
  /** What the officer found and requires. */
  requirement: text('requirement').notNull(),
  status: text('status', { enum: NOTICE_ITEM_STATUSES }).notNull(),
  response: text('response').notNull().default(''),
  respondedBy: integer('responded_by').references(() => users.id),
  respondedAt: integer('responded_at', { mode: 'timestamp_ms' }),
  reviewNote: text('review_note').notNull().default(''),
  reviewedBy: integer('reviewed_by').references(() => users.id),
  reviewedAt: integer('reviewed_at', { mode: 'timestamp_ms' })
}, (t) => [index('notice_items_notice_idx').on(t.noticeId, t.position)])

// ---- notices and briefings to enterprises (通知通报), and acts of bravery (见义勇为) ----

/** A notice police send to enterprises of their subtree: Markdown body, optional reply-by date. */
export const enterpriseMessages = sqliteTable('enterprise_messages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  unitId: integer('unit_id').notNull().references(() => jurisdictions.id),
  title: text('title').notNull(),
  body: text('body').notNull(),
  replyBy: text('reply_by'),
  sentBy: integer('sent_by').notNull().references(() => users.id),
  sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('enterprise_messages_unit_idx').on(t.unitId, t.sentAt)])

/** Each enterprise a message went to, with when it was read and its reply. */
export const messageTargets = sqliteTable('message_targets', {
  messageId: integer('message_id').notNull().references(() => enterpriseMessages.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  readAt: integer('read_at', { mode: 'timestamp_ms' }),
  readBy: integer('read_by').references(() => users.id),
  reply: text('reply'),
  repliedAt: integer('replied_at', { mode: 'timestamp_ms' }),
  repliedBy: integer('replied_by').references(() => users.id)
}, (t) => [uniqueIndex('message_targets_pk').on(t.messageId, t.enterpriseId), index('message_targets_enterprise_idx').on(t.enterpriseId, t.readAt)])

/** A file attached to a message: stored like photos (encrypted, random name), with the name it was sent under. */
export const messageAttachments = sqliteTable('message_attachments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: integer('message_id').notNull().references(() => enterpriseMessages.id),
  name: text('name').notNull(),
  fileName: text('file_name').notNull().unique(),
  contentType: text('content_type').notNull(),
  size: integer('size').notNull(),
  keyEnc: text('key_enc').notNull()
}, (t) => [index('message_attachments_message_idx').on(t.messageId)])

/** A briefing meeting recorded against a message's thread. */
export const briefings = sqliteTable('briefings', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: integer('message_id').notNull().references(() => enterpriseMessages.id),
  heldOn: text('held_on').notNull(),
  attendees: text('attendees').notNull(),
  minutes: text('minutes').notNull(),
  recordedBy: integer('recorded_by').notNull().references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('briefings_message_idx').on(t.messageId, t.heldOn)])

/** A guard's act of bravery as reported, and the station's review: forwarded for recognition, or declined with a reason. */
export const braveryReports = sqliteTable('bravery_reports', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  traineeId: integer('trainee_id').notNull().references(() => trainees.id),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  occurredOn: text('occurred_on').notNull(),
  place: text('place').notNull(),
  account: text('account').notNull(),
  witnesses: text('witnesses').notNull().default(''),
  outcome: text('outcome').notNull().default(''),
  reportedBy: integer('reported_by').notNull().references(() => users.id),
  reportedAt: integer('reported_at', { mode: 'timestamp_ms' }).notNull(),
  status: text('status', { enum: BRAVERY_STATUSES }).notNull(),
  reviewedBy: integer('reviewed_by').references(() => users.id),
  reviewedAt: integer('reviewed_at', { mode: 'timestamp_ms' }),
  /** Forwarded: the foundation or body it went to, by name; declined: the reason. */
  reviewNote: text('review_note'),
  /**
   * The station that reviews the report: the one whose area the act took place in, as the
   * reporter chose it (by default the station of the guard's site, else of the enterprise's
   * registration). Set on every new report; the migration filled it for older ones.
   */
  stationId: integer('station_id').references(() => jurisdictions.id)
}, (t) => [
  index('bravery_reports_enterprise_idx').on(t.enterpriseId, t.reportedAt),
  index('bravery_reports_trainee_idx').on(t.traineeId),
  index('bravery_reports_station_idx').on(t.stationId, t.reportedAt)
])
