import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BadRequest, NotFound } from '../../http/errors.js'
import { auditFrom, idParam, queryText } from '../../http/params.js'
import { isPartial } from '../../http/render.js'
import { readForm } from '../../lib/form.js'
import { localDate } from '../../lib/time.js'
import { sendCsvStream } from '../../http/csv-export.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { keysetChunks, mapChunks } from '../../lib/keyset.js'
import { writeAudit } from '../audit/index.js'
import { findPersonInScope, loadScope } from '../orgs/index.js'
import { listAttempts } from '../exams/index.js'
import type { Text } from '../bank/index.js'
import { checkCurriculum, checkAssignment, TITLE_MAX, type CurriculumItem, type CurriculumInput } from './curriculum.js'
import { learningFor } from './summary.js'
import { traineeRow, itemLabel, SORTS, STATES, type Sort, type StateFilter, type TraineeRow } from './view.js'
import { learningPage, countLearning, learningRowsAfter, learningKey, learningKeyShape, summaryCoverage, cohortFigures, type TableFilters, type StoredLearning } from './store.js'
import {
  currentCatalogue, employedTrainees, cohortsOf, listCohorts, findCohort, cohortNameTaken, insertCohort, cohortMemberList, addCohortMembers,
  removeCohortMember, listCurricula, findCurriculum, curriculumTitleTaken, curriculumItemsOf, insertCurriculum, enterpriseAssignments, findAssignment, insertAssignments,
  deleteAssignment, type Cohort, type Curriculum
} from './queries.js'

const TRAINER = { access: ['trainer'] as const }
const NAME_MAX = 60

/** Every value of a repeated form field (checkboxes, multi-selects); anything not text is dropped. */
function listField (body: unknown, name: string): string[] {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 2000)
}

