import { and, count, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { escalationCases, rectificationNotices, sites, enterprises, jurisdictions, users, type CaseStatus, type JurisdictionLevel } from '../../db/schema.js'
import { siteScopeCondition, type Scope } from '../orgs/index.js'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { caseTransition } from './rules.js'

// Cases for penalty (立案查处) opened by escalating an overdue rectification notice: one per
// notice, read by police who see the notice's site, closed by district-level police or above.

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type EscalationCase = typeof escalationCases.$inferSelect

export interface CaseRow extends EscalationCase {
  number: string
  deadline: string
  siteId: number
  siteName: string
  enterpriseId: number
  enterpriseName: string
  unitName: string
  escalatedByName: string
  closedByName: string | null
}

const closer = sql<string | null>`(SELECT ${users.displayName} FROM ${users} WHERE ${users.id} = ${escalationCases.closedBy})`

function caseQuery (db: Db) {
  return db.select({
    c: escalationCases, number: rectificationNotices.number, deadline: rectificationNotices.deadline, siteId: sites.id, siteName: sites.name,
    enterpriseId: enterprises.id, enterpriseName: enterprises.name, unitName: jurisdictions.name, escalatedByName: users.displayName, closedByName: closer
  }).from(escalationCases)
    .innerJoin(rectificationNotices, eq(rectificationNotices.id, escalationCases.noticeId))
    .innerJoin(sites, eq(sites.id, rectificationNotices.siteId))
    .innerJoin(enterprises, eq(enterprises.id, rectificationNotices.enterpriseId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, escalationCases.unitId))
    .innerJoin(users, eq(users.id, escalationCases.escalatedBy))
}

type Fetched = { c: EscalationCase, number: string, deadline: string, siteId: number, siteName: string, enterpriseId: number, enterpriseName: string, unitName: string, escalatedByName: string, closedByName: string | null }
const flat = (r: Fetched): CaseRow => ({ ...r.c, number: r.number, deadline: r.deadline, siteId: r.siteId, siteName: r.siteName, enterpriseId: r.enterpriseId, enterpriseName: r.enterpriseName, unitName: r.unitName, escalatedByName: r.escalatedByName, closedByName: r.closedByName })

/** The police see a case when they see the notice's site; trainers and trainees never (a case is police work). */
function caseScope (scope: Scope) {
  return scope.kind === 'jurisdictions' || scope.kind === 'all' ? siteScopeCondition(scope) : sql`false`
}

export const CASE_FILTERS = ['open', 'closed', 'all'] as const
export type CaseFilter = typeof CASE_FILTERS[number]
/** The order of the case list, newest escalation first: its key. */
export const CASE_KEY = ['n', 'n'] as const
const caseKey = (r: CaseRow): Key => [r.escalatedAt.getTime(), r.id]

/** One keyset page of the cases a scope sees, newest first, with the true total. */
export function * pageCases (db: Db, scope: Scope, filter: CaseFilter, page: KeysetRequest): Q<KeysetPage<CaseRow>> {
  const where = and(caseScope(scope), filter === 'all' ? undefined : eq(escalationCases.status, filter))
  const total = (yield * one(db.select({ n: count() }).from(escalationCases)
    .innerJoin(rectificationNotices, eq(rectificationNotices.id, escalationCases.noticeId))
    .innerJoin(sites, eq(sites.id, rectificationNotices.siteId))
    .innerJoin(enterprises, eq(enterprises.id, rectificationNotices.enterpriseId)).where(where)))?.n ?? 0
  const k = keysetQuery([escalationCases.escalatedAt, escalationCases.id], page, true)
  return toPage((yield * all(caseQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))).map(flat), page, total, caseKey)
}

export function * findCaseInScope (db: Db, scope: Scope, id: number): Q<CaseRow | undefined> {
  const r = yield * one(caseQuery(db).where(and(eq(escalationCases.id, id), caseScope(scope))))
  return r && flat(r)
}

/** The case a notice was escalated to, if any (its id only: the notice page links to it). */
export function * caseOfNotice (db: Db, noticeId: number): Q<{ id: number, status: CaseStatus } | undefined> {
  return yield * one(db.select({ id: escalationCases.id, status: escalationCases.status }).from(escalationCases).where(eq(escalationCases.noticeId, noticeId)))
}

/** Opens the case of an escalated notice; called inside the escalation's transaction. */
export function * openCase (db: Db, c: { noticeId: number, unitId: number, basis: string, note: string, by: number }, now: Date): Q<number> {
  return (yield * one(db.insert(escalationCases).values({ noticeId: c.noticeId, unitId: c.unitId, basis: c.basis, note: c.note, status: 'open', escalatedBy: c.by, escalatedAt: now })
    .returning({ id: escalationCases.id })))!.id
}

/** Closes an open case (district level and above, through caseTransition), with its audit entry; the refusal's reason otherwise (run it in one transaction). */
export function * closeCase (db: Db, id: number, note: string, by: number, level: JurisdictionLevel | undefined, audit: ChangeAudit, now: Date): Q<{ ok: true } | { ok: false, reason: string }> {
  const c = yield * one(db.select().from(escalationCases).where(eq(escalationCases.id, id)))
  if (!c) return { ok: false as const, reason: 'case.gone' }
  const r = caseTransition(c.status, { kind: 'close' }, { level })
  if (!r.ok) return r
  yield * run(db.update(escalationCases).set({ status: r.next, closedBy: by, closedAt: now, closingNote: note }).where(eq(escalationCases.id, id)))
  yield * writeAudit(db, { ...audit, subjectType: 'case', subjectId: id, details: { noticeId: c.noticeId, from: c.status, to: r.next, note } }, now)
  return { ok: true as const }
}

/** How many cases a scope sees open: the dashboard's figure. */
export function * countOpenCases (db: Db, scope: Scope): Q<number> {
  return (yield * pageCases(db, scope, 'open', { size: 0 })).total
}
