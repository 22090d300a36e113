import { and, asc, count, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { recordAudit, type AuditEntry } from '../audit/index.js'
import { enterpriseMessages, messageTargets, messageAttachments, briefings, enterprises, jurisdictions, sites, users } from '../../db/schema.js'
import type { Scope } from '../orgs/index.js'
import type { StoredPhoto } from './photos.js'

// Notices and briefings from police to enterprises (通知通报): who sent what to whom, who read and
// replied, and the briefing meetings held on the same thread.

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type Message = typeof enterpriseMessages.$inferSelect

export interface NewMessage { unitId: number, title: string, body: string, replyBy: string | null, sentBy: number, enterpriseIds: number[], attachments: Array<StoredPhoto & { name: string, contentType: string }> }

export function sendMessage (db: Db, m: NewMessage, audit: ChangeAudit, now: Date): number {
  return db.transaction((tx) => {
    const id = tx.insert(enterpriseMessages).values({ unitId: m.unitId, title: m.title, body: m.body, replyBy: m.replyBy, sentBy: m.sentBy, sentAt: now }).returning({ id: enterpriseMessages.id }).get().id
    for (const enterpriseId of m.enterpriseIds) tx.insert(messageTargets).values({ messageId: id, enterpriseId }).run()
    for (const a of m.attachments) tx.insert(messageAttachments).values({ messageId: id, name: a.name, fileName: a.fileName, contentType: a.contentType, size: a.size, keyEnc: a.keyEnc }).run()
    recordAudit(tx, { ...audit, subjectType: 'message', subjectId: id, details: { title: m.title, enterprises: m.enterpriseIds.length, attachments: m.attachments.length, replyBy: m.replyBy } }, now)
    return id
  }, { behavior: 'immediate' })
}

/**
 * The enterprises a police unit's notice reaches "in its subtree": those registered with one of
 * its units, and those registered elsewhere that manage a site in one of its units' areas.
 */
export function enterprisesInReach (db: DbOrTx, unitIds: readonly number[]): Array<{ id: number, name: string, elsewhere: boolean }> {
  if (unitIds.length === 0) return []
  const ids = [...unitIds]
  return db.select({ id: enterprises.id, name: enterprises.name, elsewhere: sql<number>`${enterprises.jurisdictionId} NOT IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})` })
    .from(enterprises)
    .where(or(inArray(enterprises.jurisdictionId, ids), inArray(enterprises.id, db.select({ id: sites.enterpriseId }).from(sites).where(inArray(sites.jurisdictionId, ids)))))
    .orderBy(asc(enterprises.name), asc(enterprises.id)).all().map((e) => ({ ...e, elsewhere: Boolean(e.elsewhere) }))
}

/** The condition a scope puts on messages: police see their subtree's, a trainer those sent to the enterprise. */
function messageCondition (scope: Scope) {
  switch (scope.kind) {
    case 'all': return undefined
    case 'jurisdictions': return scope.jurisdictionIds.length ? inArray(enterpriseMessages.unitId, scope.jurisdictionIds) : sql`0`
    case 'enterprise': return sql`${enterpriseMessages.id} IN (SELECT ${messageTargets.messageId} FROM ${messageTargets} WHERE ${messageTargets.enterpriseId} = ${scope.enterpriseId})`
    default: return sql`0`
  }
}

export interface MessageRow extends Message { unitName: string, sentByName: string, targets: number, read: number, replied: number, readAt: Date | null, repliedAt: Date | null }

/**
 * The order of the message list, and its key: for police newest first (sent, id); for a trainer
 * the unread first, then newest first (read, -sent, -id: one ascending key).
 */
export const MESSAGE_KEY = { police: ['n', 'n'], trainer: ['n', 'n', 'n'] } as const

/** One keyset page of messages, with the true total: for a trainer unread first and their enterprise's read and reply times; for police each message's counts. */
export function pageMessages (db: DbOrTx, scope: Scope, page: KeysetRequest): KeysetPage<MessageRow> {
  const where = messageCondition(scope)
  const total = db.select({ n: count() }).from(enterpriseMessages).where(where).get()?.n ?? 0
  const mine = scope.kind === 'enterprise' ? scope.enterpriseId : null
  const own = (col: string) => mine === null ? sql<null>`NULL` : sql<number | null>`(SELECT ${sql.raw(col)} FROM ${messageTargets} WHERE ${messageTargets.messageId} = ${enterpriseMessages.id} AND ${messageTargets.enterpriseId} = ${mine})`
  const k = mine === null
    ? keysetQuery([enterpriseMessages.sentAt, enterpriseMessages.id], page, true)
    : keysetQuery([sql`(${own('read_at')} IS NOT NULL)`, sql`-${enterpriseMessages.sentAt}`, sql`-${enterpriseMessages.id}`], page)
  const rows = db.select({
    m: enterpriseMessages, unitName: jurisdictions.name, sentByName: users.displayName,
    targets: sql<number>`(SELECT count(*) FROM ${messageTargets} WHERE ${messageTargets.messageId} = ${enterpriseMessages.id})`,
    read: sql<number>`(SELECT count(*) FROM ${messageTargets} WHERE ${messageTargets.messageId} = ${enterpriseMessages.id} AND ${messageTargets.readAt} IS NOT NULL)`,
    replied: sql<number>`(SELECT count(*) FROM ${messageTargets} WHERE ${messageTargets.messageId} = ${enterpriseMessages.id} AND ${messageTargets.repliedAt} IS NOT NULL)`,
    readAt: own('read_at'), repliedAt: own('replied_at')
  }).from(enterpriseMessages).innerJoin(jurisdictions, eq(jurisdictions.id, enterpriseMessages.unitId)).innerJoin(users, eq(users.id, enterpriseMessages.sentBy))
    .where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit).all()
    .map((r) => ({ ...r.m, unitName: r.unitName, sentByName: r.sentByName, targets: r.targets, read: r.read, replied: r.replied, readAt: r.readAt === null ? null : new Date(r.readAt), repliedAt: r.repliedAt === null ? null : new Date(r.repliedAt) }))
  const key = (r: MessageRow): Key => mine === null ? [r.sentAt.getTime(), r.id] : [r.readAt === null ? 0 : 1, -r.sentAt.getTime(), -r.id]
  return toPage(rows, page, total, key)
}

