import { and, count, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, type Q } from '../../db/engine.js'
import type { Scope } from '../orgs/index.js'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { addDays, percentOf } from './rules.js'
import { noticeCounts } from './notices.js'
import { pageBravery, type BraveryRow } from './bravery.js'
import { pageCases, type CaseRow } from './cases.js'
import { countSites } from './site-counts.js'

// The supervision section of the police dashboard: per enterprise, open and overdue notices, the
// last inspection and its compliance score, aggregated in SQL over the indexed tables, sorted and
// paged by keyset with the true total.

export const ENTERPRISE_SORTS = ['name', 'open', 'overdue', 'last', 'score'] as const
export type EnterpriseSort = typeof ENTERPRISE_SORTS[number]

export interface SupervisionRow { id: number, name: string, open: number, overdue: number, lastOn: string | null, compliant: number | null, applicable: number | null, percent: number | null }

/**
 * Each sort as one ascending key over the figures (a descending figure negated, "never inspected
 * first" as a flag, the score as parts per million), so that a page is the rows after a key:
 * the columns, and the key's shape for the URL.
 */
const ORDER: Record<EnterpriseSort, { cols: string[], shape: ReadonlyArray<'s' | 'n'> }> = {
  name: { cols: ['name', 'id'], shape: ['s', 'n'] },
  open: { cols: ['-open', 'name', 'id'], shape: ['n', 's', 'n'] },
  overdue: { cols: ['-overdue', '-open', 'name', 'id'], shape: ['n', 'n', 's', 'n'] },
  // Never inspected first, then the longest ago.
  last: { cols: ['CASE WHEN last_on IS NULL THEN 0 ELSE 1 END', "coalesce(last_on, '')", 'name', 'id'], shape: ['n', 's', 's', 'n'] },
  score: { cols: ['CASE WHEN applicable IS NULL OR applicable = 0 THEN 1 ELSE 0 END', 'coalesce(compliant * 1000000 / NULLIF(applicable, 0), 0)', 'name', 'id'], shape: ['n', 'n', 's', 'n'] }
}

/** The key shape of a sort, for reading ?after= and ?before=. */
export const enterpriseKeyShape = (sort: EnterpriseSort) => ORDER[sort].shape

const keyOf = (sort: EnterpriseSort, r: SupervisionRow): Key => {
  const noScore = r.applicable === null || r.applicable === 0
  switch (sort) {
    case 'name': return [r.name, r.id]
    case 'open': return [-r.open, r.name, r.id]
    case 'overdue': return [-r.overdue, -r.open, r.name, r.id]
    case 'last': return [r.lastOn === null ? 0 : 1, r.lastOn ?? '', r.name, r.id]
    case 'score': return [noScore ? 1 : 0, noScore ? 0 : Math.floor((r.compliant ?? 0) * 1000000 / r.applicable!), r.name, r.id]
  }
}

/**
 * The enterprises a police scope sees (registered in the subtree, or managing a site in it) with
 * their supervision figures over the sites the scope sees. `uninspectedDays`: only those not
 * inspected in that many days (never inspected included).
 */
