import { describe, test, expect } from 'vitest'
import { and, eq, desc } from 'drizzle-orm'
import { dom, FORM_HEADERS, form, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { attempts, auditEvents, blueprintVersions, bankReleases, cohorts, curricula, assignments, employments, lessonProgress } from '../../../src/db/schema.js'
import { mandatoryAssignmentsOf } from '../../../src/features/learning/index.js'
import { exec } from '../../../src/db/engine.js'
import { listAttempts } from '../../../src/features/exams/index.js'
import { sweepDueReadiness } from '../../../src/features/readiness/index.js'
import { keepReadiness } from '../../helpers/readiness.js'

/** One trainee's mandatory assignments, through the batched read readiness uses. */
const mandatoryAssignments = async (db: TestApp['db'], id: number, now: Date, timeZone: string) => (await exec(db, mandatoryAssignmentsOf, [id], now, timeZone)).get(id)!

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

type Who = keyof World['users']
const get = (url: string, who: Who = 'trainerA', headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who), ...headers } })
const post = (url: string, fields: Record<string, string | string[]> = {}, who: Who = 'trainerA') =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: w.cookie(who) }, payload: form(fields) })
const idFrom = (location: unknown) => Number(/\/(\d+)$/.exec(String(location))?.[1])
const errorsOf = (html: string) => dom(html).querySelectorAll('.field-error').map((e) => e.text.trim())

/** A finished, passed attempt of the starter mock for a trainee (written directly: grading is the exams area's business). */
async function passMock (traineeId: number) {
  const bp = (await t.db.select().from(blueprintVersions).where(eq(blueprintVersions.blueprintKey, 'starter-mock')).orderBy(desc(blueprintVersions.id)))[0]!
  const release = (await t.db.select().from(bankReleases))[0]!
  const now = t.clock.now()
  await t.db.insert(attempts).values({ traineeId, blueprintKey: 'starter-mock', blueprintVersionId: bp.id, releaseId: release.id, seed: 'x', passMark: 60, maxScore: 100, startedAt: now, deadlineAt: now, finishedAt: now, finishReason: 'submitted', score: 80, passed: true })
  await keepReadiness(t, [traineeId])
}

let cohortId: number
let curriculumId: number
let late: { traineeId: number, userId: number }

describe('cohorts', () => {
  test('a trainer creates a cohort; an empty or taken name is refused with a message', async () => {
    const empty = await post('/cohorts', { name: ' ' })
    expect(empty.statusCode).toBe(422)
    expect(errorsOf(empty.body)).toEqual(['This field is required.'])
    const res = await post('/cohorts', { name: 'Intake March' })
    expect(res.statusCode).toBe(303)
    cohortId = idFrom(res.headers.location)
    const taken = await post('/cohorts', { name: 'intake march' })
    expect(taken.statusCode).toBe(422)
    expect(errorsOf(taken.body)).toEqual(['A cohort with this name already exists.'])
    // Another enterprise may use the same name.
    expect((await post('/cohorts', { name: 'Intake March' }, 'trainerB')).statusCode).toBe(303)
    expect(await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'cohort.created'))).toHaveLength(2)
  })

  test('members are the enterprise\'s own trainees only', async () => {
    const outsider = await post(`/cohorts/${cohortId}/members`, { trainee: String(w.ids.personB) })
    expect(outsider.statusCode).toBe(422)
    expect(errorsOf(outsider.body)).toEqual(['One of the trainees is not on your roster.'])
    expect((await post(`/cohorts/${cohortId}/members`, {})).statusCode).toBe(422)
    const res = await post(`/cohorts/${cohortId}/members`, { trainee: String(w.ids.personA) })
    expect(res.statusCode).toBe(303)
    const page = dom((await get(`/cohorts/${cohortId}`)).body)
    expect(page.querySelectorAll('ul.members li a').map((a) => a.text)).toEqual(['wAlpha'])
    // Trainer B cannot see, add to or remove from A's cohort.
    expect((await get(`/cohorts/${cohortId}`, 'trainerB')).statusCode).toBe(404)
    expect((await post(`/cohorts/${cohortId}/members`, { trainee: String(w.ids.personB) }, 'trainerB')).statusCode).toBe(404)
    expect((await post(`/cohorts/${cohortId}/members/${w.ids.personA}/remove`, {}, 'trainerB')).statusCode).toBe(404)
  })
})