export function countUnread (db: DbOrTx, enterpriseId: number): number {
  return db.select({ n: count() }).from(messageTargets).where(and(eq(messageTargets.enterpriseId, enterpriseId), isNull(messageTargets.readAt))).get()?.n ?? 0
}

export function findMessageInScope (db: DbOrTx, scope: Scope, id: number): (Message & { unitName: string, sentByName: string }) | undefined {
  const r = db.select({ m: enterpriseMessages, unitName: jurisdictions.name, sentByName: users.displayName }).from(enterpriseMessages)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterpriseMessages.unitId)).innerJoin(users, eq(users.id, enterpriseMessages.sentBy))
    .where(and(eq(enterpriseMessages.id, id), messageCondition(scope))).get()
  return r && { ...r.m, unitName: r.unitName, sentByName: r.sentByName }
}

/** Each enterprise the message went to, with its read and reply status (optionally one enterprise only). */
export function messageStatus (db: DbOrTx, messageId: number, enterpriseId?: number) {
  return db.select({ enterpriseId: messageTargets.enterpriseId, enterpriseName: enterprises.name, readAt: messageTargets.readAt, reply: messageTargets.reply, repliedAt: messageTargets.repliedAt })
    .from(messageTargets).innerJoin(enterprises, eq(enterprises.id, messageTargets.enterpriseId))
    .where(and(eq(messageTargets.messageId, messageId), enterpriseId ? eq(messageTargets.enterpriseId, enterpriseId) : undefined))
    .orderBy(sql`${messageTargets.readAt} IS NOT NULL`, asc(enterprises.name)).all()
}

export function attachmentsOf (db: DbOrTx, messageId: number) {
  return db.select({ id: messageAttachments.id, name: messageAttachments.name, size: messageAttachments.size, contentType: messageAttachments.contentType }).from(messageAttachments).where(eq(messageAttachments.messageId, messageId)).orderBy(asc(messageAttachments.id)).all()
}

export function findAttachment (db: DbOrTx, id: number) {
  return db.select().from(messageAttachments).where(eq(messageAttachments.id, id)).get()
}

/** The enterprise marks the message read (once), or replies (which reads it too); audited. */
export function markRead (db: Db, messageId: number, enterpriseId: number, by: number, audit: ChangeAudit, now: Date): void {
  db.transaction((tx) => {
    const changed = tx.update(messageTargets).set({ readAt: now, readBy: by }).where(and(eq(messageTargets.messageId, messageId), eq(messageTargets.enterpriseId, enterpriseId), isNull(messageTargets.readAt))).run().changes
    if (changed > 0) recordAudit(tx, { ...audit, subjectType: 'message', subjectId: messageId, details: { enterpriseId } }, now)
  }, { behavior: 'immediate' })
}

export function replyToMessage (db: Db, messageId: number, enterpriseId: number, reply: string, by: number, audit: ChangeAudit, now: Date): void {
  db.transaction((tx) => {
    const t = tx.select().from(messageTargets).where(and(eq(messageTargets.messageId, messageId), eq(messageTargets.enterpriseId, enterpriseId))).get()
    tx.update(messageTargets).set({ reply, repliedAt: now, repliedBy: by, ...(t?.readAt ? {} : { readAt: now, readBy: by }) })
      .where(and(eq(messageTargets.messageId, messageId), eq(messageTargets.enterpriseId, enterpriseId))).run()
    recordAudit(tx, { ...audit, subjectType: 'message', subjectId: messageId, details: { enterpriseId, replaced: Boolean(t?.repliedAt) } }, now)
  }, { behavior: 'immediate' })
}

export function recordBriefing (db: Db, messageId: number, b: { heldOn: string, attendees: string, minutes: string }, by: number, audit: ChangeAudit, now: Date): void {
  db.transaction((tx) => {
    const id = tx.insert(briefings).values({ messageId, ...b, recordedBy: by, createdAt: now }).returning({ id: briefings.id }).get().id
    recordAudit(tx, { ...audit, subjectType: 'message', subjectId: messageId, details: { briefing: id, heldOn: b.heldOn } }, now)
  }, { behavior: 'immediate' })
}

export function briefingsOf (db: DbOrTx, messageId: number) {
  return db.select().from(briefings).where(eq(briefings.messageId, messageId)).orderBy(asc(briefings.heldOn), asc(briefings.id)).all()
}
