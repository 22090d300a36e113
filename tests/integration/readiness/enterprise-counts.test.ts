import { describe, test, expect } from 'vitest'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { makeEligible, enterpriseCountsCheck, addSitting } from '../../helpers/readiness.js'
import { employments, enterprises, applications, enterpriseCounts } from '../../../src/db/schema.js'
import { setDutyStatus, setCertificate, endEmployment, employPerson } from '../../../src/features/orgs/queries.js'
import { transaction, exec, run } from '../../../src/db/engine.js'
import { readEnterpriseCounts } from '../../../src/features/readiness/store.js'
import { rebuildReadiness } from '../../../src/features/readiness/keeper.js'
import { noCounts, type Counts } from '../../../src/features/readiness/counts.js'
import { and, eq, isNull, sql } from 'drizzle-orm'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const counts = async (enterpriseId: number): Promise<Counts> => (await exec(t.db, readEnterpriseCounts, [enterpriseId])).get(enterpriseId) ?? noCounts()
const audit = () => ({ actorId: w.users.trainerA, action: 'test' })
const openEmployment = async (traineeId: number) => (await t.db.select().from(employments).where(and(eq(employments.traineeId, traineeId), isNull(employments.endedOn))))[0]!
/** What moved in each count between two readings (zeros left out). */
const moved = (before: Counts, after: Counts) => Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof Counts]]).filter(([, d]) => d !== 0))

describe('each enterprise\'s counts move with its guards, in the same transaction', () => {
  test('a new guard, on duty, certified, eligible, then moving to another enterprise: only the enterprises concerned move', async () => {
    const a0 = await counts(w.ids.entA)
    const b0 = await counts(w.ids.entB)
    const p = await w.addPerson(w.ids.entA, 'Counted Guard')
    expect(moved(a0, await counts(w.ids.entA))).toEqual({ people: 1, inTraining: 1 })

    const a1 = await counts(w.ids.entA)
    await transaction(t.db, setDutyStatus, (await openEmployment(p.traineeId)).id, p.traineeId, 'in-training', 'on-duty', audit(), t.clock.now())
    expect(moved(a1, await counts(w.ids.entA))).toEqual({ inTraining: -1, onDuty: 1, onDutyUncertified: 1 })

    const a2 = await counts(w.ids.entA)
    await transaction(t.db, setCertificate, p.traineeId, { certificateNo: 'C-COUNTED-1', issuedOn: '2025-06-01', status: 'valid' }, audit(), t.clock.now())
    expect(moved(a2, await counts(w.ids.entA))).toEqual({ onDutyUncertified: -1, certified: 1 })

    const a3 = await counts(w.ids.entA)
    await makeEligible(t, p.traineeId, w.users.trainerA)
    // Certified already: eligible, but not among those still to apply.
    expect(moved(a3, await counts(w.ids.entA))).toEqual({ eligible: 1 })
    expect(await counts(w.ids.entB)).toEqual(b0)

    // A revoked certificate sends the guard back to training (certificate.ts): three counts move at once.
    const a4 = await counts(w.ids.entA)
    await transaction(t.db, setCertificate, p.traineeId, { certificateNo: 'C-COUNTED-1', issuedOn: '2025-06-01', status: 'revoked' }, audit(), t.clock.now())
    expect(moved(a4, await counts(w.ids.entA))).toEqual({ onDuty: -1, inTraining: 1, certified: -1, eligibleUncertified: 1 })

    // Released by A, employed by B: A loses every count of the guard, B gains them.
    const a5 = await counts(w.ids.entA)
    await transaction(t.db, endEmployment, (await openEmployment(p.traineeId)).id, p.traineeId, '2026-02-01', audit(), t.clock.now())
    expect(moved(a5, await counts(w.ids.entA))).toEqual({ people: -1, inTraining: -1, eligible: -1, eligibleUncertified: -1 })
    expect(await counts(w.ids.entB)).toEqual(b0)
    await transaction(t.db, employPerson, p.traineeId, w.ids.entB, '2026-02-02', audit(), t.clock.now())
    expect(moved(b0, await counts(w.ids.entB))).toEqual({ people: 1, inTraining: 1, eligible: 1, eligibleUncertified: 1 })
    expect(moved(a5, await counts(w.ids.entA))).toEqual({ people: -1, inTraining: -1, eligible: -1, eligibleUncertified: -1 })

    const { stored, recounted } = await enterpriseCountsCheck(t)
    expect(stored).toEqual(recounted)
  })

  test('a write that fails rolls the counts back with the rows', async () => {
    const p = await w.addPerson(w.ids.entA, 'Rolled Back')
    const before = (await enterpriseCountsCheck(t)).stored
    const job = (await openEmployment(p.traineeId)).id
    await expect(transaction(t.db, function * (tx) {
      yield * run(tx.update(employments).set({ dutyStatus: 'on-duty' }).where(eq(employments.id, job)))
      yield * setCertificate(tx, p.traineeId, { certificateNo: 'C-ROLLED', issuedOn: '2025-06-01', status: 'valid' }, audit(), t.clock.now())
      throw new Error('changed my mind')
    })).rejects.toThrow('changed my mind')
    expect((await enterpriseCountsCheck(t)).stored).toEqual(before)
  })

  test('readiness rebuild puts right counts that were changed by hand', async () => {
    await t.db.update(enterpriseCounts).set({ people: sql`${enterpriseCounts.people} + 7`, eligible: 99 }).where(eq(enterpriseCounts.enterpriseId, w.ids.entA))
    await t.db.delete(enterpriseCounts).where(eq(enterpriseCounts.enterpriseId, w.ids.entB))
    expect((await enterpriseCountsCheck(t)).stored).not.toEqual((await enterpriseCountsCheck(t)).recounted)
    await rebuildReadiness(t.db, t.clock, t.config.timeZone)
    const { stored, recounted } = await enterpriseCountsCheck(t)
    expect(stored).toEqual(recounted)
    expect(Object.keys(stored)).toEqual(expect.arrayContaining([String(w.ids.entA), String(w.ids.entB)]))
  })
})

