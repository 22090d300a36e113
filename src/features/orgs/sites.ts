import { and, asc, count, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { sites, enterprises, jurisdictions, employments } from '../../db/schema.js'
import { siteAccess, type Scope } from './scope.js'

// The queries of managed sites (服务项目). A module of its own beside queries.ts: sites are read by
// the supervision area and the people pages alike, through the orgs index. Query functions for both
// engines, as in queries.ts; the changes are transaction bodies.

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>

export interface SiteRow {
  id: number
  name: string
  address: string
  enterpriseId: number
  enterpriseName: string
  enterpriseJurisdictionId: number
  jurisdictionId: number
  jurisdictionName: string
  /** Guards posted there now (open employments). */
  guards: number
}

/** What a site row shows of the site, its enterprise and the station of its area (joined by siteQuery and the per-site counts). */
export const SITE_COLUMNS = {
  id: sites.id,
  name: sites.name,
  address: sites.address,
  enterpriseId: sites.enterpriseId,
  enterpriseName: enterprises.name,
  enterpriseJurisdictionId: enterprises.jurisdictionId,
  jurisdictionId: sites.jurisdictionId,
  jurisdictionName: jurisdictions.name
}

function siteQuery (db: Db) {
  return db.select({
    ...SITE_COLUMNS,
    guards: sql<number>`(SELECT count(*) FROM ${employments} WHERE ${employments.siteId} = ${sites.id} AND ${employments.endedOn} IS NULL)`.mapWith(Number)
  }).from(sites)
    .innerJoin(enterprises, eq(enterprises.id, sites.enterpriseId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, sites.jurisdictionId))
}

/** The SQL form of siteAccess (scope.ts): the sites a scope may see. */
export function siteScopeCondition (scope: Scope): SQL | undefined {
  switch (scope.kind) {
    case 'all': return undefined
    case 'enterprise': return eq(sites.enterpriseId, scope.enterpriseId)
    case 'jurisdictions': return scope.jurisdictionIds.length ? or(inArray(sites.jurisdictionId, scope.jurisdictionIds), inArray(enterprises.jurisdictionId, scope.jurisdictionIds)) : sql`false`
    default: return sql`false`
  }
}

/** One page of the sites a scope sees, by enterprise and name, with the true total. */
export function * listSites (db: Db, scope: Scope, page: { limit: number, offset: number }, enterpriseId?: number): Q<{ rows: SiteRow[], total: number }> {
  const where = and(siteScopeCondition(scope), enterpriseId ? eq(sites.enterpriseId, enterpriseId) : undefined)
  const total = (yield * one(db.select({ n: count() }).from(sites).innerJoin(enterprises, eq(enterprises.id, sites.enterpriseId)).where(where)))?.n ?? 0
  const rows = yield * all(siteQuery(db).where(where).orderBy(asc(enterprises.name), asc(sites.name), asc(sites.id)).limit(page.limit).offset(page.offset))
  return { rows, total }
}

/** A site and what the scope may do with it; undefined when it does not exist or the scope may not see it (404). */
export function * findSiteInScope (db: Db, scope: Scope, id: number): Q<(SiteRow & { access: 'manage' | 'read' }) | undefined> {
  const row = yield * one(siteQuery(db).where(eq(sites.id, id)))
  const access = row ? siteAccess(scope, row) : null
  return row && access ? { ...row, access } : undefined
}

/** An enterprise's sites, for the person page's and the import's choice. */
export function * sitesOfEnterprise (db: Db, enterpriseId: number): Q<Array<{ id: number, name: string }>> {
  return yield * all(db.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.enterpriseId, enterpriseId)).orderBy(asc(sites.name)))
}

/** The police stations, whose areas a site may lie in. */
export function * listStations (db: Db): Q<Array<{ id: number, name: string }>> {
  return yield * all(db.select({ id: jurisdictions.id, name: jurisdictions.name }).from(jurisdictions).where(eq(jurisdictions.level, 'station')).orderBy(asc(jurisdictions.code)))
}

export interface SiteInput { name: string, address: string, jurisdictionId: number }

/** Whether the enterprise already has another site of this name. */
export function * siteNameTaken (db: Db, enterpriseId: number, name: string, exceptId?: number): Q<boolean> {
  const row = yield * one(db.select({ id: sites.id }).from(sites).where(and(eq(sites.enterpriseId, enterpriseId), eq(sites.name, name))).limit(1))
  return row !== undefined && row.id !== exceptId
}

export function * insertSite (db: Db, enterpriseId: number, s: SiteInput, audit: ChangeAudit, now: Date): Q<number> {
  const row = (yield * one(db.insert(sites).values({ ...s, enterpriseId, createdAt: now, updatedAt: now }).returning({ id: sites.id })))!
  yield * writeAudit(db, { ...audit, subjectType: 'site', subjectId: row.id, details: { enterpriseId, ...s } }, now)
  return row.id
}

export function * updateSite (db: Db, id: number, s: SiteInput, audit: ChangeAudit, now: Date): Q<void> {
  const before = yield * one(db.select().from(sites).where(eq(sites.id, id)))
  yield * run(db.update(sites).set({ ...s, updatedAt: now }).where(eq(sites.id, id)))
  yield * writeAudit(db, { ...audit, subjectType: 'site', subjectId: id, details: { before: before && { name: before.name, address: before.address, jurisdictionId: before.jurisdictionId }, after: { ...s } } }, now)
}

/** Posts a guard at a site of their employer (or at none); the site must belong to the employment's enterprise. */
export function * setPostedSite (db: Db, employmentId: number, traineeId: number, siteId: number | null, audit: ChangeAudit, now: Date): Q<void> {
  const e = yield * one(db.select({ enterpriseId: employments.enterpriseId, siteId: employments.siteId }).from(employments).where(and(eq(employments.id, employmentId), isNull(employments.endedOn))))
  if (!e) throw new Error('no open employment')
  if (siteId !== null && !(yield * one(db.select({ id: sites.id }).from(sites).where(and(eq(sites.id, siteId), eq(sites.enterpriseId, e.enterpriseId)))))) throw new Error('the site is not the employer\'s')
  yield * run(db.update(employments).set({ siteId, updatedAt: now }).where(eq(employments.id, employmentId)))
  yield * writeAudit(db, { ...audit, action: 'employment.site', subjectType: 'trainee', subjectId: traineeId, details: { from: e.siteId, to: siteId, siteIds: [e.siteId, siteId].filter((x): x is number => x !== null) } }, now)
}
