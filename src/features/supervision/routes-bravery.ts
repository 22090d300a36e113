import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NotFound } from '../../http/errors.js'
import { auditFrom, idParam, parseId, queryId, queryText } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { supervisionHelpers } from './helpers.js'
import { loadScope, findPersonInScope, listStations, findSiteInScope, findEnterprise } from '../orgs/index.js'
import { inspectionDateProblem } from './rules.js'
import { reportBravery, reviewBravery, pageBravery, BRAVERY_KEY, findBraveryInScope, mayReviewBravery, type BraveryInput } from './bravery.js'

const REPORTERS = { access: ['trainer', 'police'] as const }
const READERS = { access: ['trainee', 'trainer', 'police', 'admin'] as const }

/** Acts of bravery: a trainer or officer reports, the police review (forward for recognition or decline), everyone in scope reads. */
export async function braveryRoutes (app: FastifyInstance) {
  const { now, today, denied } = supervisionHelpers(app)
  /** The employed person a report is about, if the actor's scope holds them. */
  const personFor = async (req: FastifyRequest, raw: string) => {
    const id = parseId(raw)
    if (id === undefined) throw new NotFound()
    const p = await app.exec(findPersonInScope, await app.exec(loadScope, req.actor!), id)
    if (!p || !p.enterpriseId) return await denied(req, 'trainee', id)
    return p
  }

  app.get('/supervision/bravery', { config: READERS }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const person = queryId(req, 'person')
    const page = await app.exec(pageBravery, scope, keysetRequest(req, BRAVERY_KEY), person)
    return reply.page('supervision/bravery-list', {
      title: 'bravery.list-title', rows: page.rows, person, pager: pager('/supervision/bravery', { person: person ? String(person) : '' }, page)
    })
  })

  /** The station that reviews by default: the one of the guard's site, else the enterprise's registration (when that is a station). */
  const defaultStation = async (person: { siteId: number | null, enterpriseId: number | null }): Promise<string> => {
    const stations = await app.exec(listStations)
    const site = person.siteId ? await app.exec(findSiteInScope, { kind: 'all' }, person.siteId) : undefined
    const registered = person.enterpriseId ? (await app.exec(findEnterprise, person.enterpriseId))?.jurisdictionId : undefined
    const id = site?.jurisdictionId ?? registered
    return id && stations.some((s) => s.id === id) ? String(id) : ''
  }
  const formPage = async (person: { id: number, fullName: string, siteId: number | null, enterpriseId: number | null }, extra: Record<string, unknown> = {}) =>
    ({ title: 'bravery.new-title', person, today: today(), stations: await app.exec(listStations), values: { occurredOn: '', place: '', account: '', witnesses: '', outcome: '', stationId: await defaultStation(person) } as Record<string, string>, errors: {}, ...extra })

  app.get('/supervision/bravery/new', { config: REPORTERS }, async (req, reply) => reply.page('supervision/bravery-form', await formPage(await personFor(req, queryText(req, 'person', 16)))))

  app.post('/supervision/bravery', { config: REPORTERS }, async (req, reply) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
    const person = await personFor(req, typeof body.person === 'string' ? body.person : '')
    const form = readForm(body, { occurredOn: { required: true, max: 10 }, place: { required: true, max: 200 }, account: { required: true, max: 5000, multiline: true }, witnesses: { max: 1000, multiline: true }, outcome: { max: 2000, multiline: true }, stationId: { max: 16 } })
    const errors = { ...form.errors }
    if (!errors.occurredOn) { const p = inspectionDateProblem(form.values.occurredOn, today()); if (p) errors.occurredOn = p }
    // Not chosen (an older form): the default, the station of the guard's site or of the registration.
    const stationId = Number(form.values.stationId || await defaultStation(person))
    if (!(await app.exec(listStations)).some((s) => s.id === stationId)) errors.stationId = 'sites.station-unknown'
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/bravery-form', await formPage(person, { values: form.values, errors }))
    const { stationId: _station, ...input } = form.values
    const id = await app.transaction(reportBravery, person.id, person.enterpriseId!, stationId, input as unknown as BraveryInput, req.actor!.id, auditFrom(req, 'bravery.reported'), now())
    return reply.seeOther(`/supervision/bravery/${id}`, 'flash.bravery-reported')
  })

  const reportPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const id = idParam(req)
    const report = (await app.exec(findBraveryInScope, await app.exec(loadScope, req.actor!), id)) ?? await denied(req, 'bravery', id)
    return { title: 'bravery.title', report, canReview: report.status === 'reported' && mayReviewBravery(req.actor!, report), errors: {} as Record<string, string>, values: {} as Record<string, string>, ...extra }
  }

  app.get('/supervision/bravery/:id', { config: READERS }, async (req, reply) => reply.page('supervision/bravery', await reportPage(req)))

  app.post('/supervision/bravery/:id/review', { config: { access: ['police'] as const } }, async (req, reply) => {
    const page = await reportPage(req)
    // In scope but not the reviewing station (a district, a city, the station of the registration elsewhere): seen, not reviewed.
    if (!mayReviewBravery(req.actor!, page.report)) return reply.code(403).page('supervision/bravery', { ...page, errors: { _: 'bravery.review-station' } })
    const form = readForm(req.body, { decision: { required: true, max: 10 }, note: { required: true, max: 500 } })
    const decision = form.values.decision
    const errors = { ...form.errors }
    if (decision !== 'forwarded' && decision !== 'declined') errors.decision = 'form.invalid'
    if (errors.note === 'form.required') errors.note = decision === 'forwarded' ? 'bravery.foundation-required' : 'bravery.reason-required'
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/bravery', { ...page, errors, values: form.values })
    if (!await app.transaction(reviewBravery, page.report.id, decision as 'forwarded' | 'declined', form.values.note, req.actor!.id, auditFrom(req, `bravery.${decision}`), now())) {
      return reply.code(409).page('supervision/bravery', await reportPage(req, { errors: { _: 'bravery.already-reviewed' } }))
    }
    return reply.seeOther(`/supervision/bravery/${page.report.id}`, decision === 'forwarded' ? 'flash.bravery-forwarded' : 'flash.bravery-declined')
  })
}