describe('the police dashboard pages its enterprises, and the totals cover them all', () => {
  test('a district of 120 enterprises: 50 a page by name, every one reachable once, the true number, totals of all 120', async () => {
    const now = t.clock.now()
    const made: number[] = []
    for (let i = 0; i < 119; i++) {
      made.push((await t.db.insert(enterprises).values({ name: `Paged ${String(1000 - i).padStart(4, '0')}`, creditCode: w.creditCode(900_000 + i), address: '', jurisdictionId: w.ids.s1, createdAt: now, updatedAt: now }).returning())[0]!.id)
    }
    // Guards in a few of them, one on duty without a certificate on what will be the last page, and a pending application there.
    const late = made[0]! // "Paged 1000", the last by name
    const g = await w.addPerson(late, 'Late Guard', { duty: 'on-duty' })
    await w.addPerson(made[60]!, 'Middle Guard')
    const sitting = await addSitting(t, w.ids.d1, w.users.policeD1)
    await t.db.insert(applications).values({ sittingId: sitting, traineeId: g.traineeId, enterpriseId: late, statementId: await w.statement(), status: 'pending', appliedBy: w.users.trainerA, appliedAt: now })

    const cookie = w.cookie('policeD1')
    const seen: string[][] = []
    const totals: string[] = []
    const countLines: string[] = []
    let next: string | null = '/jurisdiction'
    while (next) {
      const res = await t.app.inject({ url: next, headers: { cookie } })
      expect(res.statusCode, next).toBe(200)
      const page = dom(res.body)
      seen.push(page.querySelectorAll('tbody tr td:first-child a').map((a) => a.text))
      totals.push(page.querySelector('tfoot tr')!.querySelectorAll('td').map((td) => td.text.trim()).join('|'))
      countLines.push(page.querySelector('p.count')!.text)
      next = page.querySelector('nav.pager a[rel=next]')?.getAttribute('href') ?? null
      expect(seen.length).toBeLessThan(10)
    }
    expect(seen.map((p) => p.length)).toEqual([50, 50, 20])
    const names = seen.flat()
    const expected = (await t.db.select({ name: enterprises.name }).from(enterprises).where(eq(enterprises.jurisdictionId, w.ids.s1))).map((e) => e.name).sort()
    expect(names).toEqual(expected)
    expect(new Set(countLines)).toEqual(new Set(['120 enterprises']))
    // The same totals on every page: the whole district, read as sums, not the page's rows.
    expect(new Set(totals).size).toBe(1)
    const sums = await exec(t.db, readEnterpriseCounts, [w.ids.entA, ...made])
    const sum = (k: keyof Counts) => [...sums.values()].reduce((n, c) => n + c[k], 0)
    const pending = (await t.db.select().from(applications)).filter((a) => a.status === 'pending' && [w.ids.entA, ...made].includes(a.enterpriseId)).length
    expect(totals[0]).toBe([sum('inTraining'), sum('onDuty'), sum('onDutyUncertified'), sum('eligible'), pending].join('|'))
    expect(sum('onDutyUncertified')).toBeGreaterThan(0)
    // The late enterprise's row, on the last page, shows its own counts and its pending application.
    const last = dom((await t.app.inject({ url: '/jurisdiction?size=100', headers: { cookie } })).body)
    expect(last.querySelectorAll('tbody tr')).toHaveLength(100)
    const lastPage = dom((await t.app.inject({ url: String(last.querySelector('nav.pager a[rel=next]')!.getAttribute('href')), headers: { cookie } })).body)
    const row = lastPage.querySelectorAll('tbody tr').find((tr) => tr.querySelector('td a')!.text === 'Paged 1000')!
    expect(row.querySelectorAll('td').map((td) => td.text.trim()).slice(2)).toEqual(['0', '1', '1', '0', '1'])

    // A key past the last enterprise (typed by hand): no rows, but the true number, not "no enterprises".
    const past = dom((await t.app.inject({ url: `/jurisdiction?after=${Buffer.from(JSON.stringify(['\uffff', 0])).toString('base64url')}`, headers: { cookie } })).body)
    expect(past.querySelectorAll('tbody tr')).toHaveLength(0)
    expect(past.querySelector('p.count')!.text).toBe('120 enterprises')
    expect(past.querySelector('p.empty')).toBeNull()

    // The export streams every enterprise of the district, with the same counts.
    const csv = await t.app.inject({ url: '/jurisdiction/export.csv', headers: { cookie } })
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/)
    expect(lines).toHaveLength(121)
    expect(lines.find((l) => l.startsWith('Paged 1000,'))).toMatch(/,0,1,1,0,1$/)

    // The admin's list pages the same way over every enterprise of the province.
    const admin = dom((await t.app.inject({ url: '/admin/enterprises', headers: { cookie: w.cookie('admin') } })).body)
    const all = (await t.db.select().from(enterprises)).length
    expect(admin.querySelectorAll('tbody tr')).toHaveLength(50)
    expect(admin.querySelector('p.count')!.text).toBe(`${all} enterprises`)
    expect(admin.querySelector('nav.pager a[rel=next]')).not.toBeNull()
  })
})
