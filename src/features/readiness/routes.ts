import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, NotFound } from '../../http/errors.js'
import { auditFrom, idParam } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { localText } from '../../lib/text.js'
import { currentBlueprints } from '../exams/index.js'
import { EDUCATION_LEVELS, loadScope, pagePeople, PEOPLE_KEY, findPersonInScope } from '../orgs/index.js'
import { readSettings, RULE_IDS } from './rules.js'
import { expiryFrom, statementState } from './statements.js'
import { checklist, statementView, qrSvg, reasonsOf } from './view.js'
import { readinessHelpers } from './helpers.js'
import { readinessOfPeople, readinessCounts, countStale } from './store.js'
import { policeReadinessRoutes } from './routes-police.js'
import { sittingRoutes } from './routes-sittings.js'
import { publicVerifyRoutes } from './routes-public.js'
import {
  currentStatements, listStatements, insertStatement, findStatement, revokeStatement, saveEligibilitySettings, listApplications, userNames
} from './queries.js'

const TRAINEE = { access: ['trainee'] as const }
const TRAINER = { access: ['trainer'] as const }
const STAFF = { access: ['trainer', 'police', 'admin'] as const }

export async function readinessRoutes (app: FastifyInstance) {
  await app.register(policeReadinessRoutes)
  await app.register(sittingRoutes)
  await app.register(publicVerifyRoutes)
  const h = readinessHelpers(app)

  // ---- the trainee's own checklist ----

  app.get('/readiness', { config: TRAINEE }, async (req, reply) => {
    const id = req.actor!.traineeId
    if (!id) throw new NotFound()
    const person = await h.personFor(req, id)
    const s = await h.settings()
    const { evaluation } = await h.evaluate(person, s)
    return reply.page('readiness/mine', {
      title: 'readiness.title',
      status: evaluation.status,
      certificate: person.certificateStatus === 'valid' ? person.certificateNo : null,
      items: checklist(evaluation.rules, req.t),
      settings: s,
      statements: (await app.exec(listStatements, person.id)).map((st) => statementView(st, h.now(), app.config.publicUrl)),
      applications: await app.exec(listApplications, { traineeId: person.id }),
      day: h.day
    })
  })

  // ---- the trainer's readiness roster and a person's readiness ----

  app.get('/readiness/roster', { config: TRAINER }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const page = await app.exec(pagePeople, scope, {}, keysetRequest(req, PEOPLE_KEY))
    const people = page.rows
    // Readiness of this page's people only, as stored; the headline counts the whole roster in SQL.
    const shown = await app.exec(readinessOfPeople, people.map((p) => p.id))
    const current = await app.exec(currentStatements, people.map((p) => p.id), h.now())
    const rows = people.map((p) => {
      const ev = shown.get(p.id)!
      // A certified guard is shown as certified (with the number), not as "not yet": eligibility itself is unchanged.
      const certified = p.certificateStatus === 'valid'
      return { id: p.id, fullName: p.fullName, dutyStatus: p.dutyStatus, certificateStatus: p.certificateStatus, certificateNo: p.certificateNo, certified, status: ev.status, stale: ev.stale, reasons: reasonsOf(ev, req.t), statement: current.get(p.id) }
    })
    const counts = { ...(req.actor!.enterpriseId ? await app.exec(readinessCounts, req.actor!.enterpriseId) : { eligible: 0, certified: 0 }), total: page.total }
    const recomputing = rows.some((r) => r.stale) ? await app.exec(countStale) : 0
    return reply.page('readiness/roster', { title: 'readiness.roster-title', rows, counts, recomputing, day: h.day, pager: pager('/readiness/roster', {}, page) })
  })

  const personPage = async (req: FastifyRequest, id: number, extra: Record<string, unknown> = {}) => {
    const person = await h.personFor(req, id)
    const s = await h.settings()
    const { evaluation } = await h.evaluate(person, s)
    const statements = (await app.exec(listStatements, person.id)).map((st) => statementView(st, h.now(), app.config.publicUrl))
    return {
      title: 'readiness.person-title',
      person: { id: person.id, fullName: person.fullName, enterpriseName: person.enterpriseName, dutyStatus: person.dutyStatus, certificateStatus: person.certificateStatus, certificateNo: person.certificateNo },
      status: evaluation.status,
      items: checklist(evaluation.rules, req.t),
      statements,
      hasValid: statements.some((st) => st.state === 'valid'),
      applications: await app.exec(listApplications, { traineeId: person.id }),
      canIssue: req.actor!.role === 'trainer',
      settings: s,
      day: h.day,
      error: null,
      ...extra
    }
  }

  app.get('/readiness/people/:id', { config: STAFF }, async (req, reply) => reply.page('readiness/person', await personPage(req, idParam(req))))

  app.post('/readiness/people/:id/statements', { config: TRAINER }, async (req, reply) => {
    const person = await h.personFor(req, idParam(req))
    const s = await h.settings()
    const ev = await h.evaluate(person, s)
    if (ev.evaluation.status !== 'eligible' || !person.enterpriseId) {
      return reply.code(422).page('readiness/person', await personPage(req, person.id, { error: 'statement.not-eligible' }))
    }
    const issuedAt = h.now()
    try {
      const st = await app.transaction(insertStatement, {
        code: await h.newCode(), traineeId: person.id, enterpriseId: person.enterpriseId, snapshot: h.snapshotOf(person, ev, s),
        issuedBy: req.actor!.id, issuedAt, expiresAt: expiryFrom(issuedAt, s.statementDays)
      }, auditFrom(req, 'statement.issued'))
      return reply.seeOther(`/statements/${st.id}`, 'flash.statement-issued')
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 409) return reply.code(409).page('readiness/person', await personPage(req, person.id, { error: err.code }))
      throw err
    }
  })

  // ---- statements: the printable page, revocation ----

  /** A statement whose person the actor may see (the trainee: their own); else 404 (audited for police). */
  const statementFor = async (req: FastifyRequest) => {
    const id = idParam(req)
    const st = await app.exec(findStatement, id)
    if (!st) throw new NotFound()
    const visible = req.actor!.role === 'trainee' ? st.traineeId === req.actor!.traineeId : await app.exec(findPersonInScope, await app.exec(loadScope, req.actor!), st.traineeId) !== undefined
    if (!visible) return await h.denied(req, 'statement', id)
    return st
  }

  const statementPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const st = await statementFor(req)
    const view = statementView(st, h.now(), app.config.publicUrl)
    const names = await app.exec(userNames, [st.issuedBy, st.revokedBy])
    return {
      title: 'statement.title',
      st: view,
      qr: await qrSvg(view.url),
      issuedBy: names.get(st.issuedBy) ?? '',
      revokedBy: st.revokedBy ? names.get(st.revokedBy) ?? '' : '',
      canRevoke: view.state === 'valid' && (req.actor!.role === 'trainer' || req.actor!.role === 'police'),
      ruleIds: RULE_IDS,
      day: h.day,
      errors: {},
      values: { reason: '' },
      ...extra
    }
  }

  app.get('/statements/:id', { config: { access: ['trainee', 'trainer', 'police', 'admin'] as const } }, async (req, reply) => reply.page('readiness/statement', await statementPage(req)))

  app.post('/statements/:id/revoke', { config: { access: ['trainer', 'police'] as const } }, async (req, reply) => {
    const st = await statementFor(req)
    const form = readForm(req.body, { reason: { required: true, max: 300 } })
    if (!form.ok) return reply.code(422).page('readiness/statement', await statementPage(req, { errors: form.errors, values: form.values }))
    if (statementState(st, h.now()) !== 'valid') return reply.code(409).page('readiness/statement', await statementPage(req, { errors: { reason: 'statement.not-valid' }, values: form.values }))
    await app.transaction(revokeStatement, st.id, req.actor!.id, form.values.reason, auditFrom(req, 'statement.revoked'), h.now())
    return reply.seeOther(`/statements/${st.id}`, 'flash.statement-revoked')
  })

  // ---- the eligibility settings ----

  /** The mock exams the rules may count: the current release's blueprints by title, and the one set now (even if it has gone since). */
  const mockChoices = async (req: FastifyRequest) => {
    const current = (await h.settings()).mockBlueprint
    const choices = (await app.exec(currentBlueprints)).blueprints.map((b) => ({ value: b.key, label: localText(b.body.title, req.locale), raw: true }))
    return choices.some((c) => c.value === current) ? choices : [...choices, { value: current, label: current, raw: true }]
  }
  const settingsPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => ({ title: 'readiness.settings-title', values: await h.settings(), errors: {}, educations: EDUCATION_LEVELS, blueprints: await mockChoices(req), ...extra })

  app.get('/admin/readiness', { config: { access: ['admin'] as const } }, async (req, reply) => reply.page('readiness/settings', await settingsPage(req)))

  app.post('/admin/readiness', { config: { access: ['admin'] as const } }, async (req, reply) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
    const result = readSettings(body)
    const errors = !result.ok ? result.errors : (await mockChoices(req)).some((c) => c.value === result.value.mockBlueprint) ? null : { mockBlueprint: 'readiness.settings-blueprint-unknown' }
    if (errors || !result.ok) return reply.code(422).page('readiness/settings', await settingsPage(req, { values: { ...body, latestMustPass: body.latestMustPass === 'on' }, errors }))
    await app.transaction(saveEligibilitySettings, result.value, auditFrom(req, 'settings.readiness'), h.now())
    // Everyone's readiness is worked out again in the background, in chunks; pages say so meanwhile.
    app.readinessKeeper.kick().catch(() => {})
    return reply.seeOther('/admin/readiness', 'flash.settings-saved')
  })

  // ---- the guide to applying for the national exam ----

  app.get('/guide/exam', { config: { access: 'signed-in' } }, async (_req, reply) => reply.page('readiness/guide', { title: 'guide.title', settings: await h.settings() }))
}
