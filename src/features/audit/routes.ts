import type { FastifyInstance, FastifyRequest } from 'fastify'
import { queryText } from '../../http/params.js'
import type { Actor } from '../../http/types.js'
import { startOfLocalDay } from '../../lib/time.js'
import { listAudit } from './queries.js'

export interface AuditRoutesOptions {
  /**
   * A police officer's jurisdiction and every one below it. The orgs area knows the tree
   * (app.ts passes its policeSubtree in): orgs records audit events, so audit cannot import orgs.
   */
  policeJurisdictions: (actor: Actor) => number[]
}

const PAGE = 100

/** The audit log: administrators see all of it, police their jurisdiction's; filterable by action, actor and dates (local days). */
export async function auditRoutes (app: FastifyInstance, opts: AuditRoutesOptions) {
  const auditPage = (req: FastifyRequest, base: string, jurisdictionIds?: number[]) => {
    const filter = { action: queryText(req, 'action', 60), actor: queryText(req, 'actor', 64).toLowerCase(), from: queryText(req, 'from', 10), to: queryText(req, 'to', 10) }
    const page = Math.max(1, Math.min(10_000, Number(queryText(req, 'page', 6)) || 1))
    const day = (s: string, plusDays = 0) => {
      const start = startOfLocalDay(s, app.config.timeZone)
      return start && new Date(start.getTime() + plusDays * 86_400_000)
    }
    const rows = listAudit(app.db, {
      action: filter.action || undefined,
      actor: filter.actor || undefined,
      from: day(filter.from),
      to: day(filter.to, 1),
      limit: PAGE + 1,
      offset: (page - 1) * PAGE,
      jurisdictionIds
    })
    return { title: 'audit.title', filter, rows: rows.slice(0, PAGE), page, more: rows.length > PAGE, base }
  }

  app.get('/admin/audit', { config: { access: ['admin'] } }, async (req, reply) => reply.page('admin/audit', auditPage(req, '/admin/audit')))

  app.get('/jurisdiction/audit', { config: { access: ['police'] } }, async (req, reply) => {
    return reply.page('admin/audit', auditPage(req, '/jurisdiction/audit', opts.policeJurisdictions(req.actor!)))
  })
}
