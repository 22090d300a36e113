import { sql, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../../db/connection.js'
import type { Scope } from '../orgs/index.js'
import { addDays, percentOf } from './rules.js'
import { noticeCounts } from './notices.js'
import { listBravery } from './bravery.js'
import { pageCases } from './cases.js'
import { countSites } from './site-counts.js'

// The supervision section of the police dashboard: per enterprise, open and overdue notices, the
// last inspection and its compliance score, aggregated in SQL over the indexed tables, sorted and
// paged with the true total.

export const ENTERPRISE_SORTS = ['name', 'open', 'overdue', 'last', 'score'] as const
export type EnterpriseSort = typeof ENTERPRISE_SORTS[number]

export interface SupervisionRow { id: number, name: string, open: number, overdue: number, lastOn: string | null, compliant: number | null, applicable: number | null, percent: number | null }

const ORDER: Record<EnterpriseSort, string> = {
  name: 'name ASC, id ASC',
  open: 'open DESC, name ASC, id ASC',
  overdue: 'overdue DESC, open DESC, name ASC, id ASC',
  // Never inspected first, then the longest ago.
  last: 'last_on IS NOT NULL, last_on ASC, name ASC, id ASC',
  score: 'applicable IS NULL, CAST(compliant AS REAL) / NULLIF(applicable, 0) ASC, name ASC, id ASC'
}

/**
 * The enterprises a police scope sees (registered in the subtree, or managing a site in it) with
 * their supervision figures over the sites the scope sees. `uninspectedDays`: only those not
 * inspected in that many days (never inspected included).
 */
export function supervisionByEnterprise (db: DbOrTx, scope: Scope, o: { today: string, sort: EnterpriseSort, limit: number, offset: number, uninspectedDays?: number, enterpriseId?: number }): { rows: SupervisionRow[], total: number } {
  if (scope.kind !== 'jurisdictions' && scope.kind !== 'all') return { rows: [], total: 0 }
  const ids = scope.kind === 'all' ? null : scope.jurisdictionIds
  if (ids && ids.length === 0) return { rows: [], total: 0 }
  const list = ids ? sql.join(ids.map((id) => sql`${id}`), sql`, `) : null
  const siteWhere: SQL = list ? sql`s.jurisdiction_id IN (${list}) OR e.jurisdiction_id IN (${list})` : sql`1`
  const entWhere: SQL = list ? sql`e.jurisdiction_id IN (${list}) OR e.id IN (SELECT enterprise_id FROM vis_sites)` : sql`1`
  const since = o.uninspectedDays ? addDays(o.today, -o.uninspectedDays) : null
  const filter: SQL = sql.join([
    since ? sql`(last_on IS NULL OR last_on < ${since})` : sql`1`,
    o.enterpriseId ? sql`id = ${o.enterpriseId}` : sql`1`
  ], sql` AND `)
  const base = sql`
    WITH vis_sites AS (SELECT s.id, s.enterprise_id FROM sites s JOIN enterprises e ON e.id = s.enterprise_id WHERE ${siteWhere}),
    figures AS (
      SELECT e.id, e.name,
        (SELECT count(*) FROM rectification_notices n WHERE n.enterprise_id = e.id AND n.status <> 'closed' AND n.site_id IN (SELECT id FROM vis_sites)) AS open,
        (SELECT count(*) FROM rectification_notices n WHERE n.enterprise_id = e.id AND n.status <> 'closed' AND n.deadline < ${o.today} AND n.site_id IN (SELECT id FROM vis_sites)) AS overdue,
        last.inspected_on AS last_on, last.compliant, last.applicable
      FROM enterprises e
      LEFT JOIN inspections last ON last.id = (
        SELECT i.id FROM inspections i WHERE i.enterprise_id = e.id AND i.site_id IN (SELECT id FROM vis_sites) ORDER BY i.inspected_on DESC, i.id DESC LIMIT 1)
      WHERE ${entWhere}
    )`
  const total = db.get<{ n: number }>(sql`${base} SELECT count(*) AS n FROM figures WHERE ${filter}`)?.n ?? 0
  const rows = db.all<{ id: number, name: string, open: number, overdue: number, last_on: string | null, compliant: number | null, applicable: number | null }>(
    sql`${base} SELECT * FROM figures WHERE ${filter} ORDER BY ${sql.raw(ORDER[o.sort])} LIMIT ${o.limit} OFFSET ${o.offset}`)
  return {
    total,
    rows: rows.map((r) => ({ id: r.id, name: r.name, open: r.open, overdue: r.overdue, lastOn: r.last_on, compliant: r.compliant, applicable: r.applicable, percent: r.applicable === null ? null : percentOf(r.compliant ?? 0, r.applicable) }))
  }
}

/**
 * What the police dashboard (readiness area) and its enterprise page show of supervision: the
 * notice counts, the enterprises not inspected in the set number of days, the latest bravery
 * reports, the open cases, and, for one enterprise, its row of the table.
 */
export function supervisionSummary (db: DbOrTx, scope: Scope, today: string, days: number, enterpriseId?: number) {
  return {
    counts: noticeCounts(db, scope, today),
    uninspected: supervisionByEnterprise(db, scope, { today, sort: 'last', limit: 0, offset: 0, uninspectedDays: days }).total,
    days,
    bravery: listBravery(db, scope, { limit: 3, offset: 0 }).rows,
    // The open cases (escalated notices), newest first: the district's follow-up list.
    cases: enterpriseId ? null : pageCases(db, scope, 'open', { size: 5 }),
    // By site as well as by enterprise: how many sites the scope sees (and lie in its area), or one enterprise's; the counts per site are on /supervision/sites.
    sites: enterpriseId
      ? { total: countSites(db, scope, { enterpriseId }), inArea: countSites(db, scope, { enterpriseId, areaOnly: true }) }
      : { total: countSites(db, scope), inArea: countSites(db, scope, { areaOnly: true }) },
    enterprise: enterpriseId ? supervisionByEnterprise(db, scope, { today, sort: 'name', limit: 1, offset: 0, enterpriseId }).rows[0] ?? null : null
  }
}
