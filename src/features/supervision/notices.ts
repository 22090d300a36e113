import { and, asc, count, eq, inArray, lt, max, sql, type SQL } from 'drizzle-orm'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { Db } from '../../db/connection.js'
import { all, holdLock, one, run, runsAt, type Q } from '../../db/engine.js'
import { LOCKS } from '../../db/postgres.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { rectificationNotices, noticeItems, inspectionItems, sites, enterprises, jurisdictions, users, type NoticeStatus, type NoticeItemStatus } from '../../db/schema.js'
import { siteScopeCondition, type Scope } from '../orgs/index.js'
import { insertPhotoRow } from './queries.js'
import { openCase } from './cases.js'
import { noticeNumber, transition, unitPrefix, type NoticeEvent, type NoticeState } from './rules.js'
import type { StoredPhoto } from './photos.js'

// The queries of rectification notices (整改通知书): issuing with a gapless number, the
// enterprise's responses, the officer's decisions and escalation, each change in one transaction
// with its audit entry, through the one transition function of rules.ts. Query functions for
// both engines: the callers run the changes with transaction().

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type Notice = typeof rectificationNotices.$inferSelect
export type NoticeItem = typeof noticeItems.$inferSelect

export interface NewNotice {
  unitId: number
  year: number
  inspectionId: number
  siteId: number
  enterpriseId: number
  deadline: string
  issuedBy: number
  items: Array<{ inspectionItemId: number, requirement: string }>
}

/**
 * Issues a notice (run it in one transaction): its number is the next of the issuing unit in that
 * year, taken inside the write transaction, so two app instances issuing at once get consecutive
 * numbers, never the same one and never a gap. On SQLite BEGIN IMMEDIATE makes writers on every
 * connection take turns. On PostgreSQL the transaction first waits for the unit's numbering lock
 * (holdLock) and runs at READ COMMITTED, so its read of the last number comes after the previous
 * holder's commit: the issuers take turns instead of reading the same number at SERIALIZABLE and
 * being run again (two instances issuing in a tight loop lost ten tries in a row there on a
 * loaded machine). Nothing else it reads changes under it: the unit, the inspection's items.
 */
export const issueNotice = runsAt('read committed', function * issueNotice (db: Db, n: NewNotice, audit: ChangeAudit, now: Date): Q<Notice> {
  yield * holdLock(db, LOCKS.noticeNumbers, n.unitId)
  const unit = yield * one(db.select({ name: jurisdictions.name }).from(jurisdictions).where(eq(jurisdictions.id, n.unitId)))
  if (!unit) throw new Error('no such unit')
  const last = (yield * one(db.select({ seq: max(rectificationNotices.seq) }).from(rectificationNotices).where(and(eq(rectificationNotices.unitId, n.unitId), eq(rectificationNotices.year, n.year)))))?.seq ?? 0
  const seq = last + 1
  const notice = (yield * one(db.insert(rectificationNotices).values({
    unitId: n.unitId, year: n.year, seq, number: noticeNumber(unitPrefix(unit.name), n.year, seq), inspectionId: n.inspectionId, siteId: n.siteId,
    enterpriseId: n.enterpriseId, deadline: n.deadline, status: 'open', issuedBy: n.issuedBy, issuedAt: now
  }).returning()))!
  const found = yield * all(db.select().from(inspectionItems).where(inArray(inspectionItems.id, n.items.map((i) => i.inspectionItemId))))
  for (const [i, it] of n.items.entries()) {
    const src = found.find((f) => f.id === it.inspectionItemId)
    if (!src || src.inspectionId !== n.inspectionId) throw new Error('the item is not of this inspection')
    yield * run(db.insert(noticeItems).values({ noticeId: notice.id, position: i + 1, inspectionItemId: src.id, titleZh: src.titleZh, titleEn: src.titleEn, basis: src.basis, requirement: it.requirement, status: 'pending' }))
  }
  yield * writeAudit(db, { ...audit, subjectType: 'notice', subjectId: notice.id, details: { number: notice.number, enterpriseId: n.enterpriseId, siteId: n.siteId, deadline: n.deadline, items: n.items.length } }, now)
  return notice
})

