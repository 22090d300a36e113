import { and, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, type Q } from '../../db/engine.js'
import { sites, enterprises, jurisdictions, employments, traineeReadiness } from '../../db/schema.js'
import { siteScopeCondition, SITE_COLUMNS, type Scope, type SiteRow } from '../orgs/index.js'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'

// Counts by managed site (the police dashboard's "by site" beside "by enterprise"): for each site a
// scope sees, the guards posted there now, those on duty, those on duty without a valid
// certificate, and those eligible to sit the exam. Only the sites of the page are counted: each
// figure is one range of employments_site_idx (site, duty status, trainee) per site, the
// certificate and readiness read from trainee_readiness by primary key.

/** A site as the site list shows it (orgs' SiteRow without its guard count), with the counts below. */
export interface SiteCountRow extends Omit<SiteRow, 'guards'> {
  posted: number
  onDuty: number
  onDutyUncertified: number
  eligible: number
}

export interface SiteFilter {
  /** Only sites lying in the scope's own area (not those it sees through the enterprise's registration). */
  areaOnly?: boolean
  enterpriseId?: number
}

/** The order of the list (enterprise, then site name): its key. */
export const SITE_KEY = ['s', 's', 'n'] as const
const siteKey = (r: SiteCountRow): Key => [r.enterpriseName, r.name, r.id]

// The counts are numbers on both engines (PostgreSQL's count is a bigint); the conditions go
// through Drizzle's operators, which write each engine's boolean.
const posted = (extra?: SQL) => sql<number>`(SELECT count(*) FROM ${employments} WHERE ${employments.siteId} = ${sites.id} AND ${isNull(employments.endedOn)}${extra ? sql` AND ${extra}` : sql``})`.mapWith(Number)
const withReadiness = (extra: SQL) => sql<number>`(SELECT count(*) FROM ${employments} JOIN ${traineeReadiness} ON ${traineeReadiness.traineeId} = ${employments.traineeId} WHERE ${employments.siteId} = ${sites.id} AND ${isNull(employments.endedOn)} AND ${extra})`.mapWith(Number)

function where (scope: Scope, f: SiteFilter): SQL | undefined {
  const area = f.areaOnly && scope.kind === 'jurisdictions' ? (scope.jurisdictionIds.length ? inArray(sites.jurisdictionId, scope.jurisdictionIds) : sql`false`) : undefined
  return and(siteScopeCondition(scope), area, f.enterpriseId ? eq(sites.enterpriseId, f.enterpriseId) : undefined)
}

/** How many sites a scope sees under a filter (the list's true total): a count over the sites, never the guards. */
export function * countSites (db: Db, scope: Scope, f: SiteFilter = {}): Q<number> {
  return (yield * one(db.select({ n: count() }).from(sites).innerJoin(enterprises, eq(enterprises.id, sites.enterpriseId)).where(where(scope, f))))?.n ?? 0
}

function countsQuery (db: Db) {
  return db.select({
    ...SITE_COLUMNS,
    posted: posted(),
    onDuty: posted(eq(employments.dutyStatus, 'on-duty')),
    onDutyUncertified: withReadiness(and(eq(employments.dutyStatus, 'on-duty'), eq(traineeReadiness.certified, false))!),
    eligible: withReadiness(eq(traineeReadiness.status, 'eligible'))
  }).from(sites)
    .innerJoin(enterprises, eq(enterprises.id, sites.enterpriseId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, sites.jurisdictionId))
}

/** One keyset page of the sites a scope sees, by enterprise and name, each with its counts, and the true total. */
export function * pageSiteCounts (db: Db, scope: Scope, f: SiteFilter, page: KeysetRequest): Q<KeysetPage<SiteCountRow>> {
  const k = keysetQuery([enterprises.name, sites.name, sites.id], page)
  const rows = yield * all(countsQuery(db).where(and(where(scope, f), k.where)).orderBy(...k.orderBy).limit(k.limit))
  return toPage(rows, page, yield * countSites(db, scope, f), siteKey)
}

/** One site's counts (the site page), or undefined when the scope does not see it. */
export function * siteCounts (db: Db, scope: Scope, id: number): Q<SiteCountRow | undefined> {
  return yield * one(countsQuery(db).where(and(where(scope, {}), eq(sites.id, id))))
}
