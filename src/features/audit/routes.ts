import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditFrom, queryText } from '../../http/params.js'
import { hrefWith, keysetRequest, pager } from '../../http/paging.js'
import { sendCsvStream } from '../../http/csv-export.js'
import type { Actor } from '../../http/types.js'
import { localDate, startOfLocalDay } from '../../lib/time.js'
import { AUDIT_KEY, auditNames, countAudit, eachAudit, pageAudit, writeAudit, type AuditFilter } from './queries.js'
import { describeEvent, type AuditReader } from './describe.js'

export interface AuditRoutesOptions {
  /**
   * A police officer's jurisdiction and every one below it. The orgs area knows the tree
   * (app.ts passes its policeSubtree in): orgs records audit events, so audit cannot import orgs.
   */
  policeJurisdictions: (actor: Actor) => Promise<number[]>
}

/**
 * The audit log: administrators see all of it, police their jurisdiction's;
 * filterable by action, actor and dates (local days). Each entry reads as a
 * sentence with names and links, a page at a time with the true total; the
 * raw records go out as CSV (the export is audited itself).
 */
export async function auditRoutes (app: FastifyInstance, opts: AuditRoutesOptions) {
  const filterOf = (req: FastifyRequest, jurisdictionIds?: number[]) => {
    const typed = { action: queryText(req, 'action', 60), actor: queryText(req, 'actor', 64).toLowerCase(), from: queryText(req, 'from', 10), to: queryText(req, 'to', 10) }
    const day = (s: string, plusDays = 0) => {
      const start = startOfLocalDay(s, app.config.timeZone)
      return start && new Date(start.getTime() + plusDays * 86_400_000)
    }
    const filter: AuditFilter = {
      action: typed.action || undefined, actor: typed.actor || undefined, from: day(typed.from), to: day(typed.to, 1), jurisdictionIds
    }
    return { typed, filter }
  }

  const auditPage = async (req: FastifyRequest, reply: FastifyReply, base: string, reader: AuditReader, jurisdictionIds?: number[]) => {
    const { typed, filter } = filterOf(req, jurisdictionIds)
    const page = await app.exec(pageAudit, filter, keysetRequest(req, AUDIT_KEY))
    const rows = page.rows
    const names = await app.exec(auditNames, rows)
    // The raw fields ride along as data attributes (and in full in the export); the sentence is what is read.
    const entries = rows.map((r) => ({
      id: r.id, at: r.at, clientIp: r.clientIp, action: r.action, actor: r.actorUsername ?? '', subject: r.subjectType ? `${r.subjectType} #${r.subjectId ?? ''}` : '',
      html: describeEvent(r, names, reader, req.t, req.locale)
    }))
    return reply.page('admin/audit', {
      title: 'audit.title', filter: typed, entries, base, pager: pager(base, typed, page),
      exportHref: hrefWith(`${base}/export.csv`, typed)
    })
  }

  const exportCsv = async (req: FastifyRequest, reply: FastifyReply, jurisdictionIds?: number[]) => {
    const { filter } = filterOf(req, jurisdictionIds)
    const rows = await app.exec(countAudit, filter)
    await app.transaction(writeAudit, { ...auditFrom(req, 'audit.exported'), details: { rows, filter: { ...filter, jurisdictionIds: undefined } } }, app.clock.now())
    return sendCsvStream(reply, `audit-${localDate(app.clock.now(), app.config.timeZone)}.csv`,
      ['id', 'at', 'actor', 'action', 'subject_type', 'subject_id', 'details', 'client_ip'], eachAudit(app.db, filter),
      (r) => [r.id, r.at.toISOString(), r.actorUsername ?? '', r.action, r.subjectType ?? '', r.subjectId ?? '', r.details ? JSON.stringify(r.details) : '', r.clientIp ?? ''])
  }

  app.get('/admin/audit', { config: { access: ['admin'] } }, async (req, reply) => auditPage(req, reply, '/admin/audit', 'admin'))
  app.get('/admin/audit/export.csv', { config: { access: ['admin'] } }, async (req, reply) => exportCsv(req, reply))

  app.get('/jurisdiction/audit', { config: { access: ['police'] } }, async (req, reply) => auditPage(req, reply, '/jurisdiction/audit', 'police', await opts.policeJurisdictions(req.actor!)))
  app.get('/jurisdiction/audit/export.csv', { config: { access: ['police'] } }, async (req, reply) => exportCsv(req, reply, await opts.policeJurisdictions(req.actor!)))
}