export interface NoticeRow extends Notice {
  siteName: string
  enterpriseName: string
  unitName: string
  issuedByName: string
  items: number
  accepted: number
  waiting: number
}

/** How many items of the notice (in the given status): a count, a number on both engines (PostgreSQL's count is a bigint). */
const itemCount = (status?: NoticeItemStatus) =>
  sql<number>`(SELECT count(*) FROM ${noticeItems} WHERE ${noticeItems.noticeId} = ${rectificationNotices.id}${status ? sql` AND ${eq(noticeItems.status, status)}` : sql``})`.mapWith(Number)

function noticeQuery (db: Db) {
  return db.select({
    notice: rectificationNotices,
    siteName: sites.name,
    enterpriseName: enterprises.name,
    unitName: jurisdictions.name,
    issuedByName: users.displayName,
    items: itemCount(),
    accepted: itemCount('accepted'),
    waiting: itemCount('submitted')
  }).from(rectificationNotices)
    .innerJoin(sites, eq(sites.id, rectificationNotices.siteId))
    .innerJoin(enterprises, eq(enterprises.id, rectificationNotices.enterpriseId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, rectificationNotices.unitId))
    .innerJoin(users, eq(users.id, rectificationNotices.issuedBy))
}

const flatten = (r: { notice: Notice, siteName: string, enterpriseName: string, unitName: string, issuedByName: string, items: number, accepted: number, waiting: number }): NoticeRow =>
  ({ ...r.notice, siteName: r.siteName, enterpriseName: r.enterpriseName, unitName: r.unitName, issuedByName: r.issuedByName, items: r.items, accepted: r.accepted, waiting: r.waiting })

export type NoticeFilter = 'all' | 'open' | 'overdue' | 'waiting' | 'closed' | 'escalated'

function filterCondition (f: NoticeFilter, today: string): SQL | undefined {
  switch (f) {
    case 'all': return undefined
    case 'open': return inArray(rectificationNotices.status, ['open', 'escalated'])
    case 'overdue': return and(inArray(rectificationNotices.status, ['open', 'escalated']), lt(rectificationNotices.deadline, today))
    case 'waiting': return and(inArray(rectificationNotices.status, ['open', 'escalated']), sql`EXISTS (SELECT 1 FROM ${noticeItems} WHERE ${noticeItems.noticeId} = ${rectificationNotices.id} AND ${noticeItems.status} = 'submitted')`)
    case 'closed': return eq(rectificationNotices.status, 'closed')
    case 'escalated': return eq(rectificationNotices.status, 'escalated')
  }
}

const closedLast = sql<number>`CASE WHEN ${rectificationNotices.status} = 'closed' THEN 1 ELSE 0 END`
/** The order of the notice list (unclosed first, the earliest deadline first): its key. */
export const NOTICE_KEY = ['n', 's', 'n'] as const
const noticeKey = (r: NoticeRow): Key => [r.status === 'closed' ? 1 : 0, r.deadline, r.id]

/** One keyset page of the notices of the sites a scope sees (unclosed first, the earliest deadline first), with the true total. */
export function * pageNotices (db: Db, scope: Scope, f: { filter: NoticeFilter, today: string, enterpriseId?: number }, page: KeysetRequest): Q<KeysetPage<NoticeRow>> {
  const where = and(siteScopeCondition(scope), filterCondition(f.filter, f.today), f.enterpriseId ? eq(rectificationNotices.enterpriseId, f.enterpriseId) : undefined)
  const total = (yield * one(db.select({ n: count() }).from(rectificationNotices)
    .innerJoin(sites, eq(sites.id, rectificationNotices.siteId)).innerJoin(enterprises, eq(enterprises.id, rectificationNotices.enterpriseId)).where(where)))?.n ?? 0
  const k = keysetQuery([closedLast, rectificationNotices.deadline, rectificationNotices.id], page)
  const rows = (yield * all(noticeQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))).map(flatten)
  return toPage(rows, page, total, noticeKey)
}

