import { describe, test, expect } from 'vitest'
import { dom, form, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { sites, inspections, rectificationNotices, auditEvents } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, who: keyof World['users']) => t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who) } })

describe('the supervision section of the police dashboard', () => {
  test('per enterprise: open and overdue notices, the last inspection and its score; sortable, paged with the true total, CSV; not inspected in N days', async () => {
    t.clock.set(new Date('2026-11-26T02:00:00Z'))
    const now = t.clock.now()
    const site = t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, name: '看板花园', createdAt: now, updatedAt: now }).returning().get().id
    const old = t.db.insert(inspections).values({ siteId: site, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, inspectedOn: '2026-01-10', officers: 'x', compliant: 8, applicable: 8, recordedBy: w.users.policeS1, createdAt: now }).returning().get().id
    const last = t.db.insert(inspections).values({ siteId: site, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, inspectedOn: '2026-11-20', officers: 'x', compliant: 6, applicable: 8, recordedBy: w.users.policeS1, createdAt: now }).returning().get().id
    const notice = (seq: number, deadline: string, status: 'open' | 'closed') => t.db.insert(rectificationNotices).values({ unitId: w.ids.s1, year: 2026, seq, number: `n${seq}`, inspectionId: last, siteId: site, enterpriseId: w.ids.entA, deadline, status, issuedBy: w.users.policeS1, issuedAt: now }).run()
    notice(1, '2026-11-25', 'open')
    notice(2, '2026-12-10', 'open')
    notice(3, '2026-11-01', 'closed')
    expect(old).toBeLessThan(last)

    const page = await get('/supervision/enterprises?sort=overdue', 'policeD1')
    expect(page.statusCode).toBe(200)
    const rows = dom(page.body).querySelectorAll('tbody tr').map((r) => r.querySelectorAll('td').map((td) => td.text.trim()))
    expect(rows).toEqual([['w Enterprise A', '2', '1', '2026-11-20', '75%']])
    expect(page.body).toMatch(/1 of 1|total 1/i)
    // The city sees both enterprises; by name, A first; B never inspected.
    const city = dom((await get('/supervision/enterprises?sort=name', 'policeCity')).body).querySelectorAll('tbody tr').map((r) => r.querySelectorAll('td').map((td) => td.text.trim()))
    expect(city).toEqual([['w Enterprise A', '2', '1', '2026-11-20', '75%'], ['w Enterprise B', '0', '0', 'Never inspected', '—']])
    // Not inspected in 180 days (the default): B only; after setting 5 days, A is listed too.
    const unins = (await get('/supervision/enterprises?uninspected=1', 'policeCity')).body
    expect(unins).toContain('w Enterprise B')
    expect(unins).not.toContain('w Enterprise A<')
    expect((await t.app.inject({ method: 'POST', url: '/admin/supervision-settings', headers: { ...FORM_HEADERS, cookie: w.cookie('admin') }, payload: form({ uninspectedDays: '3' }) })).statusCode).toBe(422)
    expect((await t.app.inject({ method: 'POST', url: '/admin/supervision-settings', headers: { ...FORM_HEADERS, cookie: w.cookie('admin') }, payload: form({ uninspectedDays: '7' }) })).statusCode).toBe(303)
    t.clock.set(new Date('2026-11-28T02:00:00Z'))
    expect((await get('/supervision/enterprises?uninspected=1', 'policeCity')).body).toContain('w Enterprise B')
    t.clock.set(new Date('2026-12-01T02:00:00Z'))
    expect((await get('/supervision/enterprises?uninspected=1', 'policeCity')).body).toContain('w Enterprise A')
    // The other station sees neither.
    expect(dom((await get('/supervision/enterprises', 'policeS2')).body).querySelectorAll('tbody tr').map((r) => r.text)).not.toContain(expect.stringContaining('Enterprise A'))
    // CSV, audited.
    const csv = await get('/supervision/enterprises.csv?sort=name', 'policeCity')
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('w Enterprise A,2,')
    expect(t.db.select().from(auditEvents).all().some((a) => a.action === 'supervision.exported')).toBe(true)
    // The police dashboard and the enterprise page carry the section.
    expect((await get('/jurisdiction', 'policeS1')).body).toContain('/supervision/notices?filter=overdue')
    const ent = await get(`/jurisdiction/enterprises/${w.ids.entA}`, 'policeS1')
    expect(dom(ent.body).querySelector('.supervision-summary')!.text).toContain('2026-11-20')
  })
})
