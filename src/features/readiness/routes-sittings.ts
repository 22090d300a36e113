import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, BadRequest, Forbidden, NotFound } from '../../http/errors.js'
import { auditFrom, idParam, parseId, queryId } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { loadScope, loadSittingScope, policeSubtree, listPeople, findEnterprise, validateCertificate } from '../orgs/index.js'
import { validateSitting, applyProblem, decisionProblem, resultProblem, mayDecide } from './sittings.js'
import { statementState, formatCode } from './statements.js'
import { statementView } from './view.js'
import { readinessHelpers } from './helpers.js'
import { readinessOfPeople } from './store.js'
import {
  pageSittings, SITTING_KEY, pageApplications, APPLICATION_KEY, findSitting, insertSitting, findApplication, takenPlaces, applicationHistory, insertApplication,
  decideApplication, recordResult, currentStatements, findStatement, openApplicants, pendingApplications, type SittingRow
} from './queries.js'

const TRAINER_POLICE = { access: ['trainer', 'police'] as const }
const POLICE = { access: ['police'] as const }

/** Sittings of the official exam: police publish and decide, trainers apply for their eligible guards. */
export async function sittingRoutes (app: FastifyInstance) {
  const h = readinessHelpers(app)

  /** A police officer's jurisdiction subtree (empty for other roles). */
  const subtreeOf = (req: FastifyRequest): Promise<number[]> => app.exec(policeSubtree, req.actor!)

  /** The jurisdictions whose sittings the actor sees (orgs/scope.ts sittingJurisdictions). */
  const visibleJurisdictions = (req: FastifyRequest): Promise<number[]> => app.exec(loadSittingScope, req.actor!)

  const sittingFor = async (req: FastifyRequest): Promise<SittingRow> => {
    const s = await app.exec(findSitting, idParam(req), await visibleJurisdictions(req))
    if (!s) throw new NotFound()
    return s
  }

  const requireDecider = async (req: FastifyRequest) => {
    if (!mayDecide(await h.policeLevel(req))) throw new Forbidden('sitting.district-only')
  }

  /**
   * The applications waiting for a police decision that this officer follows (see
   * pendingApplications), optionally of one enterprise of the subtree: the list the
   * dashboard's pending counts link to.
   */
  const pendingFor = async (req: FastifyRequest) => {
    if (req.actor!.role !== 'police') return null
    const subtree = await subtreeOf(req)
    const wanted = queryId(req, 'enterprise')
    const enterprise = wanted ? await app.exec(findEnterprise, wanted, subtree) : undefined
    const page = await app.exec(pendingApplications, subtree, enterprise?.id, keysetRequest(req, APPLICATION_KEY, 'pending-'))
    const query = { enterprise: enterprise ? String(enterprise.id) : '' }
    return { rows: page.rows, total: page.total, enterprise: enterprise ?? null, pager: pager('/sittings', query, page, { hash: '#pending', prefix: 'pending-' }) }
  }

  const listPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const sittings = await app.exec(pageSittings, await visibleJurisdictions(req), keysetRequest(req, SITTING_KEY))
    const trainer = req.actor!.role === 'trainer' && req.actor!.enterpriseId
    const applied = trainer ? await app.exec(pageApplications, { enterpriseId: req.actor!.enterpriseId! }, keysetRequest(req, APPLICATION_KEY, 'applied-')) : null
    return {
      title: 'sitting.title',
      sittings: sittings.rows,
      sittingsPager: pager('/sittings', {}, sittings),
      canPublish: req.actor!.role === 'police' && mayDecide(await h.policeLevel(req)),
      applications: applied?.rows ?? [],
      applicationsPager: applied && pager('/sittings', {}, applied, { hash: '#applied', prefix: 'applied-' }),
      pending: await pendingFor(req),
      today: h.today(),
      values: { startsAt: '09:00' },
      errors: {},
      refused: null,
      ...extra
    }
  }

  app.get('/sittings', { config: TRAINER_POLICE }, async (req, reply) => reply.page('readiness/sittings', await listPage(req)))

  app.post('/sittings', { config: POLICE }, async (req, reply) => {
    // A station officer sees the sittings but cannot publish one: said on the page, not as a bare 403.
    if (!mayDecide(await h.policeLevel(req))) return reply.code(422).page('readiness/sittings', await listPage(req, { refused: 'sitting.district-only' }))
    const result = validateSitting(req.body, h.today())
    if (!result.ok) return reply.code(422).page('readiness/sittings', await listPage(req, { values: result.values, errors: result.errors }))
    const s = await app.transaction(insertSitting, req.actor!.jurisdictionId!, result.value, req.actor!.id, auditFrom(req, 'sitting.published'), h.now())
    return reply.seeOther(`/sittings/${s.id}`, 'flash.sitting-published')
  })

  /**
   * The guards a trainer may apply for: eligible now, without a certificate or an application in
   * flight, with a valid statement; and those who only lack the statement (the page says so).
   */
  const candidates = async (req: FastifyRequest) => {
    const people = await app.exec(listPeople, await app.exec(loadScope, req.actor!))
    const shown = await app.exec(readinessOfPeople, people.map((p) => p.id))
    const current = await app.exec(currentStatements, people.map((p) => p.id), h.now())
    const busy = await app.exec(openApplicants, people.map((p) => p.id))
    const ready = people.filter((p) => shown.get(p.id)?.status === 'eligible' && p.certificateStatus !== 'valid' && !busy.has(p.id))
    return {
      candidates: ready.filter((p) => current.has(p.id)).map((p) => ({ id: p.id, fullName: p.fullName, statementCode: formatCode(current.get(p.id)!.code) })),
      withoutStatement: ready.filter((p) => !current.has(p.id)).map((p) => ({ id: p.id, fullName: p.fullName }))
    }
  }

  /** A sitting's applications as the actor may see them: police of its subtree all; a trainer their enterprise's; other police their subtree's enterprises'. */
  const sittingApplications = async (req: FastifyRequest, sitting: SittingRow) => {
    const actor = req.actor!
    const own = await subtreeOf(req)
    const f = actor.role === 'trainer'
      ? { sittingId: sitting.id, enterpriseId: actor.enterpriseId ?? -1 }
      : own.includes(sitting.jurisdictionId) ? { sittingId: sitting.id } : { sittingId: sitting.id, enterpriseJurisdictionIds: own }
    const page = await app.exec(pageApplications, f, keysetRequest(req, APPLICATION_KEY))
    return { rows: page.rows, pager: pager(`/sittings/${sitting.id}`, {}, page, { hash: '#applications' }) }
  }

  const sittingPage = async (req: FastifyRequest, sitting: SittingRow, extra: Record<string, unknown> = {}) => {
    const actor = req.actor!
    const trainer = actor.role === 'trainer'
    return {
      title: 'sitting.one-title',
      sitting,
      taken: sitting.accepted + sitting.pending,
      open: h.today() <= sitting.applyBy,
      ...(({ rows, pager }) => ({ applications: rows, applicationsPager: pager }))(await sittingApplications(req, sitting)),
      ...(trainer ? await candidates(req) : { candidates: [], withoutStatement: [] }),
      trainer,
      canDecide: actor.role === 'police' && mayDecide(await h.policeLevel(req)) && await ownsSitting(req, sitting.id),
      error: null,
      ...extra
    }
  }

  app.get('/sittings/:id', { config: TRAINER_POLICE }, async (req, reply) => reply.page('readiness/sitting', await sittingPage(req, await sittingFor(req))))

  app.post('/sittings/:id/applications', { config: { access: ['trainer'] as const } }, async (req, reply) => {
    const sitting = await sittingFor(req)
    const form = readForm(req.body, { traineeId: { required: true, max: 12 } })
    // The guard who was chosen stays chosen on the page that says why not.
    const refuse = async (key: string) => reply.code(422).page('readiness/sitting', await sittingPage(req, sitting, { error: key, chosen: form.values.traineeId }))
    const traineeId = parseId(form.values.traineeId)
    if (!traineeId) return refuse('application.choose-person')
    let person
    try { person = await h.personFor(req, traineeId) } catch { return refuse('application.choose-person') }
    const s = await h.settings()
    const { evaluation } = await h.evaluate(person, s)
    const now = h.now()
    const today = h.today()
    const statement = (await app.exec(currentStatements, [person.id], now)).get(person.id)
    const chosen = person
    // Read inside the transaction that stores the application: the places taken and the person's history.
    const check = function * (tx: Parameters<typeof takenPlaces>[0]) {
      return applyProblem({
        today,
        sitting: { applyBy: sitting.applyBy, capacity: sitting.capacity, taken: yield * takenPlaces(tx, sitting.id) },
        eligibility: evaluation.status,
        statement: statement ? statementState(statement, now) : null,
        hasCertificate: chosen.certificateStatus === 'valid',
        history: yield * applicationHistory(tx, chosen.id)
      })
    }
    try {
      await app.transaction(insertApplication, { sittingId: sitting.id, traineeId: person.id, enterpriseId: person.enterpriseId!, statementId: statement?.id ?? 0, appliedBy: req.actor!.id }, check, auditFrom(req, 'application.submitted'), now)
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return refuse(err.code)
      throw err
    }
    return reply.seeOther(`/sittings/${sitting.id}`, 'flash.application-submitted', { name: person.fullName })
  })

  // ---- one application: its frozen evidence, the decision and the result ----

  /** Whether the police actor's subtree holds the sitting (only they decide its applications). */
  const ownsSitting = async (req: FastifyRequest, sittingId: number) => req.actor!.role === 'police' && Boolean(await app.exec(findSitting, sittingId, await subtreeOf(req)))

  /**
   * Seen by police of the sitting's subtree or of the applying enterprise's (a station follows
   * its guards' applications to the district's sittings), the enterprise's trainers, and the person.
   */
  const applicationFor = async (req: FastifyRequest) => {
    const id = idParam(req)
    const a = await app.exec(findApplication, id)
    if (!a) throw new NotFound()
    const actor = req.actor!
    const ok = actor.role === 'trainee'
      ? a.traineeId === actor.traineeId
      : actor.role === 'trainer'
        ? a.enterpriseId === actor.enterpriseId
        : await ownsSitting(req, a.sittingId) || Boolean(await app.exec(findEnterprise, a.enterpriseId, await subtreeOf(req)))
    if (!ok) return await h.denied(req, 'application', id)
    return a
  }

  /** Deciding and recording results: police at district level or above whose subtree holds the sitting. */
  const requireDeciderOf = async (req: FastifyRequest, sittingId: number) => {
    await requireDecider(req)
    if (!await ownsSitting(req, sittingId)) throw new Forbidden('application.not-your-sitting')
  }

  const applicationPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const a = await applicationFor(req)
    const st = (await app.exec(findStatement, a.statementId))!
    return {
      title: 'application.title',
      a,
      st: statementView(st, h.now(), app.config.publicUrl),
      canDecide: req.actor!.role === 'police' && mayDecide(await h.policeLevel(req)) && await ownsSitting(req, a.sittingId),
      today: h.today(),
      errors: {},
      values: { reason: '', certificateNo: '', issuedOn: h.today() },
      day: h.day,
      ...extra
    }
  }

  app.get('/applications/:id', { config: { access: ['trainee', 'trainer', 'police'] as const } }, async (req, reply) => reply.page('readiness/application', await applicationPage(req)))

  app.post('/applications/:id/decision', { config: POLICE }, async (req, reply) => {
    const a = await applicationFor(req)
    await requireDeciderOf(req, a.sittingId)
    const form = readForm(req.body, { decision: { required: true, max: 10 }, reason: { max: 300 } })
    const decision = form.values.decision
    if (decision !== 'accept' && decision !== 'return') throw new BadRequest()
    const st = (await app.exec(findStatement, a.statementId))!
    const problem = form.errors.reason ?? decisionProblem(a.status, decision, statementState(st, h.now()), form.values.reason)
    if (problem) return reply.code(422).page('readiness/application', await applicationPage(req, { errors: { reason: problem }, values: { ...form.values, certificateNo: '', issuedOn: h.today() } }))
    await app.transaction(decideApplication, a.id, decision, form.values.reason, req.actor!.id, auditFrom(req, decision === 'accept' ? 'application.accepted' : 'application.returned'), h.now())
    return reply.seeOther(`/applications/${a.id}`, decision === 'accept' ? 'flash.application-accepted' : 'flash.application-returned')
  })

  app.post('/applications/:id/result', { config: POLICE }, async (req, reply) => {
    const a = await applicationFor(req)
    await requireDeciderOf(req, a.sittingId)
    const form = readForm(req.body, { result: { required: true, max: 4 }, certificateNo: { max: 40, identifier: true }, issuedOn: { max: 10 } })
    const v = form.values
    if (v.result !== 'pass' && v.result !== 'fail') throw new BadRequest()
    const errors: Record<string, string> = { ...form.errors }
    const problem = resultProblem(a, a.sitsOn, h.today())
    if (problem) errors.result = problem
    // A pass records the certificate with the person page's own checks; its issue date also falls from the sitting day on.
    const cert = v.result === 'pass' ? validateCertificate({ certificateNo: v.certificateNo, issuedOn: v.issuedOn, status: 'valid' }, h.today()) : null
    if (cert && !cert.ok) Object.assign(errors, cert.errors.issuedOn ? { ...cert.errors, issuedOn: 'application.issued-on-range' } : cert.errors)
    if (cert?.ok && cert.value.issuedOn < a.sitsOn) errors.issuedOn = 'application.issued-on-range'
    if (Object.keys(errors).length > 0) return reply.code(422).page('readiness/application', await applicationPage(req, { errors, values: { reason: '', ...v } }))
    await app.transaction(recordResult, a, v.result, cert?.ok ? cert.value : null, req.actor!.id, auditFrom(req, 'application.result'), h.now())
    return reply.seeOther(`/applications/${a.id}`, 'flash.result-recorded')
  })
}
