import type { FastifyInstance, FastifyRequest } from 'fastify'
import { auditFrom, queryText } from '../../http/params.js'
import { hrefWith, keysetRequest, pager } from '../../http/paging.js'
import { toCsv } from '../../lib/csv.js'
import { localDate } from '../../lib/time.js'
import { writeAudit } from '../audit/index.js'
import { loadScope } from '../orgs/index.js'
import { uninspectedDays } from './queries.js'
import { supervisionByEnterprise, enterpriseKeyShape, ENTERPRISE_SORTS, type EnterpriseSort } from './dashboard.js'

const VIEWERS = { access: ['police', 'admin'] as const }

/** The supervision figures per enterprise, sortable and paged, with a CSV export; the "not inspected in N days" setting. */
export async function dashboardRoutes (app: FastifyInstance) {
  const today = () => localDate(app.clock.now(), app.config.timeZone)
  const days = () => app.exec(uninspectedDays)
  const options = (req: FastifyRequest) => {
    const sort = queryText(req, 'sort', 10) as EnterpriseSort
    return { sort: ENTERPRISE_SORTS.includes(sort) ? sort : 'overdue' as EnterpriseSort, uninspected: queryText(req, 'uninspected', 1) === '1' }
  }

  app.get('/supervision/enterprises', { config: VIEWERS }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const o = options(req)
    const setDays = await days()
    const q = { today: today(), sort: o.sort, uninspectedDays: o.uninspected ? setDays : undefined }
    const page = await app.exec(supervisionByEnterprise, scope, q, keysetRequest(req, enterpriseKeyShape(o.sort)))
    const query = { sort: o.sort, uninspected: o.uninspected ? '1' : '' }
    return reply.page('supervision/enterprises', {
      title: 'dashboard.title', rows: page.rows, pager: pager('/supervision/enterprises', query, page), sorts: ENTERPRISE_SORTS, days: setDays, ...o,
      sortHref: (s: string) => hrefWith('/supervision/enterprises', { ...query, sort: s }), csv: hrefWith('/supervision/enterprises.csv', query)
    })
  })

  app.get('/supervision/enterprises.csv', { config: VIEWERS }, async (req, reply) => {
    const t = req.t
    const o = options(req)
    const { rows } = await app.exec(supervisionByEnterprise, await app.exec(loadScope, req.actor!), { today: today(), sort: o.sort, uninspectedDays: o.uninspected ? await days() : undefined }, { size: 100_000 })
    const csv = toCsv([
      [t('sites.enterprise'), t('dashboard.open'), t('dashboard.overdue'), t('dashboard.last'), t('dashboard.score')],
      ...rows.map((r) => [r.name, String(r.open), String(r.overdue), r.lastOn ?? '', r.percent === null ? '' : `${r.percent}%`])
    ])
    await app.transaction(writeAudit, { ...auditFrom(req, 'supervision.exported'), details: { rows: rows.length, sort: o.sort, uninspected: o.uninspected } }, app.clock.now())
    return reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="supervision-${today()}.csv"`).send(csv)
  })
}
