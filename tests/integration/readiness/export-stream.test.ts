import { describe, test, expect, beforeAll } from 'vitest'
import type { TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { addCrowd } from '../../helpers/crowd.js'
import { parseCsv } from '../../../src/lib/csv.js'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { enterprises, trainees, employments, auditEvents } from '../../../src/db/schema.js'

let t: TestApp
let w: World
let extra: number[]
useWorld((app, world) => { t = app; w = world })
beforeAll(async () => {
  // 25 more enterprises in station S1 (so the district export has several chunks), 40 guards each, and the 2,001 of enterprise A.
  const now = t.clock.now()
  extra = []
  for (let i = 0; i < 25; i++) {
    extra.push((await t.db.insert(enterprises).values({ name: `导出企业${String(i).padStart(2, '0')}`, creditCode: w.creditCode(900 + i), address: '', jurisdictionId: w.ids.s1, createdAt: now, updatedAt: now }).returning())[0]!.id)
    await addCrowd(t, extra[i]!, 40, 10 + i)
  }
  await addCrowd(t, w.ids.entA, 2001, 99)
})

const csvRows = (body: string) => {
  const parsed = parseCsv(body.replace(/^\uFEFF/, ''), { maxRows: 10_000 })
  if (!parsed.ok) throw new Error('unparsable CSV')
  return parsed.rows
}

describe('the district export streams in chunks', () => {
  test('every enterprise of the subtree once, with its head counts; none of another district', async () => {
    const res = await t.app.inject({ url: '/jurisdiction/export.csv', headers: { cookie: w.cookie('policeD1') } })
    expect(res.statusCode).toBe(200)
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const [header, ...rows] = csvRows(res.body)
    expect(header).toHaveLength(8)
    expect(rows).toHaveLength(26)
    expect(new Set(rows.map((r) => r[0])).size).toBe(26)
    expect(rows.map((r) => r[0])).not.toContain('w Enterprise B')
    const a = rows.find((r) => r[0] === 'w Enterprise A')!
    // 2,001 of the crowd (every third on duty) and the world's own person A (in training).
    expect([a[3], a[4]]).toEqual([String(1334 + 1), '667'])
    expect(rows.filter((r) => r[0]!.startsWith('导出企业')).every((r) => Number(r[3]) + Number(r[4]) === 40)).toBe(true)
  })

  test('the guard list: every guard of every enterprise of the subtree once, enterprise by enterprise, ID numbers masked, audited; nothing of another district', async () => {
    // One guard of enterprise A holds a valid certificate (written directly: only this file's column is under test).
    const certifiedId = (await t.db.select({ id: trainees.id }).from(trainees).innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
      .where(eq(employments.enterpriseId, w.ids.entA)).orderBy(desc(trainees.id)).limit(1))[0]!.id
    await t.db.update(trainees).set({ certificateStatus: 'valid', certificateNo: 'SF-EXPORT-1' }).where(eq(trainees.id, certifiedId))
    const res = await t.app.inject({ url: '/jurisdiction/people.csv', headers: { cookie: w.cookie('policeD1') } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toMatch(/jurisdiction-people-/)
    const [header, ...rows] = csvRows(res.body)
    expect(header).toHaveLength(9)
    // 25 x 40 of the extra enterprises, 2,001 of the crowd and person A in enterprise A; enterprise B is in another district.
    expect(rows).toHaveLength(25 * 40 + 2001 + 1)
    expect(rows.map((r) => r[0])).not.toContain('w Enterprise B')
    // Grouped by enterprise in name order, each enterprise's people in name order.
    const names = rows.map((r) => r[0]!)
    const order = [...new Set(names)]
    expect(order).toEqual([...order].sort())
    for (const e of order) expect(names.lastIndexOf(e) - names.indexOf(e) + 1).toBe(names.filter((n) => n === e).length)
    // No full ID number leaves in the file.
    expect(rows.every((r) => /^\d{4}\*{10}\d{3}[\dX]$/.test(r[3]!))).toBe(true)
    // The readiness column is a status in words, never empty; a guard with a valid certificate shows as certified.
    expect(rows.every((r) => r[8]!.length > 0)).toBe(true)
    // Names repeat in the crowd: the certificate number finds the row.
    expect(rows.filter((r) => r[8] === 'Certified').map((r) => r[6])).toEqual(['SF-EXPORT-1'])
    const audit = (await t.db.select({ details: auditEvents.details }).from(auditEvents).where(eq(auditEvents.action, 'jurisdiction.people-exported')).orderBy(desc(auditEvents.id)).limit(1))[0]!
    expect(audit.details).toEqual({ enterprises: 26 })
  })

  test('the guard list is police only, and a station gets only its own enterprises', async () => {
    expect((await t.app.inject({ url: '/jurisdiction/people.csv', headers: { cookie: w.cookie('trainerA') } })).statusCode).toBe(403)
    const station = await t.app.inject({ url: '/jurisdiction/people.csv', headers: { cookie: w.cookie('policeS2') } })
    expect(station.statusCode).toBe(200)
    expect(csvRows(station.body).slice(1).map((r) => r[0])).not.toContain('w Enterprise A')
  })

  test('/healthz answers while a large export is still being written', async () => {
    const done: string[] = []
    const exports = [
      t.app.inject({ url: '/jurisdiction/export.csv', headers: { cookie: w.cookie('policeD1') } }).then((r) => { done.push('district'); return r }),
      t.app.inject({ url: '/roster/export.csv', headers: { cookie: w.cookie('trainerA') } }).then((r) => { done.push('roster'); return r }),
      t.app.inject({ url: '/jurisdiction/people.csv', headers: { cookie: w.cookie('policeD1') } }).then((r) => { done.push('people'); return r })
    ]
    // Let both exports start, then ask for the health check: it must not wait for either to finish.
    await new Promise((resolve) => setImmediate(resolve))
    const health = await t.app.inject({ url: '/healthz' })
    done.push('healthz')
    expect(health.statusCode).toBe(200)
    const [district, roster, people] = await Promise.all(exports)
    expect(done[0]).toBe('healthz')
    expect(csvRows(district!.body)).toHaveLength(27)
    expect(csvRows(roster!.body)).toHaveLength(2003)
    expect(csvRows(people!.body)).toHaveLength(25 * 40 + 2001 + 1 + 1)
  })
})
