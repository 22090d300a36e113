import type { FastifyInstance, FastifyRequest } from 'fastify'
import { idParam, auditFrom, queryText } from '../../http/params.js'
import { readForm } from '../../lib/form.js'
import { toCsv } from '../../lib/csv.js'
import { parseIdNumber } from '../../lib/id-checksums.js'
import { recordAudit } from '../audit/index.js'
import { loadScope, policeSubtree, listEnterprises, findEnterprise, findJurisdiction, listPeople, findPersonInScope, personView, type EnterpriseRow } from '../orgs/index.js'
import { supervisionSummary, uninspectedDays } from '../supervision/index.js'
import { normaliseCode } from './statements.js'
import { purposeProblem } from './lookup.js'
import { checklist, reasonsOf, statementView } from './view.js'
import { readinessHelpers } from './helpers.js'
import { employedPeople, evaluateMany, pendingByEnterprise, currentStatements, findStatementByCode, listStatements, userNames } from './queries.js'

const POLICE = { access: ['police'] as const }

/** The police officer's jurisdiction: readiness counts per enterprise, drill-down, look-up by ID number, verification. */
export async function policeReadinessRoutes (app: FastifyInstance) {
  const h = readinessHelpers(app)
  const subtreeOf = (req: FastifyRequest): number[] => policeSubtree(app.db, req.actor!)

  /** Enterprises of the subtree with head counts, eligible guards and pending applications. */
  const dashboard = (req: FastifyRequest): Array<EnterpriseRow & { eligible: number, pending: number }> => {
    const ids = subtreeOf(req)
    const enterprises = listEnterprises(app.db, ids)
    const people = employedPeople(app.db, { jurisdictionIds: ids })
    const evs = evaluateMany(app.db, people, h.settings(), h.now(), app.config.timeZone)
    const eligible = new Map<number, number>()
    for (const p of people) if (evs.get(p.id)?.evaluation.status === 'eligible') eligible.set(p.enterpriseId, (eligible.get(p.enterpriseId) ?? 0) + 1)
    const pending = pendingByEnterprise(app.db, enterprises.map((e) => e.id))
    return enterprises.map((e) => ({ ...e, eligible: eligible.get(e.id) ?? 0, pending: pending.get(e.id) ?? 0 }))
  }

  app.get('/jurisdiction', { config: POLICE }, async (req, reply) => {
    const actor = req.actor!
    const rows = dashboard(req)
    const total = (k: 'inTraining' | 'onDuty' | 'onDutyWithoutCertificate' | 'eligible' | 'pending') => rows.reduce((s, r) => s + r[k], 0)
    return reply.page('police/jurisdiction', {
      title: 'jurisdiction.title',
      jurisdiction: actor.jurisdictionId ? findJurisdiction(app.db, actor.jurisdictionId) : undefined,
      enterprises: rows,
      supervision: supervisionSummary(app.db, loadScope(app.db, actor), h.today(), uninspectedDays(app.db)),
      totals: { inTraining: total('inTraining'), onDuty: total('onDuty'), uncertified: total('onDutyWithoutCertificate'), eligible: total('eligible'), pending: total('pending') }
    })
  })

  app.get('/jurisdiction/export.csv', { config: POLICE }, async (req, reply) => {
    const t = req.t
    const rows = dashboard(req)
    const csv = toCsv([
      [t('enterprises.name'), t('enterprises.credit-code'), t('enterprises.jurisdiction'), t('duty.in-training'), t('duty.on-duty'), t('jurisdiction.uncertified'), t('jurisdiction.eligible'), t('jurisdiction.pending')],
      ...rows.map((e) => [e.name, e.creditCode, e.jurisdictionName, String(e.inTraining), String(e.onDuty), String(e.onDutyWithoutCertificate), String(e.eligible), String(e.pending)])
    ])
    recordAudit(app.db, { ...auditFrom(req, 'jurisdiction.exported'), subjectType: 'jurisdiction', subjectId: req.actor!.jurisdictionId ?? '', details: { rows: rows.length } }, h.now())
    return reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="jurisdiction-${h.today()}.csv"`).send(csv)
  })

  app.get('/jurisdiction/enterprises/:id', { config: POLICE }, async (req, reply) => {
    const id = idParam(req)
    const enterprise = findEnterprise(app.db, id, subtreeOf(req))
    if (!enterprise) return h.denied(req, 'enterprise', id)
    const people = listPeople(app.db, loadScope(app.db, req.actor!), { enterpriseId: enterprise.id })
    const evs = evaluateMany(app.db, people, h.settings(), h.now(), app.config.timeZone)
    const current = currentStatements(app.db, people.map((p) => p.id), h.now())
    const rows = people.map((p) => {
      const ev = evs.get(p.id)!.evaluation
      return { ...personView(p, app.pii.decrypt, h.today()), readiness: ev.status, reasons: reasonsOf(ev, req.t), statement: current.get(p.id) }
    })
    const supervision = supervisionSummary(app.db, loadScope(app.db, req.actor!), h.today(), uninspectedDays(app.db), enterprise.id)
    return reply.page('police/enterprise', { title: 'jurisdiction.enterprise-title', enterprise, people: rows, day: h.day, supervision })
  })

  // ---- look-up by full ID number, with a purpose, audited ----

  const lookupPage = (extra: Record<string, unknown> = {}) => ({ title: 'lookup.title', values: { idNumber: '', purpose: '' }, errors: {}, result: null, searched: false, ...extra })

  app.get('/jurisdiction/lookup', { config: POLICE }, async (_req, reply) => reply.page('police/lookup', lookupPage()))

  app.post('/jurisdiction/lookup', { config: POLICE }, async (req, reply) => {
    const form = readForm(req.body, { idNumber: { required: true, max: 30, identifier: true }, purpose: { required: true, max: 200 } })
    const errors: Record<string, string> = { ...form.errors }
    const idNumber = form.values.idNumber.replace(/\s+/g, '').toUpperCase()
    if (!errors.idNumber && !parseIdNumber(idNumber, h.today()).ok) errors.idNumber = 'lookup.id-invalid'
    if (!errors.purpose) errors.purpose = purposeProblem(form.values.purpose) ?? ''
    if (!errors.purpose) delete errors.purpose
    // What was typed comes back to be corrected (this page only, to the officer who typed it; never logged or kept).
    if (Object.keys(errors).length > 0) return reply.code(422).page('police/lookup', lookupPage({ errors, values: form.values }))
    const hmac = app.pii.hash(idNumber)
    const found = listPeople(app.db, loadScope(app.db, req.actor!), { idNumberHmac: hmac, limit: 1 })[0]
    recordAudit(app.db, { ...auditFrom(req, 'police.lookup'), subjectType: found ? 'trainee' : undefined, subjectId: found?.id, details: { purpose: form.values.purpose, found: Boolean(found) } }, h.now())
    if (!found) return reply.code(404).page('police/lookup', lookupPage({ searched: true, values: form.values }))
    const { evaluation } = h.evaluate(found)
    return reply.page('police/lookup', lookupPage({
      searched: true,
      result: { person: personView(found, app.pii.decrypt, h.today(), { fullId: true }), status: evaluation.status, items: checklist(evaluation.rules, req.t), statements: listStatements(app.db, found.id).map((s) => statementView(s, h.now(), app.config.publicUrl)) },
      values: { idNumber: '', purpose: form.values.purpose },
      day: h.day
    }))
  })

  // ---- statement verification by code, in the app (the whole snapshot) ----

  app.get('/jurisdiction/verify', { config: POLICE }, async (req, reply) => {
    const typed = queryText(req, 'code', 40)
    if (!typed) return reply.page('police/verify', { title: 'verify.title', code: '', error: null, st: null })
    const code = normaliseCode(typed)
    const st = code ? findStatementByCode(app.db, code) : undefined
    recordAudit(app.db, { ...auditFrom(req, 'statement.checked'), subjectType: st ? 'statement' : undefined, subjectId: st?.id, details: { found: Boolean(st) } }, h.now())
    if (!st) return reply.code(code ? 404 : 422).page('police/verify', { title: 'verify.title', code: typed, error: code ? null : 'verify.format', notFound: Boolean(code), st: null })
    const view = statementView(st, h.now(), app.config.publicUrl)
    const inScope = Boolean(findPersonInScope(app.db, loadScope(app.db, req.actor!), st.traineeId))
    const names = userNames(app.db, [st.issuedBy, st.revokedBy])
    return reply.page('police/verify', { title: 'verify.title', code: typed, error: null, st: view, inScope, issuedBy: names.get(st.issuedBy) ?? '', day: h.day })
  })
}