/** How many rows meet a condition: a sum of 1s and 0s (both engines; PostgreSQL does not add booleans), a number. */
const tally = (cond: SQL) => sql<number>`coalesce(sum(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0)`.mapWith(Number)

/** Open, overdue and waiting-for-review counts of the notices a scope sees, in one query. */
export function * noticeCounts (db: Db, scope: Scope, today: string): Q<{ open: number, overdue: number, waiting: number }> {
  const unclosed = sql`${rectificationNotices.status} <> 'closed'`
  const r = yield * one(db.select({
    open: tally(unclosed),
    overdue: tally(sql`${unclosed} AND ${lt(rectificationNotices.deadline, today)}`),
    waiting: tally(sql`${unclosed} AND EXISTS (SELECT 1 FROM ${noticeItems} WHERE ${noticeItems.noticeId} = ${rectificationNotices.id} AND ${noticeItems.status} = 'submitted')`)
  }).from(rectificationNotices)
    .innerJoin(sites, eq(sites.id, rectificationNotices.siteId)).innerJoin(enterprises, eq(enterprises.id, rectificationNotices.enterpriseId))
    .where(siteScopeCondition(scope)))
  return { open: r?.open ?? 0, overdue: r?.overdue ?? 0, waiting: r?.waiting ?? 0 }
}

export function * findNoticeInScope (db: Db, scope: Scope, id: number): Q<NoticeRow | undefined> {
  const r = yield * one(noticeQuery(db).where(and(eq(rectificationNotices.id, id), siteScopeCondition(scope))))
  return r && flatten(r)
}

export function * itemsOfNotice (db: Db, noticeId: number): Q<NoticeItem[]> {
  return yield * all(db.select().from(noticeItems).where(eq(noticeItems.noticeId, noticeId)).orderBy(asc(noticeItems.position)))
}

/** The state transition() works on, read inside the transaction that will change it. */
function * noticeStateOf (db: Db, noticeId: number): Q<{ state: NoticeState, items: NoticeItem[] } | undefined> {
  const n = yield * one(db.select().from(rectificationNotices).where(eq(rectificationNotices.id, noticeId)))
  if (!n) return undefined
  const items = yield * itemsOfNotice(db, noticeId)
  return { state: { status: n.status, deadline: n.deadline, items: items.map((i) => i.status) }, items }
}

export type ChangeOutcome = { ok: true, status: NoticeStatus } | { ok: false, reason: string }

/**
 * Applies one event to a notice (run it in one transaction): the state read, the rule asked, the
 * rows written, the audit entry recorded, or nothing at all when the rule refuses. What `write`
 * returns goes into the audit entry's details, and comes back with the outcome.
 */
function * changeNotice (db: Db, noticeId: number, event: NoticeEvent, ctx: Parameters<typeof transition>[2], write: (db: Db, item: NoticeItem | undefined, next: NoticeState) => Q<Record<string, unknown>>, audit: ChangeAudit, now: Date): Q<ChangeOutcome & { details?: Record<string, unknown> }> {
  const found = yield * noticeStateOf(db, noticeId)
  if (!found) return { ok: false, reason: 'notice.gone' }
  const r = transition(found.state, event, ctx)
  if (!r.ok) return r
  const item = 'item' in event ? found.items[event.item] : undefined
  const details = yield * write(db, item, r.next)
  if (r.next.status !== found.state.status) {
    yield * run(db.update(rectificationNotices).set({ status: r.next.status, ...(r.next.status === 'closed' ? { closedAt: now } : {}) }).where(eq(rectificationNotices.id, noticeId)))
  }
  yield * writeAudit(db, { ...audit, subjectType: 'notice', subjectId: noticeId, details: { event: event.kind, ...(item ? { item: item.position } : {}), ...details, from: found.state.status, to: r.next.status } }, now)
  return { ok: true, status: r.next.status, details }
}