describe('curricula', () => {
  test.each([
    [{ title: '', course: 'law' }, ['This field is required.']],
    [{ title: 'Nothing' }, ['Choose at least one course, topic or mock exam.']],
    [{ title: 'Bad topic', topic: 'law/nope' }, ['One of the topics is not in the syllabus.']],
    [{ title: 'Overlap', course: 'law', topic: 'law/guard-eligibility' }, ['A chosen topic is already part of a whole course you chose.']],
    [{ title: 'Bad mock', 'mock-starter-mock': '99' }, ['Enter a whole number from 0 to 20.']],
    [{ title: 'Unknown mock', 'mock-secret': '1' }, ['One of the mock exams is not available.']]
  ])('bad input %j is refused with clear messages', async (fields, messages) => {
    const res = await post('/curricula', fields)
    expect(res.statusCode).toBe(422)
    expect(errorsOf(res.body)).toEqual(messages)
    expect(await t.db.select().from(curricula)).toHaveLength(0)
  })

  test('a curriculum of a course, a topic and a mock requirement', async () => {
    const form = await get('/curricula/new')
    expect(dom(form.body).querySelectorAll('input[name="course"]')).toHaveLength(4)
    const res = await post('/curricula', { title: 'Induction', course: 'law', topic: 'skills/cpr-aed', 'mock-starter-mock': '1' })
    expect(res.statusCode).toBe(303)
    curriculumId = idFrom(res.headers.location)
    const page = dom((await get(`/curricula/${curriculumId}`)).body)
    expect(page.querySelectorAll('ul.curriculum-items li').map((li) => li.text.trim().replace(/\s+/g, ' '))).toEqual(['Course: Legal knowledge', 'Topic: CPR and the AED', 'Pass “Starter mock examination” once'])
    expect((await post('/curricula', { title: 'induction', course: 'law' })).statusCode).toBe(422)
    expect((await get(`/curricula/${curriculumId}`, 'trainerB')).statusCode).toBe(404)
  })

  test('assigning: refused without a target, with a past date or another enterprise\'s trainee or cohort', async () => {
    const url = `/curricula/${curriculumId}/assignments`
    const bCohort = (await t.db.select().from(cohorts).where(eq(cohorts.enterpriseId, w.ids.entB)))[0]!.id
    const cases: Array<[Record<string, string | string[]>, string[]]> = [
      [{ mandatory: 'yes' }, ['Choose at least one cohort or trainee.']],
      [{ cohort: String(cohortId), mandatory: 'yes', dueOn: ['2026-12-01', '2026-12-02'] }, ['This value is not valid.']],
      [{ cohort: String(cohortId), mandatory: 'yes', dueOn: '2026-11-25' }, ['The due date cannot be in the past.']],
      [{ cohort: String(cohortId), mandatory: 'yes', dueOn: '2026-13-01' }, ['Enter a date such as 2026-12-31.']],
      [{ trainee: String(w.ids.personB), mandatory: 'yes' }, ['One of the trainees is not on your roster.']],
      [{ cohort: String(bCohort), mandatory: 'yes' }, ['One of the cohorts is not yours.']]
    ]
    for (const [fields, messages] of cases) {
      const res = await post(url, fields)
      expect(res.statusCode, JSON.stringify(fields)).toBe(422)
      expect(errorsOf(res.body)).toEqual(messages)
    }
    expect((await post(url, { cohort: String(cohortId), mandatory: 'yes' }, 'trainerB')).statusCode).toBe(404)
    expect(await t.db.select().from(assignments)).toHaveLength(0)
  })

  test('assigned to the cohort, mandatory, due in two days', async () => {
    const res = await post(`/curricula/${curriculumId}/assignments`, { cohort: String(cohortId), mandatory: 'yes', dueOn: '2026-11-28' })
    expect(res.statusCode).toBe(303)
    expect(await t.db.select().from(assignments)).toMatchObject([{ cohortId, traineeId: null, dueOn: '2026-11-28', mandatory: true, enterpriseId: w.ids.entA }])
  })
})

