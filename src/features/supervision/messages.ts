import { and, asc, count, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { enterpriseMessages, messageTargets, messageAttachments, briefings, enterprises, jurisdictions, sites, users } from '../../db/schema.js'
import type { Scope } from '../orgs/index.js'
import type { StoredPhoto } from './photos.js'

// Notices and briefings from police to enterprises (通知通报): who sent what to whom, who read and
// replied, and the briefing meetings held on the same thread.

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type Message = typeof enterpriseMessages.$inferSelect

export interface NewMessage { unitId: number, title: string, body: string, replyBy: string | null, sentBy: number, enterpriseIds: number[], attachments: Array<StoredPhoto & { name: string, contentType: string }> }

/** Sends a message to its enterprises, with its attachments' rows (the files are already on disk) and its audit entry (run it in one transaction). */
export function * sendMessage (db: Db, m: NewMessage, audit: ChangeAudit, now: Date): Q<number> {
  const id = (yield * one(db.insert(enterpriseMessages).values({ unitId: m.unitId, title: m.title, body: m.body, replyBy: m.replyBy, sentBy: m.sentBy, sentAt: now }).returning({ id: enterpriseMessages.id })))!.id
  for (const enterpriseId of m.enterpriseIds) yield * run(db.insert(messageTargets).values({ messageId: id, enterpriseId }))
  for (const a of m.attachments) yield * run(db.insert(messageAttachments).values({ messageId: id, name: a.name, fileName: a.fileName, contentType: a.contentType, size: a.size, keyEnc: a.keyEnc }))
  yield * writeAudit(db, { ...audit, subjectType: 'message', subjectId: id, details: { title: m.title, enterprises: m.enterpriseIds.length, attachments: m.attachments.length, replyBy: m.replyBy } }, now)
  return id
}

/**
 * The enterprises a police unit's notice reaches "in its subtree": those registered with one of
 * its units, and those registered elsewhere that manage a site in one of its units' areas.
 */
export function * enterprisesInReach (db: Db, unitIds: readonly number[]): Q<Array<{ id: number, name: string, elsewhere: boolean }>> {
  if (unitIds.length === 0) return []
  const ids = [...unitIds]
  // A condition as a value: 0 or 1 on SQLite, a boolean on PostgreSQL; mapped to a boolean for both.
  return yield * all(db.select({ id: enterprises.id, name: enterprises.name, elsewhere: sql<boolean>`${enterprises.jurisdictionId} NOT IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`.mapWith(Boolean) })
    .from(enterprises)
    .where(or(inArray(enterprises.jurisdictionId, ids), inArray(enterprises.id, db.select({ id: sites.enterpriseId }).from(sites).where(inArray(sites.jurisdictionId, ids)))))
    .orderBy(asc(enterprises.name), asc(enterprises.id)))
}

/** The condition a scope puts on messages: police see their subtree's, a trainer those sent to the enterprise. */
function messageCondition (scope: Scope) {
  switch (scope.kind) {
    case 'all': return undefined
    case 'jurisdictions': return scope.jurisdictionIds.length ? inArray(enterpriseMessages.unitId, scope.jurisdictionIds) : sql`false`
    case 'enterprise': return sql`${enterpriseMessages.id} IN (SELECT ${messageTargets.messageId} FROM ${messageTargets} WHERE ${messageTargets.enterpriseId} = ${scope.enterpriseId})`
    default: return sql`false`
  }
}

export interface MessageRow extends Message { unitName: string, sentByName: string, targets: number, read: number, replied: number, readAt: Date | null, repliedAt: Date | null }

/**
 * The order of the message list, and its key: for police newest first (sent, id); for a trainer
 * the unread first, then newest first (unread, sent, id: one descending key).
 */
export const MESSAGE_KEY = { police: ['n', 'n'], trainer: ['n', 'n', 'n'] } as const

/** One keyset page of messages, with the true total: for a trainer unread first and their enterprise's read and reply times; for police each message's counts. */
export function * pageMessages (db: Db, scope: Scope, page: KeysetRequest): Q<KeysetPage<MessageRow>> {
  const where = messageCondition(scope)
  const total = (yield * one(db.select({ n: count() }).from(enterpriseMessages).where(where)))?.n ?? 0
  const mine = scope.kind === 'enterprise' ? scope.enterpriseId : null
  // The trainer's enterprise's own read or reply time, read through the column (a Date on both engines).
  const own = (col: typeof messageTargets.readAt | typeof messageTargets.repliedAt) => mine === null
    ? sql<Date | null>`NULL`
    : sql<Date | null>`(SELECT ${col} FROM ${messageTargets} WHERE ${messageTargets.messageId} = ${enterpriseMessages.id} AND ${messageTargets.enterpriseId} = ${mine})`.mapWith(col)
  const tally = (cond?: SQL) => sql<number>`(SELECT count(*) FROM ${messageTargets} WHERE ${messageTargets.messageId} = ${enterpriseMessages.id}${cond ? sql` AND ${cond}` : sql``})`.mapWith(Number)
  const k = mine === null
    ? keysetQuery([enterpriseMessages.sentAt, enterpriseMessages.id], page, true)
    : keysetQuery([sql`CASE WHEN ${own(messageTargets.readAt)} IS NULL THEN 1 ELSE 0 END`, enterpriseMessages.sentAt, enterpriseMessages.id], page, true)
  const rows = (yield * all(db.select({
    m: enterpriseMessages, unitName: jurisdictions.name, sentByName: users.displayName,
    targets: tally(), read: tally(isNotNull(messageTargets.readAt)), replied: tally(isNotNull(messageTargets.repliedAt)),
    readAt: own(messageTargets.readAt), repliedAt: own(messageTargets.repliedAt)
  }).from(enterpriseMessages).innerJoin(jurisdictions, eq(jurisdictions.id, enterpriseMessages.unitId)).innerJoin(users, eq(users.id, enterpriseMessages.sentBy))
    .where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit)))
    .map((r) => ({ ...r.m, unitName: r.unitName, sentByName: r.sentByName, targets: r.targets, read: r.read, replied: r.replied, readAt: r.readAt, repliedAt: r.repliedAt }))
  const key = (r: MessageRow): Key => mine === null ? [r.sentAt.getTime(), r.id] : [r.readAt === null ? 1 : 0, r.sentAt.getTime(), r.id]
  return toPage(rows, page, total, key)
}

