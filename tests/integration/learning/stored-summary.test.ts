import { describe, test, expect, beforeAll } from 'vitest'
import { eq, inArray } from 'drizzle-orm'
import { transaction, exec } from '../../../src/db/engine.js'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { readinessScene, EVENT_KINDS } from '../../helpers/readiness-events.js'
import { addCrowd } from '../../helpers/crowd.js'
import { seededRng } from '../../../src/lib/rng.js'
import { addDays, localDate } from '../../../src/lib/time.js'
import { traineeLearning, trainees } from '../../../src/db/schema.js'
import { learningFor, storedLearning, type StoredLearning } from '../../../src/features/learning/index.js'
import { latestScores, currentEmployers, insertCohort, addCohortMembers, insertCurriculum, insertAssignments } from '../../../src/features/learning/queries.js'
import { dueLearningIds, learningPage, type TableFilters } from '../../../src/features/learning/store.js'
import { SORTS, type Sort } from '../../../src/features/learning/view.js'
import { currentPool, insertSet, writePracticeAnswer } from '../../../src/features/practice/queries.js'
import { sweepDueReadiness, rebuildReadiness, reevaluateStale } from '../../../src/features/readiness/index.js'
import type { Key } from '../../../src/lib/keyset.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const DAY = 86_400_000
const today = () => localDate(t.clock.now(), t.config.timeZone)
const audit = () => ({ actorId: w.users.trainerA, clientIp: null, action: 'test' })

/** What the trainer's table shows of these people, worked out afresh from their records by learningFor (not by the keeper). */
async function recomputed (ids: readonly number[]) {
  const employers = await exec(t.db, currentEmployers, ids)
  const learning = await exec(t.db, learningFor, ids.map((id) => ({ id, enterpriseId: employers.get(id) ?? null })), today())
  const latest = await exec(t.db, latestScores, ids)
  const names = new Map((await t.db.select({ id: trainees.id, n: trainees.fullName }).from(trainees).where(inArray(trainees.id, [...ids]))).map((r) => [r.id, r.n]))
  return ids.map((id) => {
    const l = learning.get(id)!
    const m = latest.get(id)
    return {
      traineeId: id,
      enterpriseId: employers.get(id) ?? null,
      fullName: names.get(id)!,
      assignedCount: l.assignments.length,
      completeCount: l.assignments.filter((a) => a.progress.complete).length,
      assignedDone: l.assigned.done,
      assignedTotal: l.assigned.total,
      assignedPercent: l.assigned.percent,
      overdue: l.overdue,
      coursesPercent: l.overall.percent,
      passes: [...l.passes.values()].reduce((a, b) => a + b, 0),
      latestScore: m?.score ?? -1,
      latestMaxScore: m?.maxScore ?? null,
      latestPassed: m ? m.passed : null,
      latestFinishedAt: m?.finishedAt ?? null,
      masteryPct: l.practice.masteryPct,
      weekAnswered: l.practice.week.answered,
      weekRight: l.practice.week.right
    }
  })
}

/** The stored rows of these people, without the date of their next change (the keeper's own bookkeeping). */
async function stored (ids: readonly number[]) {
  const rows = await exec(t.db, storedLearning, ids)
  return ids.map((id) => {
    const r = rows.get(id)
    if (!r) return undefined
    const { nextChangeOn: _, ...rest } = r
    return rest
  })
}

/** One practice answer through the practice area's answer path (a question of the current release, right or wrong). */
async function practise (traineeId: number, right: boolean, position = 0): Promise<void> {
  const pool = (await exec(t.db, currentPool))!
  const q = pool.questions[position % pool.questions.length]!
  const set = await exec(t.db, insertSet, { traineeId, mode: 'random', domain: null, topic: null, itemType: null, releaseId: pool.releaseId, seed: `s${traineeId}-${position}`, questionVersionIds: [q.id] }, t.clock.now())
  await exec(t.db, writePracticeAnswer, { traineeId, setId: set.id, position: 1, questionVersionId: q.id, answer: 1, right, now: t.clock.now() })
}

