import { describe, test, expect, afterEach } from 'vitest'
import { dom, postForm, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { declareAll, nationalMock } from '../../helpers/readiness.js'
import { readinessScene, EVENT_KINDS } from '../../helpers/readiness-events.js'
import { seededRng } from '../../../src/lib/rng.js'
import { addDays, localDate } from '../../../src/lib/time.js'
import { trainees, traineeReadiness, employments } from '../../../src/db/schema.js'
import { storedReadiness, rulesGeneration, countStale, dueIds } from '../../../src/features/readiness/store.js'
import { workOutReadiness, sweepDueReadiness, rebuildReadiness, reevaluateStale } from '../../../src/features/readiness/keeper.js'
import { saveEligibilitySettings } from '../../../src/features/readiness/queries.js'
import { DEFAULT_SETTINGS } from '../../../src/features/readiness/rules.js'
import { addCohortMembers } from '../../../src/features/learning/queries.js'
import { transaction, exec, all as allOf, run } from '../../../src/db/engine.js'
import { eq } from 'drizzle-orm'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })
// The rule-change event leaves random rules behind: each test starts from the defaults.
afterEach(async () => {
  await transaction(t.db, saveEligibilitySettings, { ...DEFAULT_SETTINGS }, { actorId: w.users.admin, clientIp: null, action: 'settings.readiness' }, t.clock.now())
  await reevaluateStale(t.db, t.clock, t.config.timeZone)
})

const today = () => localDate(t.clock.now(), t.config.timeZone)
const stored = async (id: number) => (await exec(t.db, storedReadiness, [id])).get(id)!
const fresh = async (ids: readonly number[]) => (await exec(t.db, workOutReadiness, ids, t.clock.now(), t.config.timeZone)).map(({ evaluatedOn: _, ...r }) => r)
const storedOf = async (ids: readonly number[]) => await Promise.all(ids.map(async (id) => { const { evaluatedOn: _, ...r } = await stored(id); return r }))
const DAY = 86_400_000

describe('each event keeps the stored readiness in its own transaction', () => {
  test.each(EVENT_KINDS)('%s', async (kind) => {
    const scene = await readinessScene(t, w)
    const rng = seededRng(`event-${kind}`)
    // Something for the removal events to remove.
    await scene.events.assignment(rng)
    await transaction(t.db, addCohortMembers, scene.cohorts[0]!, scene.people, { actorId: w.users.trainerA, clientIp: null, action: 'x' }, t.clock.now())
    if (kind === 'employment-start') await scene.events['employment-end'](rng)
    const touched = await scene.events[kind](rng)
    // A rule change's re-evaluation runs in the background: here, to its end.
    if (kind === 'rules') await reevaluateStale(t.db, t.clock, t.config.timeZone)
    expect(touched.length, 'the event touched someone').toBeGreaterThan(0)
    expect(await storedOf(touched)).toEqual(await fresh(touched))
    // Rule changes leave rows for the keeper; every other event rewrote its people's rows itself.
    for (const id of touched) expect((await stored(id)).generation).toBe(await exec(t.db, rulesGeneration))
  })

  test('a declaration updates the row, and a failed transaction leaves it as it was', async () => {
    const p = await w.addPerson(w.ids.entA, 'Declarer')
    expect((await stored(p.traineeId)).rules.find((r) => r.rule === 'health')!.met).toBe(false)
    await declareAll(t, p.traineeId, w.users.trainerA)
    expect((await stored(p.traineeId)).rules.find((r) => r.rule === 'health')!.met).toBe(true)
    const { insertDeclarations } = await import('../../../src/features/orgs/queries.js')
    // A declaration by a user who does not exist fails its foreign key: nothing of it stays, the row neither.
    const row = await stored(p.traineeId)
    await expect(transaction(t.db, insertDeclarations, p.traineeId, { healthy: false }, 999_999, { actorId: w.users.trainerA, clientIp: null, action: 'x' }, t.clock.now())).rejects.toThrow()
    expect(await stored(p.traineeId)).toEqual(row)
  })
})

