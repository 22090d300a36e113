import type { FastifyInstance, FastifyRequest } from 'fastify'
import { localDate } from '../../lib/time.js'
import { readForm } from '../../lib/form.js'
import { NotFound } from '../../http/errors.js'
import { auditFrom, idParam } from '../../http/params.js'
import { writeAudit } from '../audit/index.js'
import { generateInitialPassword, hashOneTimePassword, setPassword, setStatus } from '../auth/index.js'
import { validatePerson, validateCertificate, dutyChangeProblem, readDeclarations } from './people.js'
import { personView } from './view.js'
import { DECLARATION_KINDS, EDUCATION_LEVELS, type DutyStatus } from './vocabulary.js'
import {
  loadScope, findPersonInScope, findPersonByIdHmac, employmentHistory, currentDeclarations, updatePerson,
  insertDeclarations, setCertificate, setDutyStatus, endEmployment, type PersonRow
} from './queries.js'
import { sitesOfEnterprise, setPostedSite } from './sites.js'

const STAFF = { access: ['trainer', 'police', 'admin'] as const }
const TRAINER = { access: ['trainer'] as const }

export async function peopleRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()
  const today = () => localDate(now(), app.config.timeZone)

  /** The person behind :id if the actor's scope holds them; otherwise 404. */
  const personFor = async (req: FastifyRequest): Promise<PersonRow> => {
    const id = idParam(req)
    const person = await app.exec(findPersonInScope, await app.exec(loadScope, req.actor!), id)
    if (!person) {
      // A police officer's look-up outside the jurisdiction is kept in the audit log.
      if (req.actor!.role === 'police') await app.transaction(writeAudit, { ...auditFrom(req, 'access.denied'), subjectType: 'trainee', subjectId: id, details: { path: req.url.split('?')[0] } }, now())
      throw new NotFound()
    }
    return person
  }

  const showPerson = async (req: FastifyRequest, person: PersonRow, extra: Record<string, unknown> = {}) => {
    const actor = req.actor!
    const history = (await app.exec(employmentHistory, person.id)).map((e) => ({
      ...e,
      // A trainer sees other employers only as "another enterprise".
      enterpriseName: actor.role === 'trainer' && e.enterpriseId !== actor.enterpriseId ? null : e.enterpriseName
    }))
    return {
      title: 'person.title',
      person: personView(person, app.pii.decrypt, today()),
      history,
      declarations: await app.exec(currentDeclarations, person.id),
      declarationKinds: DECLARATION_KINDS,
      canEdit: actor.role === 'trainer',
      sites: actor.role === 'trainer' && person.enterpriseId ? await app.exec(sitesOfEnterprise, person.enterpriseId) : [],
      today: today(),
      errors: {},
      certificateValues: { certificateNo: person.certificateNo ?? '', issuedOn: person.certificateIssuedOn ?? '', status: person.certificateStatus ?? 'valid' },
      ...extra
    }
  }

  app.get('/people/:id', { config: STAFF }, async (req, reply) => {
    return reply.page('people/show', await showPerson(req, await personFor(req)))
  })

  app.get('/people/:id/edit', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    return reply.page('people/edit', {
      title: 'person.edit-title',
      person,
      values: { fullName: person.fullName, idNumber: app.pii.decrypt(person.idNumberEnc), phone: person.phone, education: person.education },
      errors: {},
      educations: EDUCATION_LEVELS
    })
  })

  app.post('/people/:id', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    const result = validatePerson(req.body, today())
    const again = (errors: Record<string, string>) =>
      reply.code(422).page('people/edit', { title: 'person.edit-title', person, values: result.values, errors, educations: EDUCATION_LEVELS })
    if (!result.ok) return again(result.errors)
    const hmac = app.pii.hash(result.value.idNumber)
    const idChanged = hmac !== app.pii.hash(app.pii.decrypt(person.idNumberEnc))
    if (idChanged && await app.exec(findPersonByIdHmac, hmac)) return again({ idNumber: 'person.id-taken' })
    await app.transaction(updatePerson, person.id, { ...result.value, idNumberEnc: app.pii.encrypt(result.value.idNumber), idNumberHmac: hmac }, idChanged, auditFrom(req, 'person.updated'), now())
    return reply.seeOther(`/people/${person.id}`, 'flash.person-saved')
  })

  app.post('/people/:id/declarations', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    const result = readDeclarations(req.body)
    if (!result.ok) {
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
      const declarationValues = Object.fromEntries(DECLARATION_KINDS.map((k) => [k, typeof body[k] === 'string' ? body[k] : '']))
      return reply.code(422).page('people/show', await showPerson(req, person, { errors: result.errors, declarationValues }))
    }
    await app.transaction(insertDeclarations, person.id, result.value, req.actor!.id, auditFrom(req, 'declarations.recorded'), now())
    return reply.seeOther(`/people/${person.id}`, 'flash.declarations-saved')
  })

  app.post('/people/:id/certificate', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    const result = validateCertificate(req.body, today())
    if (!result.ok) return reply.code(422).page('people/show', await showPerson(req, person, { errors: result.errors, certificateValues: result.values }))
    await app.transaction(setCertificate, person.id, result.value, auditFrom(req, 'certificate.recorded'), now())
    return reply.seeOther(`/people/${person.id}`, 'flash.certificate-saved')
  })

  app.post('/people/:id/duty', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    const form = readForm(req.body, { duty: { required: true, max: 20 } })
    const to = form.values.duty as DutyStatus
    const problem = !form.ok || !['in-training', 'on-duty'].includes(to) ? 'form.invalid' : dutyChangeProblem(to, person.certificateStatus)
    if (problem) return reply.code(422).page('people/show', await showPerson(req, person, { errors: { duty: problem } }))
    if (person.dutyStatus !== to) await app.transaction(setDutyStatus, person.employmentId!, person.id, person.dutyStatus!, to, auditFrom(req, 'duty.changed'), now())
    return reply.seeOther(`/people/${person.id}`, 'flash.duty-saved')
  })

  app.post('/people/:id/site', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    const form = readForm(req.body, { siteId: { max: 16 } })
    const choice = form.values.siteId === '' ? null : Number(form.values.siteId)
    const known = choice === null || (await app.exec(sitesOfEnterprise, person.enterpriseId!)).some((s) => s.id === choice)
    if (!form.ok || !person.employmentId || !known) return reply.code(422).page('people/show', await showPerson(req, person, { errors: { site: 'person.site-unknown' } }))
    if (person.siteId !== choice) await app.transaction(setPostedSite, person.employmentId, person.id, choice, auditFrom(req, 'employment.site'), now())
    return reply.seeOther(`/people/${person.id}`, 'flash.site-saved')
  })

  app.post('/people/:id/release', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    await app.transaction(endEmployment, person.employmentId!, person.id, today(), auditFrom(req, 'employment.ended'), now())
    return reply.seeOther('/roster', 'flash.person-released', { name: person.fullName })
  })

  app.post('/people/:id/password', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    if (!person.userId || !person.username) throw new NotFound()
    const password = generateInitialPassword()
    await app.transaction(setPassword, person.userId, await hashOneTimePassword(password), { mustChange: true, signIn: false },
      { ...auditFrom(req, 'account.password-reset'), subjectType: 'user', subjectId: person.userId }, now())
    return reply.page('accounts/slip', { title: 'slip.title', slips: [{ displayName: person.fullName, username: person.username, password }], back: `/people/${person.id}`, loginUrl: new URL('/login', app.config.publicUrl).href })
  })

  app.post('/people/:id/login', { config: TRAINER }, async (req, reply) => {
    const person = await personFor(req)
    const form = readForm(req.body, { status: { required: true, max: 10 } })
    if (!person.userId || (form.values.status !== 'active' && form.values.status !== 'disabled')) {
      return reply.code(422).page('people/show', await showPerson(req, person, { errors: { login: 'form.invalid' } }))
    }
    const status = form.values.status
    await app.transaction(setStatus, person.userId, status, { ...auditFrom(req, status === 'active' ? 'account.enabled' : 'account.disabled'), subjectType: 'user', subjectId: person.userId }, now())
    return reply.seeOther(`/people/${person.id}`, status === 'active' ? 'flash.login-enabled' : 'flash.login-disabled')
  })
}
