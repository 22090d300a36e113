import { describe, test, expect } from 'vitest'
import { dom, form, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { sites, inspections, rectificationNotices, auditEvents, enterprises } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, who: keyof World['users']) => t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who) } })

describe('the supervision section of the police dashboard', () => {
  test('per enterprise: open and overdue notices, the last inspection and its score; sortable, paged with the true total, CSV; not inspected in N days', async () => {
    t.clock.set(new Date('2026-11-26T02:00:00Z'))
    const now = t.clock.now()
    const site = (await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, name: '看板花园', createdAt: now, updatedAt: now }).returning())[0]!.id
    const old = (await t.db.insert(inspections).values({ siteId: site, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, inspectedOn: '2026-01-10', officers: 'x', compliant: 8, applicable: 8, recordedBy: w.users.policeS1, createdAt: now }).returning())[0]!.id
    const last = (await t.db.insert(inspections).values({ siteId: site, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, inspectedOn: '2026-11-20', officers: 'x', compliant: 6, applicable: 8, recordedBy: w.users.policeS1, createdAt: now }).returning())[0]!.id
    const notice = async (seq: number, deadline: string, status: 'open' | 'closed') => await t.db.insert(rectificationNotices).values({ unitId: w.ids.s1, year: 2026, seq, number: `n${seq}`, inspectionId: last, siteId: site, enterpriseId: w.ids.entA, deadline, status, issuedBy: w.users.policeS1, issuedAt: now })
    await notice(1, '2026-11-25', 'open')
    await notice(2, '2026-12-10', 'open')
    await notice(3, '2026-11-01', 'closed')
    expect(old).toBeLessThan(last)

    const page = await get('/supervision/enterprises?sort=overdue', 'policeD1')
    expect(page.statusCode).toBe(200)
    const rows = dom(page.body).querySelectorAll('tbody tr').map((r) => r.querySelectorAll('td').map((td) => td.text.trim()))
    expect(rows).toEqual([['w Enterprise A', '2', '1', '2026-11-20', '75%']])
    expect(dom(page.body).querySelector('p.count')!.text).toBe('1 enterprise')
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
    expect((await t.db.select().from(auditEvents)).some((a) => a.action === 'supervision.exported')).toBe(true)
    // The police dashboard and the enterprise page carry the section.
    expect((await get('/jurisdiction', 'policeS1')).body).toContain('/supervision/notices?filter=overdue')
    const ent = await get(`/jurisdiction/enterprises/${w.ids.entA}`, 'policeS1')
    expect(dom(ent.body).querySelector('.supervision-summary')!.text).toContain('2026-11-20')
  })

  test('every sort pages by keyset: the pages of 50 follow on without repeating a row, the total is true, the sort stays in the URL', async () => {
    const now = t.clock.now()
    for (let i = 0; i < 70; i++) {
      const e = (await t.db.insert(enterprises).values({ name: `分页企业${String(i).padStart(2, '0')}`, creditCode: w.creditCode(5000 + i), address: '', jurisdictionId: w.ids.s1, createdAt: now, updatedAt: now }).returning())[0]!.id
      if (i % 3 === 0) await t.db.insert(inspections).values({ siteId: (await t.db.insert(sites).values({ enterpriseId: e, jurisdictionId: w.ids.s1, name: `分页项目${i}`, createdAt: now, updatedAt: now }).returning())[0]!.id, enterpriseId: e, jurisdictionId: w.ids.s1, inspectedOn: `2026-0${1 + (i % 9)}-1${i % 10}`, officers: 'x', compliant: i % 8, applicable: 8, recordedBy: w.users.policeS1, createdAt: now })
    }
    for (const sort of ['name', 'open', 'overdue', 'last', 'score']) {
      const first = dom((await get(`/supervision/enterprises?sort=${sort}`, 'policeCity')).body)
      const names = (d: ReturnType<typeof dom>) => d.querySelectorAll('tbody tr').map((r) => r.querySelector('td')!.text.trim())
      expect(names(first), sort).toHaveLength(50)
      const total = Number(/\d+/.exec(first.querySelector('p.count')!.text)![0])
      expect(total, sort).toBe(72)
      const next = first.querySelector('a[rel="next"]')!.getAttribute('href')!.replace(/&amp;/g, '&')
      expect(next, sort).toContain(`sort=${sort}`)
      const second = dom((await get(next, 'policeCity')).body)
      expect(names(second), sort).toHaveLength(22)
      expect(new Set([...names(first), ...names(second)]).size, sort).toBe(72)
      const back = second.querySelector('a[rel="prev"]')!.getAttribute('href')!.replace(/&amp;/g, '&')
      expect(names(dom((await get(back, 'policeCity')).body)), sort).toEqual(names(first))
    }
  })
})
