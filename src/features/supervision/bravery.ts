import { and, count, eq, inArray, or, sql } from 'drizzle-orm'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { braveryReports, trainees, enterprises, jurisdictions, users } from '../../db/schema.js'
import type { Scope } from '../orgs/index.js'

// Acts of bravery (见义勇为): reported by a trainer or police, reviewed by the police, shown on the guard's record.

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type BraveryReport = typeof braveryReports.$inferSelect
export interface BraveryInput { occurredOn: string, place: string, account: string, witnesses: string, outcome: string }

/** A new report, for review by `stationId` (the station whose area the act took place in), with its audit entry (run it in one transaction). */
export function * reportBravery (db: Db, traineeId: number, enterpriseId: number, stationId: number, r: BraveryInput, by: number, audit: ChangeAudit, now: Date): Q<number> {
  const id = (yield * one(db.insert(braveryReports).values({ traineeId, enterpriseId, stationId, ...r, reportedBy: by, reportedAt: now, status: 'reported' }).returning({ id: braveryReports.id })))!.id
  yield * writeAudit(db, { ...audit, subjectType: 'bravery', subjectId: id, details: { traineeId, enterpriseId, stationId, occurredOn: r.occurredOn, place: r.place } }, now)
  return id
}

/** Forwarded for recognition (to a named body) or declined (with a reason); only a report not yet reviewed. False when it was reviewed meanwhile (run it in one transaction). */
export function * reviewBravery (db: Db, id: number, decision: 'forwarded' | 'declined', note: string, by: number, audit: ChangeAudit, now: Date): Q<boolean> {
  const { changes } = yield * run(db.update(braveryReports).set({ status: decision, reviewNote: note, reviewedBy: by, reviewedAt: now }).where(and(eq(braveryReports.id, id), eq(braveryReports.status, 'reported'))))
  if (changes > 0) yield * writeAudit(db, { ...audit, subjectType: 'bravery', subjectId: id, details: { from: 'reported', to: decision, note } }, now)
  return changes > 0
}

function scopeCondition (scope: Scope) {
  switch (scope.kind) {
    case 'all': return undefined
    case 'self': return eq(braveryReports.traineeId, scope.traineeId)
    case 'enterprise': return eq(braveryReports.enterpriseId, scope.enterpriseId)
    // Police: reports about guards of enterprises registered in the subtree, and reports of acts in the subtree's stations' areas.
    case 'jurisdictions': return scope.jurisdictionIds.length ? or(inArray(enterprises.jurisdictionId, scope.jurisdictionIds), inArray(braveryReports.stationId, scope.jurisdictionIds)) : sql`false`
    case 'none': return sql`false`
  }
}

export interface BraveryRow extends BraveryReport { fullName: string, enterpriseName: string, reportedByName: string, stationName: string | null }

const stationName = sql<string | null>`(SELECT ${jurisdictions.name} FROM ${jurisdictions} WHERE ${jurisdictions.id} = ${braveryReports.stationId})`

function query (db: Db) {
  return db.select({ r: braveryReports, fullName: trainees.fullName, enterpriseName: enterprises.name, reportedByName: users.displayName, stationName }).from(braveryReports)
    .innerJoin(trainees, eq(trainees.id, braveryReports.traineeId)).innerJoin(enterprises, eq(enterprises.id, braveryReports.enterpriseId)).innerJoin(users, eq(users.id, braveryReports.reportedBy))
}
const flat = (x: { r: BraveryReport, fullName: string, enterpriseName: string, reportedByName: string, stationName: string | null }): BraveryRow => ({ ...x.r, fullName: x.fullName, enterpriseName: x.enterpriseName, reportedByName: x.reportedByName, stationName: x.stationName })

/**
 * Who reviews a report: police of the station it names (the area the act took place in), and no
 * one else: districts and cities read reports of their stations but do not review them.
 */
export function mayReviewBravery (actor: { role: string, jurisdictionId: number | null }, report: { stationId: number | null }): boolean {
  return actor.role === 'police' && actor.jurisdictionId !== null && report.stationId !== null && actor.jurisdictionId === report.stationId
}

/** The order of the report list (newest report first): its key. */
export const BRAVERY_KEY = ['n', 'n'] as const
const braveryKey = (r: BraveryRow): Key => [r.reportedAt.getTime(), r.id]

/** One keyset page of the reports a scope sees, newest first, with the true total (optionally one person's). */
export function * pageBravery (db: Db, scope: Scope, page: KeysetRequest, traineeId?: number): Q<KeysetPage<BraveryRow>> {
  const where = and(scopeCondition(scope), traineeId ? eq(braveryReports.traineeId, traineeId) : undefined)
  const total = (yield * one(db.select({ n: count() }).from(braveryReports).innerJoin(enterprises, eq(enterprises.id, braveryReports.enterpriseId)).where(where)))?.n ?? 0
  const k = keysetQuery([braveryReports.reportedAt, braveryReports.id], page, true)
  return toPage((yield * all(query(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))).map(flat), page, total, braveryKey)
}

export function * findBraveryInScope (db: Db, scope: Scope, id: number): Q<BraveryRow | undefined> {
  const x = yield * one(query(db).where(and(eq(braveryReports.id, id), scopeCondition(scope))))
  return x && flat(x)
}
