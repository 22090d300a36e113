import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../../db/connection.js'
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

const posted = (extra: SQL = sql`1`) => sql<number>`(SELECT count(*) FROM ${employments} m WHERE m.site_id = ${sites.id} AND m.ended_on IS NULL AND ${extra})`
const withReadiness = (extra: SQL) => sql<number>`(SELECT count(*) FROM ${employments} m JOIN ${traineeReadiness} r ON r.trainee_id = m.trainee_id WHERE m.site_id = ${sites.id} AND m.ended_on IS NULL AND ${extra})`

function where (scope: Scope, f: SiteFilter): SQL | undefined {
  const area = f.areaOnly && scope.kind === 'jurisdictions' ? (scope.jurisdictionIds.length ? inArray(sites.jurisdictionId, scope.jurisdictionIds) : sql`0`) : undefined
  return and(siteScopeCondition(scope), area, f.enterpriseId ? eq(sites.enterpriseId, f.enterpriseId) : undefined)
}

/** How many sites a scope sees under a filter (the list's true total): a count over the sites, never the guards. */
export function countSites (db: DbOrTx, scope: Scope, f: SiteFilter = {}): number {
  return db.select({ n: count() }).from(sites).innerJoin(enterprises, eq(enterprises.id, sites.enterpriseId)).where(where(scope, f)).get()?.n ?? 0
}

function countsQuery (db: DbOrTx) {
  return db.select({
    ...SITE_COLUMNS,
    posted: posted(),
    onDuty: posted(sql`m.duty_status = 'on-duty'`),
    onDutyUncertified: withReadiness(sql`m.duty_status = 'on-duty' AND r.certified = 0`),
    eligible: withReadiness(sql`r.status = 'eligible'`)
  }).from(sites)
    .innerJoin(enterprises, eq(enterprises.id, sites.enterpriseId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, sites.jurisdictionId))
}

/** One keyset page of the sites a scope sees, by enterprise and name, each with its counts, and the true total. */
export function pageSiteCounts (db: DbOrTx, scope: Scope, f: SiteFilter, page: KeysetRequest): KeysetPage<SiteCountRow> {
  const k = keysetQuery([enterprises.name, sites.name, sites.id], page)
  const rows = countsQuery(db).where(and(where(scope, f), k.where)).orderBy(...k.orderBy).limit(k.limit).all()
  return toPage(rows, page, countSites(db, scope, f), siteKey)
}

/** One site's counts (the site page), or undefined when the scope does not see it. */
export function siteCounts (db: DbOrTx, scope: Scope, id: number): SiteCountRow | undefined {
  return countsQuery(db).where(and(where(scope, {}), eq(sites.id, id))).get()
}