describe('each event moves the stored summary to what learningFor works out', () => {
  test.each(EVENT_KINDS)('%s', async (kind) => {
    const scene = await readinessScene(t, w)
    const rng = seededRng(`learning-${kind}`)
    // Something for the removal events to remove, and some practice to count.
    await scene.events.assignment(rng)
    await transaction(t.db, addCohortMembers, scene.cohorts[0]!, scene.people, audit(), t.clock.now())
    await practise(scene.people[0]!, true)
    if (kind === 'employment-start') await scene.events['employment-end'](rng)
    const touched = await scene.events[kind](rng)
    // A rule change's re-evaluation runs in the background: here, to its end.
    if (kind === 'rules') await reevaluateStale(t.db, t.clock, t.config.timeZone)
    expect(touched.length, 'the event touched someone').toBeGreaterThan(0)
    expect(await stored(scene.people)).toEqual(await recomputed(scene.people))
  })

  test('a practice answer updates the practice figures by themselves (no whole refresh), a wrong one too', async () => {
    const p = await w.addPerson(w.ids.entA, 'Practiser')
    const before = (await t.db.select().from(traineeLearning).where(eq(traineeLearning.traineeId, p.traineeId)))[0]!
    expect(before).toMatchObject({ masteryPct: 0, weekAnswered: 0, weekRight: 0, nextChangeOn: null })
    t.clock.advance(60_000)
    for (let i = 0; i < 6; i++) await practise(p.traineeId, i !== 2, i)
    const after = (await t.db.select().from(traineeLearning).where(eq(traineeLearning.traineeId, p.traineeId)))[0]!
    expect(after).toMatchObject({ weekAnswered: 6, weekRight: 5, nextChangeOn: addDays(today(), 7) })
    expect(after.masteryPct).toBeGreaterThan(0)
    // Only the practice columns moved: the row was not written whole (its write time stands).
    expect(after.updatedAt).toEqual(before.updatedAt)
    expect(await stored([p.traineeId])).toEqual(await recomputed([p.traineeId]))
  })

  test('a name change moves the stored name (the name sort and search read it)', async () => {
    const { updatePerson } = await import('../../../src/features/orgs/queries.js')
    const p = await w.addPerson(w.ids.entA, 'Old Name')
    const row = (await t.db.select().from(trainees).where(eq(trainees.id, p.traineeId)))[0]!
    await transaction(t.db, updatePerson, p.traineeId, { ...row, fullName: 'New Name' }, false, audit(), t.clock.now())
    expect((await exec(t.db, storedLearning, [p.traineeId])).get(p.traineeId)!.fullName).toBe('New Name')
  })
})

describe('the daily sweep', () => {
  test('across the day an assignment falls overdue, and the day practice leaves the week', async () => {
    const p = await w.addPerson(w.ids.entA, 'Due Soon')
    const c = await transaction(t.db, insertCurriculum, w.ids.entA, 'Due soon', [{ kind: 'topic', domain: 'law', topic: 'guard-eligibility', blueprintKey: null, requiredPasses: null }], audit(), t.clock.now())
    const due = addDays(today(), 2)
    await transaction(t.db, insertAssignments, { curriculumId: c.id, enterpriseId: w.ids.entA, traineeIds: [p.traineeId], cohortIds: [], dueOn: due, mandatory: false }, audit(), t.clock.now())
    const row = async () => (await exec(t.db, storedLearning, [p.traineeId])).get(p.traineeId)!
    expect(await row()).toMatchObject({ overdue: 0, nextChangeOn: addDays(due, 1) })

    // The due day itself is still in time: the row is not due for the sweep and stays.
    t.clock.advance(2 * DAY)
    expect(today()).toBe(due)
    expect(await exec(t.db, dueLearningIds, today(), 10_000)).not.toContain(p.traineeId)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    expect((await row()).overdue).toBe(0)
    await practise(p.traineeId, true)
    expect(await row()).toMatchObject({ weekAnswered: 1, nextChangeOn: addDays(due, 1) })

    // The day after: overdue, once the sweep has run.
    t.clock.advance(DAY)
    expect(await exec(t.db, dueLearningIds, today(), 10_000)).toContain(p.traineeId)
    expect((await row()).overdue).toBe(0)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    expect(await row()).toMatchObject({ overdue: 1, weekAnswered: 1, nextChangeOn: addDays(due, 7) })
    expect(await stored([p.traineeId])).toEqual(await recomputed([p.traineeId]))
    expect(await exec(t.db, dueLearningIds, today(), 10_000)).not.toContain(p.traineeId)

    // A week after the practice, it has left the week's figures.
    t.clock.advance(6 * DAY)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    expect(await row()).toMatchObject({ overdue: 1, weekAnswered: 0, weekRight: 0, nextChangeOn: null })
    expect(await stored([p.traineeId])).toEqual(await recomputed([p.traineeId]))
  })
})