describe('the daily sweep', () => {
  test('across an 18th birthday: not yet until the day, eligible on it; the sweep reads only the rows due', async () => {
    const birthday = addDays(today(), 3)
    const birthDate = `${Number(birthday.slice(0, 4)) - 18}${birthday.slice(4)}`
    const p = await w.addPerson(w.ids.entA, 'Nearly Eighteen')
    await t.db.update(trainees).set({ birthDate }).where(eq(trainees.id, p.traineeId))
    await declareAll(t, p.traineeId, w.users.trainerA)
    await nationalMock(t, p.traineeId, 5, true)
    await nationalMock(t, p.traineeId, 1, true)
    expect(await stored(p.traineeId)).toMatchObject({ status: 'not-yet', nextChangeOn: birthday })
    expect((await stored(p.traineeId)).rules.find((r) => !r.met)!.rule).toBe('age')

    t.clock.advance(2 * DAY)
    expect(await exec(t.db, dueIds, today(), 10_000)).not.toContain(p.traineeId)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    expect((await stored(p.traineeId)).status).toBe('not-yet')

    t.clock.advance(DAY)
    expect(today()).toBe(birthday)
    expect(await exec(t.db, dueIds, today(), 10_000)).toContain(p.traineeId)
    expect(await sweepDueReadiness(t.db, t.clock, t.config.timeZone)).toBeGreaterThanOrEqual(1)
    expect(await exec(t.db, dueIds, today(), 10_000)).toEqual([])
    // Eligible; the next change is the older pass leaving the 60-day window.
    expect(await stored(p.traineeId)).toMatchObject({ status: 'eligible', nextChangeOn: addDays(addDays(birthday, -3 - 5), 60), evaluatedOn: birthday })
    expect(await storedOf([p.traineeId])).toEqual(await fresh([p.traineeId]))
  })

  test('across the end of the 60-day window: eligible until the older pass leaves it, then not yet', async () => {
    const p = await w.addPerson(w.ids.entA, 'Window Closing')
    await declareAll(t, p.traineeId, w.users.trainerA)
    const older = await nationalMock(t, p.traineeId, 10, true)
    const newer = await nationalMock(t, p.traineeId, 3, true)
    const leaves = addDays(today(), 50)
    expect(await stored(p.traineeId)).toMatchObject({ status: 'eligible', qualifying: [newer, older], nextChangeOn: leaves })

    t.clock.advance(49 * DAY)
    expect(await exec(t.db, dueIds, today(), 10_000)).not.toContain(p.traineeId)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    expect((await stored(p.traineeId)).status).toBe('eligible')

    t.clock.advance(DAY)
    expect(await exec(t.db, dueIds, today(), 10_000)).toContain(p.traineeId)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    const row = await stored(p.traineeId)
    expect(row).toMatchObject({ status: 'not-yet', qualifying: [newer], nextChangeOn: addDays(today(), 7) })
    expect(row.rules.find((r) => r.rule === 'mock-passes')).toMatchObject({ met: false, reason: { params: { have: 1 } } })
    // And the last pass leaves a week later.
    t.clock.advance(7 * DAY)
    expect(await exec(t.db, dueIds, today(), 10_000)).toContain(p.traineeId)
    await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
    expect(await stored(p.traineeId)).toMatchObject({ qualifying: [], nextChangeOn: null })
  })
})

describe('a rule change', () => {
  test('is worked out in the background in chunks; meanwhile pages say so and requests are served', async () => {
    // 1,100 people written straight into the database, then the rebuild command's function works them out.
    const now = t.clock.now().getTime()
    const enc = t.app.pii.encrypt('110101199001011234')
    const at = new Date(now)
    await transaction(t.db, function * (tx) {
      for (let from = 0; from < 1100; from += 550) {
        const made = yield * allOf(tx.insert(trainees).values(Array.from({ length: 550 }, (_, k) => ({
          fullName: `Bulk ${from + k}`, idNumberEnc: enc, idNumberHmac: `bulk-${from + k}`, birthDate: '1990-01-01', phone: '', education: 'junior-middle' as const, createdAt: at, updatedAt: at
        }))).returning({ id: trainees.id }))
        yield * run(tx.insert(employments).values(made.map((r) => ({ traineeId: r.id, enterpriseId: w.ids.entA, startedOn: '2026-01-01', dutyStatus: 'in-training' as const, createdAt: at, updatedAt: at }))))
      }
    })
    const all = (await t.db.select({ id: trainees.id }).from(trainees)).length
    expect(await rebuildReadiness(t.db, t.clock, t.config.timeZone)).toBe(all)
    expect((await t.db.select().from(traineeReadiness)).length).toBe(all)

    const saved = await postForm(t, '/admin/readiness', w.cookie('admin'), { minAge: '18', minEducation: 'none', mockBlueprint: 'national-mock', requiredPasses: '0', windowDays: '60', statementDays: '90' })
    expect(saved.statusCode).toBe(303)
    // The answer came before the re-evaluation ended (it started at once: a chunk may be done).
    expect(await exec(t.db, countStale)).toBeGreaterThan(0)
    const roster = dom((await t.app.inject({ url: '/readiness/roster', headers: { cookie: w.cookie('trainerA') } })).body)
    expect(roster.querySelector('[role=status]')!.text).toContain('being recomputed')

    // The keeper runs (the route kicked it): chunks of 200 with the event loop free between them.
    let served = 0
    const pass = t.app.readinessKeeper.kick()
    for (let i = 0; i < 2000 && t.app.readinessKeeper.busy(); i++) {
      const res = await t.app.inject('/healthz')
      if (res.statusCode === 200 && t.app.readinessKeeper.busy()) served++
    }
    await pass
    expect(served).toBeGreaterThan(0)
    expect(await exec(t.db, countStale)).toBe(0)
    const after = dom((await t.app.inject({ url: '/readiness/roster', headers: { cookie: w.cookie('trainerA') } })).body)
    expect(after.querySelector('[role=status]')).toBeNull()
    expect((await stored(w.ids.personA)).generation).toBe(await exec(t.db, rulesGeneration))
  }, 60_000)
})