/** The enterprise's response to one item (index in the notice), with its photos' rows (run it in one transaction). */
export function * respondToItem (db: Db, noticeId: number, index: number, response: string, photos: Array<StoredPhoto & { contentType: string }>, by: number, today: string, audit: ChangeAudit, now: Date): Q<ChangeOutcome> {
  const outcome = yield * changeNotice(db, noticeId, { kind: 'respond', item: index }, { today }, function * (tx, item) {
    yield * run(tx.update(noticeItems).set({ status: 'submitted' satisfies NoticeItemStatus, response, respondedBy: by, respondedAt: now }).where(eq(noticeItems.id, item!.id)))
    for (const p of photos) yield * insertPhotoRow(tx, 'notice-item', item!.id, p, by, now)
    return { photos: photos.length }
  }, audit, now)
  return bare(outcome)
}

/** The officer's decision on one responded item: accepted, or sent back with a reason (run it in one transaction). */
export function * reviewItem (db: Db, noticeId: number, index: number, decision: 'accept' | 'return', reason: string, by: number, today: string, audit: ChangeAudit, now: Date): Q<ChangeOutcome> {
  const outcome = yield * changeNotice(db, noticeId, { kind: decision, item: index }, { today }, function * (tx, item) {
    yield * run(tx.update(noticeItems).set({ status: decision === 'accept' ? 'accepted' : 'returned', reviewNote: reason, reviewedBy: by, reviewedAt: now }).where(eq(noticeItems.id, item!.id)))
    return decision === 'return' ? { reason } : {}
  }, audit, now)
  return bare(outcome)
}

/** An outcome without the audit details. */
const bare = (o: ChangeOutcome & { details?: Record<string, unknown> }): ChangeOutcome => o.ok ? { ok: true, status: o.status } : o

/**
 * An overdue notice escalated to a case for penalty, citing its legal basis (no fine is computed):
 * the notice turns escalated and the case record (cases.ts) is opened in the same transaction
 * (run it in one).
 */
export function * escalateNotice (db: Db, noticeId: number, c: { basis: string, note: string, by: number, unitId: number }, ctx: Parameters<typeof transition>[2], audit: ChangeAudit, now: Date): Q<ChangeOutcome & { caseId?: number }> {
  const outcome = yield * changeNotice(db, noticeId, { kind: 'escalate' }, ctx, function * (tx) {
    yield * run(tx.update(rectificationNotices).set({ escalatedBy: c.by, escalatedAt: now, escalationBasis: c.basis, escalationNote: c.note }).where(eq(rectificationNotices.id, noticeId)))
    const caseId = yield * openCase(tx, { noticeId, unitId: c.unitId, basis: c.basis, note: c.note, by: c.by }, now)
    return { basis: c.basis, note: c.note, caseId }
  }, audit, now)
  return outcome.ok ? { ok: true, status: outcome.status, caseId: outcome.details!.caseId as number } : outcome
}

/** What a landing page shows of the notices a scope sees: the counts and the first unclosed ones, overdue marked. */
export function * noticeSummary (db: Db, scope: Scope, today: string, limit = 5): Q<{ counts: { open: number, overdue: number, waiting: number }, notices: Array<NoticeRow & { overdue: boolean }> }> {
  const counts = yield * noticeCounts(db, scope, today)
  const notices = counts.open === 0 ? [] : (yield * pageNotices(db, scope, { filter: 'open', today }, { size: limit })).rows.map((n) => ({ ...n, overdue: today > n.deadline }))
  return { counts, notices }
}