export function * supervisionByEnterprise (db: Db, scope: Scope, o: { today: string, sort: EnterpriseSort, uninspectedDays?: number, enterpriseId?: number }, page: KeysetRequest): Q<KeysetPage<SupervisionRow>> {
  const empty: KeysetPage<SupervisionRow> = { rows: [], total: 0, size: page.size, next: null, prev: null }
  if (scope.kind !== 'jurisdictions' && scope.kind !== 'all') return empty
  const ids = scope.kind === 'all' ? null : scope.jurisdictionIds
  if (ids && ids.length === 0) return empty
  const list = ids ? sql.join(ids.map((id) => sql`${id}`), sql`, `) : null
  const siteWhere: SQL = list ? sql`s.jurisdiction_id IN (${list}) OR e.jurisdiction_id IN (${list})` : sql`true`
  const entWhere: SQL = list ? sql`e.jurisdiction_id IN (${list}) OR e.id IN (SELECT enterprise_id FROM vis_sites)` : sql`true`
  const since = o.uninspectedDays ? addDays(o.today, -o.uninspectedDays) : null
  const filter: SQL = sql.join([
    since ? sql`(last_on IS NULL OR last_on < ${since})` : sql`true`,
    o.enterpriseId ? sql`id = ${o.enterpriseId}` : sql`true`
  ], sql` AND `)
  // Two common table expressions (Drizzle's $with, for both engines): the sites the scope sees,
  // and each enterprise's figures over them; the page is read from the figures.
  const visSites = db.$with('vis_sites', { id: sql<number>`id`.as('id'), enterpriseId: sql<number>`enterprise_id`.as('enterprise_id') }).as(sql`SELECT s.id, s.enterprise_id FROM sites s JOIN enterprises e ON e.id = s.enterprise_id WHERE ${siteWhere}`)
  const figures = db.$with('figures', {
    id: sql<number>`id`.as('id'),
    name: sql<string>`name`.as('name'),
    // Counts are bigints on PostgreSQL: numbers on both.
    open: sql<number>`open`.mapWith(Number).as('open'),
    overdue: sql<number>`overdue`.mapWith(Number).as('overdue'),
    lastOn: sql<string | null>`last_on`.as('last_on'),
    compliant: sql<number | null>`compliant`.as('compliant'),
    applicable: sql<number | null>`applicable`.as('applicable')
  }).as(sql`
      SELECT e.id, e.name,
        (SELECT count(*) FROM rectification_notices n WHERE n.enterprise_id = e.id AND n.status <> 'closed' AND n.site_id IN (SELECT id FROM vis_sites)) AS open,
        (SELECT count(*) FROM rectification_notices n WHERE n.enterprise_id = e.id AND n.status <> 'closed' AND n.deadline < ${o.today} AND n.site_id IN (SELECT id FROM vis_sites)) AS overdue,
        latest.inspected_on AS last_on, latest.compliant, latest.applicable
      FROM enterprises e
      LEFT JOIN inspections latest ON latest.id = (
        SELECT i.id FROM inspections i WHERE i.enterprise_id = e.id AND i.site_id IN (SELECT id FROM vis_sites) ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1)
      WHERE ${entWhere}`)
  const total = (yield * one(db.with(visSites, figures).select({ n: count() }).from(figures).where(filter)))?.n ?? 0
  const k = keysetQuery(ORDER[o.sort].cols.map((c) => sql.raw(c)), page)
  const fetched = yield * all(db.with(visSites, figures).select().from(figures).where(and(filter, k.where)).orderBy(...k.orderBy).limit(k.limit))
  const rows = fetched.map((r) => ({ ...r, percent: r.applicable === null ? null : percentOf(r.compliant ?? 0, r.applicable) }))
  return toPage(rows, page, total, (r) => keyOf(o.sort, r))
}

/**
 * What the police dashboard (readiness area) and its enterprise page show of supervision: the
 * notice counts, the enterprises not inspected in the set number of days, the latest bravery
 * reports, the open cases, and, for one enterprise, its row of the table.
 */
export function * supervisionSummary (db: Db, scope: Scope, today: string, days: number, enterpriseId?: number): Q<SupervisionSummary> {
  return {
    counts: yield * noticeCounts(db, scope, today),
    uninspected: (yield * supervisionByEnterprise(db, scope, { today, sort: 'last', uninspectedDays: days }, { size: 0 })).total,
    days,
    bravery: (yield * pageBravery(db, scope, { size: 3 })).rows,
    // The open cases (escalated notices), newest first: the district's follow-up list.
    cases: enterpriseId ? null : yield * pageCases(db, scope, 'open', { size: 5 }),
    // By site as well as by enterprise: how many sites the scope sees (and lie in its area), or one enterprise's; the counts per site are on /supervision/sites.
    sites: enterpriseId
      ? { total: yield * countSites(db, scope, { enterpriseId }), inArea: yield * countSites(db, scope, { enterpriseId, areaOnly: true }) }
      : { total: yield * countSites(db, scope), inArea: yield * countSites(db, scope, { areaOnly: true }) },
    enterprise: enterpriseId ? (yield * supervisionByEnterprise(db, scope, { today, sort: 'name', enterpriseId }, { size: 1 })).rows[0] ?? null : null
  }
}

export interface SupervisionSummary {
  counts: { open: number, overdue: number, waiting: number }
  uninspected: number
  days: number
  bravery: BraveryRow[]
  cases: KeysetPage<CaseRow> | null
  sites: { total: number, inArea: number }
  enterprise: SupervisionRow | null
}