describe('the table in SQL', () => {
  let crowd: number[] = []
  let cohortId = 0
  beforeAll(async () => {
    crowd = (await addCrowd(t, w.ids.entB, 230, 7))
    const cohort = await transaction(t.db, insertCohort, w.ids.entB, 'Thirds', audit(), t.clock.now())
    await transaction(t.db, addCohortMembers, cohort, crowd.filter((_, i) => i % 3 === 0), audit(), t.clock.now())
    cohortId = cohort.id
    // Varied figures: some practise (mastery, week), an assignment due in the past for a few, overdue.
    for (const [i, id] of crowd.entries()) if (i % 4 === 0) for (let k = 0; k <= i % 7; k++) await practise(id, k % 2 === 0, k)
    const c = await transaction(t.db, insertCurriculum, w.ids.entB, 'Early', [{ kind: 'course', domain: 'law', topic: null, blueprintKey: null, requiredPasses: null }], audit(), t.clock.now())
    await transaction(t.db, insertAssignments, { curriculumId: c.id, enterpriseId: w.ids.entB, traineeIds: crowd.filter((_, i) => i % 5 === 0), cohortIds: [], dueOn: addDays(today(), 1), mandatory: true }, audit(), t.clock.now())
    t.clock.advance(2 * DAY)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
  })

  const everyoneOfB = async () => (await t.db.select().from(traineeLearning).where(eq(traineeLearning.enterpriseId, w.ids.entB))) as unknown as StoredLearning[]
  const value = (sort: Sort, r: StoredLearning) => ({ name: 0, progress: r.assignedPercent, overdue: r.overdue, score: r.latestScore, passes: r.passes, mastery: r.masteryPct, practised: r.weekAnswered }[sort])
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

  test.each(SORTS.flatMap((sort) => [[sort, false], [sort, true]] as Array<[Sort, boolean]>))('sorted by %s (descending: %s): every row once, in order, across pages both ways', async (sort, desc) => {
    const f: TableFilters = { q: '', cohort: null, state: 'all', sort, desc }
    const all = await everyoneOfB()
    const sign = desc ? -1 : 1
    const expected = [...all].sort((a, b) => sign * (value(sort, a) - value(sort, b) || cmp(a.fullName, b.fullName) || a.traineeId - b.traineeId)).map((r) => r.traineeId)
    const seen: number[] = []
    let after: Key | undefined
    const keys: Array<Key | null> = []
    for (;;) {
      const page = await exec(t.db, learningPage, w.ids.entB, f, after ? { size: 50, after } : { size: 50 })
      expect(page.total).toBe(all.length)
      seen.push(...page.rows.map((r) => r.traineeId))
      keys.push(page.prev)
      if (!page.next) break
      after = page.next
    }
    expect(seen).toEqual(expected)
    // Back from the last page by the previous links: the same rows in the same order.
    let before = keys.at(-1)
    const back: number[][] = []
    while (before) {
      const page = await exec(t.db, learningPage, w.ids.entB, f, { size: 50, before })
      back.unshift(page.rows.map((r) => r.traineeId))
      before = page.prev
    }
    expect([...back.flat(), ...seen.slice(back.flat().length)]).toEqual(expected)
  })

  test('filters: a name part, a cohort, each state; the counts are the matching rows', async () => {
    const all = await everyoneOfB()
    const count = async (f: Partial<TableFilters>) => (await exec(t.db, learningPage, w.ids.entB, { q: '', cohort: null, state: 'all', sort: 'name', desc: false, ...f }, { size: 100 })).total
    expect(await count({ q: '王' })).toBe(all.filter((r) => r.fullName.includes('王')).length)
    expect(await count({ cohort: cohortId })).toBe(crowd.filter((_, i) => i % 3 === 0).length)
    // The crowd's overdue ones, and the earlier tests' people of enterprise B whose due dates passed as their days went by.
    expect(await count({ state: 'overdue' })).toBe(all.filter((r) => r.overdue > 0).length)
    expect(await count({ state: 'overdue' })).toBeGreaterThanOrEqual(crowd.filter((_, i) => i % 5 === 0).length)
    expect(await count({ state: 'complete' })).toBe(all.filter((r) => r.assignedCount > 0 && r.completeCount === r.assignedCount).length)
    expect(await count({ state: 'none' })).toBe(all.filter((r) => r.assignedCount === 0).length)
    expect(await count({ state: 'overdue', cohort: cohortId })).toBe(crowd.filter((_, i) => i % 15 === 0).length)
    expect((await count({ state: 'complete' })) + (await count({ state: 'open' })) + (await count({ state: 'overdue' })) + (await count({ state: 'none' }))).toBe(all.length)
  })

  test('a name part is matched as written, in any case: % _ and \\ are characters, not wildcards', async () => {
    const [a, b] = await everyoneOfB()
    const rename = async (id: number, fullName: string) => await t.db.update(traineeLearning).set({ fullName }).where(eq(traineeLearning.traineeId, id))
    await rename(a!.traineeId, 'Qzq_7%\\')
    await rename(b!.traineeId, 'QzqX70')
    try {
      const found = async (q: string) => (await exec(t.db, learningPage, w.ids.entB, { q, cohort: null, state: 'all', sort: 'name', desc: false }, { size: 100 })).rows.map((r) => r.traineeId)
      expect(await found('q_7')).toEqual([a!.traineeId]) // as a wildcard, _ would match the X as well
      expect(await found('7%')).toEqual([a!.traineeId]) // and % the 0
      expect(await found('%\\')).toEqual([a!.traineeId])
      expect(await found('QZQX')).toEqual([b!.traineeId])
      expect((await found('qzq')).sort()).toEqual([a!.traineeId, b!.traineeId].sort())
    } finally {
      await rename(a!.traineeId, a!.fullName)
      await rename(b!.traineeId, b!.fullName)
    }
  })

  test('the page keeps its filters and sort in the pager links, shows the true totals and the cohort figures', async () => {
    const cookie = w.cookie('trainerB')
    const url = `/training?cohort=${cohortId}&sort=mastery&dir=desc`
    const res = await t.app.inject({ url, headers: { cookie } })
    expect(res.statusCode).toBe(200)
    const page = dom(res.body)
    const members = crowd.filter((_, i) => i % 3 === 0).length
    const employed = (await everyoneOfB()).length
    expect(page.querySelector('p.count')?.text).toBe(`${members} of ${employed} trainees`)
    const next = page.querySelector('nav.pager a[rel=next]')!.getAttribute('href')!
    expect(next).toContain(`cohort=${cohortId}`)
    expect(next).toContain('sort=mastery')
    expect(next).toContain('dir=desc')
    const second = dom((await t.app.inject({ url: next, headers: { cookie } })).body)
    expect(second.querySelectorAll('#trainee-table tbody tr')).toHaveLength(members - 50)
    // The cohort's row: its members, their average progress (rounded down) and those overdue.
    const rows = (await everyoneOfB()).filter((r) => crowd.indexOf(r.traineeId) % 3 === 0)
    const summary = page.querySelectorAll('table.cohort-summary tbody tr').find((r) => r.text.includes('Thirds'))!
    const cells = summary.querySelectorAll('td').map((c) => c.text.trim())
    expect(cells[1]).toBe(String(rows.length))
    expect(cells[2]).toBe(`${Math.floor(rows.reduce((s, r) => s + r.assignedPercent, 0) / rows.length)}%`)
    expect(cells[3]).toBe(String(rows.filter((r) => r.overdue > 0).length))
    expect(page.querySelector('p.recomputing')).toBeNull()
  })

  test('while the keeper has not stored everyone yet, the page says how many are missing', async () => {
    await t.db.delete(traineeLearning).where(eq(traineeLearning.traineeId, crowd[0]!))
    const page = dom((await t.app.inject({ url: '/training', headers: { cookie: w.cookie('trainerB') } })).body)
    expect(page.querySelector('p.recomputing[role=status]')?.text).toContain('1 trainee is not in the table')
    await rebuildReadiness(t.db, t.clock, t.config.timeZone)
    const again = dom((await t.app.inject({ url: '/training', headers: { cookie: w.cookie('trainerB') } })).body)
    expect(again.querySelector('p.recomputing')).toBeNull()
  })
})