describe('what the trainee and the trainer see', () => {
  test('the trainee sees the assignment on the dashboard, with its due date and progress', async () => {
    const page = dom((await get('/learn', 'traineeA')).body)
    const a = page.querySelector('article.assignment')!
    expect(a.querySelector('h3')?.text).toBe('Induction')
    expect(a.text).toContain('Due 2026-11-28')
    expect(a.text).toContain('through the cohort Intake March')
    expect(a.querySelector('progress')?.getAttribute('value')).toBe('0')
    // Trainee B, of the other enterprise, has nothing assigned.
    expect(dom((await get('/learn', 'traineeB')).body).querySelector('article.assignment')).toBeNull()
  })

  test('mandatoryAssignments reports it open, then overdue, then complete', async () => {
    const now = t.clock.now()
    expect(await mandatoryAssignments(t.db, w.ids.personA, now, t.app.config.timeZone)).toEqual([{ assignmentId: expect.any(Number), curriculumId, title: 'Induction', dueOn: '2026-11-28', complete: false, overdue: false }])
    // 2026-11-28 23:59 in Shanghai is still in time; the next local day is late.
    expect((await mandatoryAssignments(t.db, w.ids.personA, new Date(Date.UTC(2026, 10, 28, 15, 59)), t.app.config.timeZone))[0]!.overdue).toBe(false)
    expect((await mandatoryAssignments(t.db, w.ids.personA, new Date(Date.UTC(2026, 10, 28, 16, 0)), t.app.config.timeZone))[0]!.overdue).toBe(true)
    expect(await mandatoryAssignments(t.db, w.ids.personB, now, t.app.config.timeZone)).toEqual([])
  })

  test('the trainer dashboard: progress, overdue highlighted, latest mock, sortable and filterable', async () => {
    t.clock.set(Date.UTC(2026, 10, 29, 2, 0)) // past the due date
    // The daily sweep brings the stored summaries whose assignments fell overdue up to date.
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    await passMock(w.ids.personA)
    const res = await get('/training')
    expect(res.statusCode).toBe(200)
    const page = dom(res.body)
    const row = page.querySelector('#trainee-table tbody tr')!
    expect(row.classList.contains('overdue')).toBe(true)
    expect(row.querySelector('a')?.getAttribute('href')).toBe(`/training/trainees/${w.ids.personA}`)
    expect(row.text).toContain('80 / 100')
    expect(row.text).toContain('1 overdue')
    expect(page.querySelector('table.cohort-summary tbody tr')?.classList.contains('overdue')).toBe(true)
    // The cohort's count of overdue trainees is a link to them.
    const overdue = page.querySelector('table.cohort-summary tbody tr a.badge')!
    expect(overdue.getAttribute('href')).toBe(`/training?cohort=${cohortId}&state=overdue#trainee-table`)
    expect(dom((await get(overdue.getAttribute('href')!.replace(/#.*/, ''))).body).querySelectorAll('#trainee-table tbody tr.overdue')).toHaveLength(1)
    // Only enterprise A's trainees.
    expect(res.body).not.toContain('wBeta')

    const filtered = await get(`/training?state=complete&cohort=${cohortId}`, 'trainerA', { 'hx-request': 'true', 'hx-target': 'trainee-table' })
    expect(filtered.statusCode).toBe(200)
    expect(filtered.body).not.toContain('<html')
    expect(dom(filtered.body).querySelector('#trainee-table p.empty')?.text).toBe('Nobody matches these filters.')
    const sorted = dom((await get('/training?sort=progress&dir=desc')).body)
    expect(sorted.querySelector('th[aria-sort="descending"] a')?.getAttribute('href')).toBe('/training?sort=progress')
  })

  test('a trainee who joins the cohort later receives its assignment', async () => {
    const p = await w.addPerson(w.ids.entA, 'Late Joiner')
    late = p
    expect(await mandatoryAssignments(t.db, p.traineeId, t.clock.now(), t.app.config.timeZone)).toEqual([])
    expect((await post(`/cohorts/${cohortId}/members`, { trainee: String(p.traineeId) })).statusCode).toBe(303)
    expect(await mandatoryAssignments(t.db, p.traineeId, t.clock.now(), t.app.config.timeZone)).toMatchObject([{ curriculumId, complete: false, overdue: true }])
  })

  test('completing the curriculum: the trainer sees the progress change', async () => {
    // Trainee A studies every law topic and CPR, passing their checks (written directly; the check itself is tested elsewhere).
    for (const key of ['law/guard-eligibility', 'skills/cpr-aed']) {
      await t.db.insert(lessonProgress).values({ traineeId: w.ids.personA, lessonKey: key, studiedAt: t.clock.now(), checkPassedAt: t.clock.now(), lessonVersionId: null })
    }
    await keepReadiness(t, [w.ids.personA])
    expect(await mandatoryAssignments(t.db, w.ids.personA, t.clock.now(), t.app.config.timeZone)).toMatchObject([{ complete: true, overdue: false }])
    const page = dom((await get('/training?sort=name')).body)
    const rowA = page.querySelectorAll('#trainee-table tbody tr').find((r) => r.text.includes('wAlpha'))!
    expect(rowA.classList.contains('overdue')).toBe(false)
    expect(rowA.querySelector('progress')?.getAttribute('value')).toBe('100')
    const detail = await get(`/training/trainees/${w.ids.personA}`)
    expect(detail.statusCode).toBe(200)
    expect(dom(detail.body).querySelector('article.assignment .badge.ok')?.text).toBe('Complete')
    expect((await get(`/training/trainees/${w.ids.personA}`, 'trainerB')).statusCode).toBe(404)
  })

  test("the trainee's page lists the ten latest finished mocks, not an open one, read newest first with a limit", async () => {
    const bp = (await t.db.select().from(blueprintVersions).where(eq(blueprintVersions.blueprintKey, 'starter-mock')).orderBy(desc(blueprintVersions.id)))[0]!
    const release = (await t.db.select().from(bankReleases))[0]!
    const base = t.clock.now().getTime() - 30 * 86_400_000
    for (let i = 0; i < 13; i++) {
      const at = new Date(base + i * 3_600_000)
      const open = i === 12
      await t.db.insert(attempts).values({ traineeId: w.ids.personB, blueprintKey: 'starter-mock', blueprintVersionId: bp.id, releaseId: release.id, seed: `h${i}`, passMark: 60, maxScore: 100, startedAt: at, deadlineAt: at, finishedAt: open ? null : at, finishReason: open ? null : 'submitted', score: open ? null : 50 + i, passed: !open && 50 + i >= 60 })
    }
    const all = await exec(t.db, listAttempts, w.ids.personB)
    const latest = await exec(t.db, listAttempts, w.ids.personB, { finished: true, limit: 10 })
    expect(latest.map((a) => a.id)).toEqual(all.filter((a) => a.finishedAt).slice(0, 10).map((a) => a.id))
    expect(latest.map((a) => a.score)).toEqual([61, 60, 59, 58, 57, 56, 55, 54, 53, 52])
    const res = await get(`/training/trainees/${w.ids.personB}`, 'trainerB')
    expect(res.statusCode).toBe(200)
    const page = dom(res.body)
    expect(page.querySelectorAll('table tbody tr').map((r) => /(\d+) \/ 100/.exec(r.text)?.[1])).toEqual(latest.map((a) => String(a.score)))
  })

  test('a trainee who leaves the enterprise no longer has its assignments', async () => {
    await t.db.update(employments).set({ endedOn: '2026-11-29' }).where(and(eq(employments.traineeId, late.traineeId)))
    await keepReadiness(t, [late.traineeId])
    expect(await mandatoryAssignments(t.db, late.traineeId, t.clock.now(), t.app.config.timeZone)).toEqual([])
    expect((await get(`/training/trainees/${late.traineeId}`)).statusCode).toBe(404)
  })
})

describe('CSV export', () => {
  test('the table as a spreadsheet-safe CSV, audited, within the enterprise', async () => {
    await w.addPerson(w.ids.entA, '=HYPERLINK("http://evil")')
    const res = await get('/training/export.csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="training-2026-11-29\.csv"$/)
    expect(res.body.startsWith('\uFEFFTrainee,Cohorts,')).toBe(true)
    const lines = res.body.slice(1).trim().split('\r\n')
    expect(lines.some((l) => l.startsWith('wAlpha,Intake March,1/1,100%,0,'))).toBe(true)
    expect(lines.some((l) => l.startsWith('"\'=HYPERLINK(""http://evil"")"'))).toBe(true)
    expect(res.body).not.toContain('wBeta')
    // Trainer B's export holds B's trainees only.
    const other = await get('/training/export.csv', 'trainerB')
    expect(other.body).toContain('wBeta')
    expect(other.body).not.toContain('wAlpha')
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'training.exported'))
    expect(audit).toHaveLength(2)
    expect(audit.map((a) => a.subjectId)).toEqual([String(w.ids.entA), String(w.ids.entB)])
  })

  test('the audit entry of an export names the enterprise and the row count, never a person', async () => {
    const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, 'training.exported'))
    expect(audit[0]).toMatchObject({ subjectType: 'enterprise', subjectId: String(w.ids.entA), details: { rows: 2 } }) // trainee A and the one added above; the late joiner has left
    expect(JSON.stringify(audit)).not.toContain('wAlpha')
  })
})

describe('removing', () => {
  test('an assignment, and a cohort member', async () => {
    const a = (await t.db.select().from(assignments))[0]!
    expect((await post(`/assignments/${a.id}/delete`, {}, 'trainerB')).statusCode).toBe(404)
    expect((await post(`/assignments/${a.id}/delete`)).statusCode).toBe(303)
    expect(await t.db.select().from(assignments)).toHaveLength(0)
    expect((await post(`/cohorts/${cohortId}/members/${w.ids.personA}/remove`)).statusCode).toBe(303)
    expect((await post(`/cohorts/${cohortId}/members/${w.ids.personA}/remove`)).statusCode).toBe(404)
  })
})
