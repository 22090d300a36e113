import type { FastifyInstance, FastifyRequest } from 'fastify'
import { auditFrom, idParam, queryText } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { supervisionHelpers } from './helpers.js'
import { loadScope, findJurisdiction } from '../orgs/index.js'
import { mayEscalate } from './rules.js'
import { pageCases, findCaseInScope, closeCase, CASE_FILTERS, CASE_KEY, type CaseFilter } from './cases.js'

const READERS = { access: ['police', 'admin'] as const }
const POLICE = { access: ['police'] as const }

/** Cases for penalty opened by escalating overdue notices: listed and read by police in scope, closed by district level and above. */
export async function caseRoutes (app: FastifyInstance) {
  const { now, denied } = supervisionHelpers(app)
  const levelOf = async (req: FastifyRequest) => req.actor!.jurisdictionId ? (await app.exec(findJurisdiction, req.actor!.jurisdictionId))?.level : undefined

  app.get('/supervision/cases', { config: READERS }, async (req, reply) => {
    const asked = queryText(req, 'filter', 10) as CaseFilter
    const filter = CASE_FILTERS.includes(asked) ? asked : 'open'
    const page = await app.exec(pageCases, await app.exec(loadScope, req.actor!), filter, keysetRequest(req, CASE_KEY))
    return reply.page('supervision/cases', { title: 'case.list-title', rows: page.rows, filter, filters: CASE_FILTERS, pager: pager('/supervision/cases', { filter }, page) })
  })

  const casePage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const id = idParam(req)
    const c = (await app.exec(findCaseInScope, await app.exec(loadScope, req.actor!), id)) ?? await denied(req, 'case', id)
    const level = req.actor!.role === 'police' ? await levelOf(req) : undefined
    return { title: 'case.title', c, canClose: c.status === 'open' && level !== undefined && mayEscalate(level), errors: {} as Record<string, string>, values: {} as Record<string, string>, ...extra }
  }

  app.get('/supervision/cases/:id', { config: READERS }, async (req, reply) => reply.page('supervision/case', await casePage(req)))

  app.post('/supervision/cases/:id/close', { config: POLICE }, async (req, reply) => {
    const page = await casePage(req)
    const form = readForm(req.body, { note: { required: true, max: 2000, multiline: true } })
    if (!form.ok) return reply.code(422).page('supervision/case', { ...page, errors: form.errors, values: form.values })
    const outcome = await app.transaction(closeCase, page.c.id, form.values.note, req.actor!.id, await levelOf(req), auditFrom(req, 'case.closed'), now())
    if (!outcome.ok) return reply.code(outcome.reason === 'case.level' ? 403 : 409).page('supervision/case', await casePage(req, { errors: { _: outcome.reason }, values: form.values }))
    return reply.seeOther(`/supervision/cases/${page.c.id}`, 'flash.case-closed')
  })
}