/** The trainer's side: the progress dashboard and its export, a trainee's detail, cohorts, curricula and assignments. */
export async function learnTrainerRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()
  const today = () => localDate(now(), app.config.timeZone)

  /** The trainer's enterprise: everything they see and assign is within it. */
  const enterpriseOf = (req: FastifyRequest): number => {
    if (!req.actor?.enterpriseId) throw new BadRequest('roster.no-enterprise')
    return req.actor.enterpriseId
  }
  const labeller = async (req: FastifyRequest) => {
    const c = await app.exec(currentCatalogue)
    const syllabus = c?.syllabus ?? []
    const titles = new Map<string, Text>((c?.blueprints ?? []).map((b) => [b.key, b.body.title]))
    return (i: CurriculumItem) => itemLabel(i, syllabus, titles, req.locale)
  }

  /** The trainer's enterprise, its cohorts and the table's filters from the query string. */
  const dashboard = async (req: FastifyRequest) => {
    const enterpriseId = enterpriseOf(req)
    const cohorts = await app.exec(listCohorts, enterpriseId)
    const cohortName = new Map(cohorts.map((c) => [c.id, c.name]))
    const sortText = queryText(req, 'sort', 10)
    const stateText = queryText(req, 'state', 10)
    const cohortText = queryText(req, 'cohort', 16)
    const filters: TableFilters = {
      q: queryText(req, 'q'),
      cohort: cohortName.has(Number(cohortText)) ? Number(cohortText) : null,
      state: ((STATES as readonly string[]).includes(stateText) ? stateText : 'all') as StateFilter,
      sort: ((SORTS as readonly string[]).includes(sortText) ? sortText : 'name') as Sort,
      desc: queryText(req, 'dir', 4) === 'desc'
    }
    /** Stored summaries as table rows, with the names of the enterprise's cohorts each is in. */
    const rowsOf = async (list: readonly StoredLearning[]): Promise<TraineeRow[]> => {
      const memberships = await app.exec(cohortsOf, list.map((r) => r.traineeId))
      return list.map((r) => traineeRow(r, [...memberships.get(r.traineeId) ?? []].filter((id) => cohortName.has(id)).map((id) => ({ id, name: cohortName.get(id)! }))))
    }
    return { enterpriseId, filters, cohorts, rowsOf }
  }

  /** The current filters as query parameters (sort links, pages and the export keep them). */
  const filterQuery = (f: TableFilters): Record<string, string> =>
    ({ q: f.q, cohort: f.cohort === null ? '' : String(f.cohort), state: f.state === 'all' ? '' : f.state, sort: f.sort, dir: f.desc ? 'desc' : '' })

  /** The query string of the current filters with one changed: the sort links keep the rest. */
  const sortLink = (f: TableFilters, sort: Sort) => {
    const q = new URLSearchParams()
    if (f.q) q.set('q', f.q)
    if (f.cohort !== null) q.set('cohort', String(f.cohort))
    if (f.state !== 'all') q.set('state', f.state)
    q.set('sort', sort)
    if (f.sort === sort && !f.desc) q.set('dir', 'desc')
    return `/training?${q.toString()}`
  }

  app.get('/training', { config: TRAINER }, async (req, reply) => {
    const d = await dashboard(req)
    const page = await app.exec(learningPage, d.enterpriseId, d.filters, keysetRequest(req, learningKeyShape(d.filters.sort)))
    // The true total: the guards the enterprise employs; those without a stored summary yet (the
    // keeper fills them after an upgrade) are said to be on their way.
    const coverage = await app.exec(summaryCoverage, d.enterpriseId)
    const figures = await app.exec(cohortFigures, d.enterpriseId, d.cohorts.map((c) => c.id))
    const cohortSummary = d.cohorts.map((c) => ({ id: c.id, name: c.name, ...(figures.get(c.id) ?? { members: 0, percent: 0, overdue: 0 }) }))
    const query = filterQuery(d.filters)
    const data = {
      title: 'training.title', filters: d.filters, cohorts: d.cohorts, cohortSummary,
      rows: await d.rowsOf(page.rows), found: page.total, total: coverage.employed, pending: Math.max(0, coverage.employed - coverage.stored),
      pager: pager('/training', query, page),
      sortLink: (s: Sort) => sortLink(d.filters, s), states: STATES, sorts: SORTS,
      exportQuery: new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString()
    }
    if (isPartial(req.headers) && req.headers['hx-target'] === 'trainee-table') return reply.fragment('learning/_trainee-table', data)
    return reply.page('learning/training', data)
  })

  app.get('/training/export.csv', { config: TRAINER }, async (req, reply) => {
    const d = await dashboard(req)
    const t = req.t
    const score = (r: TraineeRow) => (r.latest ? `${r.latest.score}/${r.latest.maxScore}` : '')
    const rows = await app.exec(countLearning, d.enterpriseId, d.filters)
    await app.transaction(writeAudit, { ...auditFrom(req, 'training.exported'), subjectType: 'enterprise', subjectId: d.enterpriseId, details: { rows } }, now())
    const chunks = keysetChunks((after, size) => app.exec(learningRowsAfter, d.enterpriseId, d.filters, after, size), (r) => learningKey(d.filters.sort, r))
    return sendCsvStream(reply, `training-${today()}.csv`,
      [t('training.col-name'), t('training.col-cohorts'), t('training.col-assignments'), t('training.col-progress'), t('training.col-overdue'), t('training.col-courses'), t('training.col-latest'), t('training.col-latest-on'), t('training.col-passes')],
      mapChunks(chunks, d.rowsOf), (r) => [
        r.fullName, r.cohorts.map((c) => c.name).join('; '), `${r.completeCount}/${r.assignedCount}`, `${r.assignedPercent}%`, r.overdue, `${r.coursesPercent}%`,
        score(r), r.latest ? localDate(r.latest.finishedAt, app.config.timeZone) : '', r.passes
      ])
  })

  app.get('/training/trainees/:id', { config: TRAINER }, async (req, reply) => {
    const enterpriseId = enterpriseOf(req)
    const person = await app.exec(findPersonInScope, await app.exec(loadScope, req.actor!), idParam(req))
    if (!person) throw new NotFound()
    const l = (await app.exec(learningFor, [{ id: person.id, enterpriseId }], today())).get(person.id)!
    const cohorts = await app.exec(listCohorts, enterpriseId)
    const mine = (await app.exec(cohortsOf, [person.id])).get(person.id)!
    return reply.page('learning/trainee', {
      title: 'training.trainee-title',
      person: { id: person.id, fullName: person.fullName },
      learning: l,
      cohorts: cohorts.filter((c) => mine.has(c.id)),
      label: await labeller(req),
      attempts: await app.exec(listAttempts, person.id, { finished: true, limit: 10 })
    })
  })

  // ------------------------------------------------------------ cohorts

  const cohortsPage = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: Record<string, string> = {}) =>
    reply.page('learning/cohorts', { title: 'cohort.list-title', cohorts: await app.exec(listCohorts, enterpriseOf(req)), values, errors })

  app.get('/cohorts', { config: TRAINER }, async (req, reply) => cohortsPage(req, reply))

  app.post('/cohorts', { config: TRAINER }, async (req, reply) => {
    const enterpriseId = enterpriseOf(req)
    const form = readForm(req.body, { name: { required: true, max: NAME_MAX } })
    if (form.ok && await app.exec(cohortNameTaken, enterpriseId, form.values.name)) form.errors.name = 'cohort.name-taken'
    if (Object.keys(form.errors).length > 0) return cohortsPage(req, reply.code(422), form.values, form.errors)
    const c = await app.transaction(insertCohort, enterpriseId, form.values.name, auditFrom(req, 'cohort.created'), now())
    return reply.seeOther(`/cohorts/${c.id}`, 'flash.cohort-created', { name: c.name })
  })

  const ownCohort = async (req: FastifyRequest): Promise<Cohort> => {
    const c = await app.exec(findCohort, enterpriseOf(req), idParam(req))
    if (!c) throw new NotFound()
    return c
  }

  const cohortPage = async (req: FastifyRequest, reply: FastifyReply, cohort: Cohort, errors: Record<string, string> = {}) => {
    const members = await app.exec(cohortMemberList, cohort)
    const inCohort = new Set(members.map((m) => m.id))
    return reply.page('learning/cohort', {
      title: 'cohort.title',
      cohort,
      members,
      candidates: (await app.exec(employedTrainees, cohort.enterpriseId)).filter((p) => !inCohort.has(p.id)),
      assignments: (await app.exec(enterpriseAssignments, cohort.enterpriseId)).filter((a) => a.cohortId === cohort.id),
      errors
    })
  }

  app.get('/cohorts/:id', { config: TRAINER }, async (req, reply) => cohortPage(req, reply, await ownCohort(req)))

  app.post('/cohorts/:id/members', { config: TRAINER }, async (req, reply) => {
    const cohort = await ownCohort(req)
    const allowed = new Set((await app.exec(employedTrainees, cohort.enterpriseId)).map((p) => p.id))
    const picked = listField(req.body, 'trainee')
    const ids = picked.map((s) => (/^[1-9]\d{0,15}$/.test(s) ? Number(s) : NaN))
    if (ids.length === 0) return cohortPage(req, reply.code(422), cohort, { trainee: 'cohort.pick-someone' })
    if (ids.some((id) => !allowed.has(id))) return cohortPage(req, reply.code(422), cohort, { trainee: 'assignment.unknown-trainee' })
    const added = await app.transaction(addCohortMembers, cohort, ids, auditFrom(req, 'cohort.members-added'), now())
    return reply.seeOther(`/cohorts/${cohort.id}`, 'flash.cohort-members-added', { count: added })
  })

  app.post('/cohorts/:id/members/:traineeId/remove', { config: TRAINER }, async (req, reply) => {
    const cohort = await ownCohort(req)
    if (!await app.transaction(removeCohortMember, cohort, idParam(req, 'traineeId'), auditFrom(req, 'cohort.member-removed'), now())) throw new NotFound()
    return reply.seeOther(`/cohorts/${cohort.id}`, 'flash.cohort-member-removed')
  })

  // ------------------------------------------------------------ curricula

  app.get('/curricula', { config: TRAINER }, async (req, reply) => {
    return reply.page('learning/curricula', { title: 'curriculum.list-title', curricula: await app.exec(listCurricula, enterpriseOf(req)), label: await labeller(req) })
  })

  const curriculumForm = async (req: FastifyRequest, reply: FastifyReply, values: CurriculumInput, errors: Record<string, string> = {}) => {
    const c = await app.exec(currentCatalogue)
    return reply.page('learning/curriculum-new', { title: 'curriculum.new-title', syllabus: c?.syllabus ?? [], blueprints: c?.blueprints ?? [], values, errors, titleMax: TITLE_MAX })
  }

  app.get('/curricula/new', { config: TRAINER }, async (req, reply) => {
    enterpriseOf(req)
    return curriculumForm(req, reply, { title: '', courses: [], topics: [], mocks: {}, practice: [] })
  })

  app.post('/curricula', { config: TRAINER }, async (req, reply) => {
    const enterpriseId = enterpriseOf(req)
    const form = readForm(req.body, { title: { required: false, max: 400 } })
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
    const mocks = Object.fromEntries(Object.entries(body).filter(([k, v]) => k.startsWith('mock-') && typeof v === 'string').map(([k, v]) => [k.slice(5), v as string]))
    const input = { title: form.values.title, courses: listField(req.body, 'course'), topics: listField(req.body, 'topic'), mocks, practice: listField(req.body, 'practice') }
    const c = await app.exec(currentCatalogue)
    const checked = checkCurriculum(input, c?.syllabus ?? [], (c?.blueprints ?? []).map((b) => b.key))
    const errors = checked.ok ? {} : { ...checked.errors }
    if (form.errors.title) errors.title = form.errors.title
    if (checked.ok && await app.exec(curriculumTitleTaken, enterpriseId, checked.title)) errors.title = 'curriculum.title-taken'
    if (!checked.ok || Object.keys(errors).length > 0) return curriculumForm(req, reply.code(422), input, errors)
    const created = await app.transaction(insertCurriculum, enterpriseId, checked.title, checked.items, auditFrom(req, 'curriculum.created'), now())
    return reply.seeOther(`/curricula/${created.id}`, 'flash.curriculum-created', { title: created.title })
  })

  const ownCurriculum = async (req: FastifyRequest): Promise<Curriculum> => {
    const c = await app.exec(findCurriculum, enterpriseOf(req), idParam(req))
    if (!c) throw new NotFound()
    return c
  }

  const curriculumPage = async (req: FastifyRequest, reply: FastifyReply, curriculum: Curriculum, values: Record<string, unknown> = { mandatory: 'yes', trainees: [], cohorts: [], dueOn: '' }, errors: Record<string, string> = {}) => {
    return reply.page('learning/curriculum', {
      title: 'curriculum.title',
      curriculum,
      items: (await app.exec(curriculumItemsOf, [curriculum.id])).get(curriculum.id) ?? [],
      label: await labeller(req),
      assignments: (await app.exec(enterpriseAssignments, curriculum.enterpriseId)).filter((a) => a.curriculumId === curriculum.id),
      trainees: await app.exec(employedTrainees, curriculum.enterpriseId),
      cohorts: await app.exec(listCohorts, curriculum.enterpriseId),
      today: today(),
      values,
      errors
    })
  }

  app.get('/curricula/:id', { config: TRAINER }, async (req, reply) => curriculumPage(req, reply, await ownCurriculum(req)))

  app.post('/curricula/:id/assignments', { config: TRAINER }, async (req, reply) => {
    const curriculum = await ownCurriculum(req)
    const form = readForm(req.body, { dueOn: { max: 20 }, mandatory: { max: 5 } })
    const input = { trainees: listField(req.body, 'trainee'), cohorts: listField(req.body, 'cohort'), dueOn: form.values.dueOn, mandatory: form.values.mandatory }
    const checked = checkAssignment(input, today(),
      new Set((await app.exec(employedTrainees, curriculum.enterpriseId)).map((p) => p.id)),
      new Set((await app.exec(listCohorts, curriculum.enterpriseId)).map((c) => c.id)))
    // A malformed field (sent twice, too long) is refused as well as a wrong value.
    if (!checked.ok || !form.ok) return curriculumPage(req, reply.code(422), curriculum, input, { ...(checked.ok ? {} : checked.errors), ...form.errors })
    const n = await app.transaction(insertAssignments, { curriculumId: curriculum.id, enterpriseId: curriculum.enterpriseId, ...checked }, auditFrom(req, 'assignment.created'), now())
    return reply.seeOther(`/curricula/${curriculum.id}`, 'flash.assignments-created', { count: n })
  })

  app.post('/assignments/:id/delete', { config: TRAINER }, async (req, reply) => {
    const a = await app.exec(findAssignment, enterpriseOf(req), idParam(req))
    if (!a) throw new NotFound()
    await app.transaction(deleteAssignment, a, auditFrom(req, 'assignment.removed'), now())
    return reply.seeOther(`/curricula/${a.curriculumId}`, 'flash.assignment-removed')
  })
}