export function * countUnread (db: Db, enterpriseId: number): Q<number> {
  return (yield * one(db.select({ n: count() }).from(messageTargets).where(and(eq(messageTargets.enterpriseId, enterpriseId), isNull(messageTargets.readAt)))))?.n ?? 0
}

export function * findMessageInScope (db: Db, scope: Scope, id: number): Q<(Message & { unitName: string, sentByName: string }) | undefined> {
  const r = yield * one(db.select({ m: enterpriseMessages, unitName: jurisdictions.name, sentByName: users.displayName }).from(enterpriseMessages)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterpriseMessages.unitId)).innerJoin(users, eq(users.id, enterpriseMessages.sentBy))
    .where(and(eq(enterpriseMessages.id, id), messageCondition(scope))))
  return r && { ...r.m, unitName: r.unitName, sentByName: r.sentByName }
}

export interface MessageTargetStatus { enterpriseId: number, enterpriseName: string, readAt: Date | null, reply: string | null, repliedAt: Date | null }

/** Each enterprise the message went to, with its read and reply status (optionally one enterprise only): the unread first. */
export function * messageStatus (db: Db, messageId: number, enterpriseId?: number): Q<MessageTargetStatus[]> {
  return yield * all(db.select({ enterpriseId: messageTargets.enterpriseId, enterpriseName: enterprises.name, readAt: messageTargets.readAt, reply: messageTargets.reply, repliedAt: messageTargets.repliedAt })
    .from(messageTargets).innerJoin(enterprises, eq(enterprises.id, messageTargets.enterpriseId))
    .where(and(eq(messageTargets.messageId, messageId), enterpriseId ? eq(messageTargets.enterpriseId, enterpriseId) : undefined))
    .orderBy(sql`CASE WHEN ${messageTargets.readAt} IS NULL THEN 0 ELSE 1 END`, asc(enterprises.name)))
}

export function * attachmentsOf (db: Db, messageId: number): Q<Array<{ id: number, name: string, size: number, contentType: string }>> {
  return yield * all(db.select({ id: messageAttachments.id, name: messageAttachments.name, size: messageAttachments.size, contentType: messageAttachments.contentType }).from(messageAttachments).where(eq(messageAttachments.messageId, messageId)).orderBy(asc(messageAttachments.id)))
}

/** An attachment's row (the file stays on disk). */
export function * findAttachment (db: Db, id: number): Q<typeof messageAttachments.$inferSelect | undefined> {
  return yield * one(db.select().from(messageAttachments).where(eq(messageAttachments.id, id)))
}

/** The enterprise marks the message read (once), audited (run it in one transaction). */
export function * markRead (db: Db, messageId: number, enterpriseId: number, by: number, audit: ChangeAudit, now: Date): Q<void> {
  const { changes } = yield * run(db.update(messageTargets).set({ readAt: now, readBy: by }).where(and(eq(messageTargets.messageId, messageId), eq(messageTargets.enterpriseId, enterpriseId), isNull(messageTargets.readAt))))
  if (changes > 0) yield * writeAudit(db, { ...audit, subjectType: 'message', subjectId: messageId, details: { enterpriseId } }, now)
}

/** The enterprise replies (which reads the message too), audited (run it in one transaction). */
export function * replyToMessage (db: Db, messageId: number, enterpriseId: number, reply: string, by: number, audit: ChangeAudit, now: Date): Q<void> {
  const t = yield * one(db.select().from(messageTargets).where(and(eq(messageTargets.messageId, messageId), eq(messageTargets.enterpriseId, enterpriseId))))
  yield * run(db.update(messageTargets).set({ reply, repliedAt: now, repliedBy: by, ...(t?.readAt ? {} : { readAt: now, readBy: by }) })
    .where(and(eq(messageTargets.messageId, messageId), eq(messageTargets.enterpriseId, enterpriseId))))
  yield * writeAudit(db, { ...audit, subjectType: 'message', subjectId: messageId, details: { enterpriseId, replaced: Boolean(t?.repliedAt) } }, now)
}

/** A briefing meeting held on the message's thread, audited (run it in one transaction). */
export function * recordBriefing (db: Db, messageId: number, b: { heldOn: string, attendees: string, minutes: string }, by: number, audit: ChangeAudit, now: Date): Q<void> {
  const id = (yield * one(db.insert(briefings).values({ messageId, ...b, recordedBy: by, createdAt: now }).returning({ id: briefings.id })))!.id
  yield * writeAudit(db, { ...audit, subjectType: 'message', subjectId: messageId, details: { briefing: id, heldOn: b.heldOn } }, now)
}

export function * briefingsOf (db: Db, messageId: number): Q<Array<typeof briefings.$inferSelect>> {
  return yield * all(db.select().from(briefings).where(eq(briefings.messageId, messageId)).orderBy(asc(briefings.heldOn), asc(briefings.id)))
}
