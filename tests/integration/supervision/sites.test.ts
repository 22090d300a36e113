import { describe, test, expect } from 'vitest'
import { form, dom, multipart, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { demoIdNumber } from '../../../src/features/demo/seed.js'
import { auditEvents, employments, sites } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, who: keyof World['users']) => t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who) } })
const post = (url: string, who: keyof World['users'], payload: Record<string, string>) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: w.cookie(who) }, payload: form(payload) })
const siteId = (location: unknown) => Number(/\/supervision\/sites\/(\d+)/.exec(String(location))?.[1])

describe('managed sites', () => {
  test('a station officer sees a site in his area and the guards posted there, although the enterprise is registered with another station, and nothing else of it', async () => {
    // Enterprise A is registered with S1; its trainer adds a site in S2's area and posts one guard there.
    const created = await post('/supervision/sites', 'trainerA', { name: '东湖花园', address: '东湖路 1 号', jurisdictionId: String(w.ids.s2) })
    expect(created.statusCode, created.body.slice(0, 300)).toBe(303)
    const site = siteId(created.headers.location)
    const posted = await w.addPerson(w.ids.entA, '驻勤甲', { certificate: true, duty: 'on-duty' })
    const other = await w.addPerson(w.ids.entA, '未驻勤乙')
    expect((await post(`/people/${posted.traineeId}/site`, 'trainerA', { siteId: String(site) })).statusCode).toBe(303)
    const audit = (await t.db.select().from(auditEvents)).filter((a) => a.action === 'employment.site' && a.subjectId === String(posted.traineeId))
    expect(audit).toHaveLength(1)

    const list = await get('/supervision/sites', 'policeS2')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('东湖花园')
    const page = await get(`/supervision/sites/${site}`, 'policeS2')
    expect(page.statusCode).toBe(200)
    expect(dom(page.body).querySelectorAll('tbody tr').map((r) => r.text)).toEqual([expect.stringContaining('驻勤甲')])
    expect((await get(`/people/${posted.traineeId}`, 'policeS2')).statusCode).toBe(200)
    // Read-only: police cannot post or change the guard.
    expect((await post(`/people/${posted.traineeId}/site`, 'policeS2', { siteId: '' })).statusCode).toBe(403)
    // Nothing else of enterprise A: its other guard, its page, its sites in other areas.
    expect((await get(`/people/${other.traineeId}`, 'policeS2')).statusCode).toBe(404)
    expect((await get(`/jurisdiction/enterprises/${w.ids.entA}`, 'policeS2')).statusCode).toBe(404)
    const home = await post('/supervision/sites', 'trainerA', { name: '西湖小区', address: '', jurisdictionId: String(w.ids.s1) })
    expect((await get(`/supervision/sites/${siteId(home.headers.location)}`, 'policeS2')).statusCode).toBe(404)
    expect((await get('/supervision/sites', 'policeS2')).body).not.toContain('西湖小区')
    // The station of registration and its district see both; the other trainer and a trainee nothing.
    expect((await get(`/supervision/sites/${site}`, 'policeS1')).statusCode).toBe(200)
    expect((await get(`/supervision/sites/${site}`, 'policeD1')).statusCode).toBe(200)
    expect((await get(`/supervision/sites/${site}`, 'trainerB')).statusCode).toBe(404)
    expect((await get(`/supervision/sites/${site}`, 'traineeA')).statusCode).toBe(403)
    // When the guard leaves the site, the station no longer sees him.
    await post(`/people/${posted.traineeId}/site`, 'trainerA', { siteId: '' })
    expect((await get(`/people/${posted.traineeId}`, 'policeS2')).statusCode).toBe(404)
  })

  test('a site form keeps what was typed and says what is wrong; a name is unique within the enterprise', async () => {
    await post('/supervision/sites', 'trainerA', { name: '南山苑', address: '', jurisdictionId: String(w.ids.s1) })
    const again = await post('/supervision/sites', 'trainerA', { name: '南山苑', address: '南山路 9 号', jurisdictionId: String(w.ids.s1) })
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('南山路 9 号')
    expect(again.body).toContain('already has a site of this name')
    const noStation = await post('/supervision/sites', 'trainerA', { name: '北山苑', address: '', jurisdictionId: String(w.ids.d1) })
    expect(noStation.statusCode).toBe(422)
    expect(noStation.body).toContain('北山苑')
    // Another enterprise may use the same name.
    expect((await post('/supervision/sites', 'trainerB', { name: '南山苑', address: '', jurisdictionId: String(w.ids.s2) })).statusCode).toBe(303)
  })

  test('a trainer cannot post a guard at another enterprise\'s site', async () => {
    const b = await post('/supervision/sites', 'trainerB', { name: '乙方项目', address: '', jurisdictionId: String(w.ids.s2) })
    const res = await post(`/people/${w.ids.personA}/site`, 'trainerA', { siteId: String(siteId(b.headers.location)) })
    expect(res.statusCode).toBe(422)
    expect((await t.db.select().from(employments)).find((e) => e.traineeId === w.ids.personA)!.siteId).toBeNull()
  })

  test('the roster import posts people at the site its optional column names', async () => {
    const now = t.clock.now()
    await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s2, name: '导入花园', createdAt: now, updatedAt: now })
    const id = demoIdNumber('110101', '1985-03-04', 77)
    const csv = Buffer.from(`姓名,身份证号,学历,服务项目\r\n导入丙,${id},初中,导入花园\r\n`)
    const m = multipart({}, { name: 'file', filename: 'roster.csv', type: 'text/csv', data: csv })
    const preview = await t.app.inject({ method: 'POST', url: '/roster/import', headers: { ...m.headers, cookie: w.cookie('trainerA') }, payload: m.payload })
    expect(preview.statusCode, preview.body.slice(0, 300)).toBe(200)
    const token = dom(preview.body).querySelector('input[name="token"]')!.getAttribute('value')!
    expect((await post('/roster/import/confirm', 'trainerA', { token })).statusCode).toBe(200)
    const people = await get('/supervision/sites', 'policeS2')
    expect(people.body).toContain('导入花园')
    const site = (await t.db.select().from(sites)).find((s) => s.name === '导入花园')!
    expect((await t.db.select().from(employments)).filter((e) => e.siteId === site.id)).toHaveLength(1)
    // An unknown site name is the row's problem, and nothing is imported.
    const bad = Buffer.from(`姓名,身份证号,学历,服务项目\r\n导入丁,${demoIdNumber('110101', '1986-03-04', 78)},初中,不存在\r\n`)
    const m2 = multipart({}, { name: 'file', filename: 'roster.csv', type: 'text/csv', data: bad })
    const refused = await t.app.inject({ method: 'POST', url: '/roster/import', headers: { ...m2.headers, cookie: w.cookie('trainerA') }, payload: m2.payload })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('No site of your enterprise has this name')
  })

  test('counts by site: a station sees the sites in its area with guards posted, on duty, on duty without a certificate and eligible; keyset pages with the true total', async () => {
    const now = t.clock.now()
    // Enterprise B (registered with S2) manages a site in S1's area: S1 counts it although B is registered elsewhere.
    const site = (await t.db.insert(sites).values({ enterpriseId: w.ids.entB, jurisdictionId: w.ids.s1, name: '计数花园', createdAt: now, updatedAt: now }).returning())[0]!.id
    const certified = await w.addPerson(w.ids.entB, '持证在岗', { certificate: true, duty: 'on-duty' })
    const uncertified = await w.addPerson(w.ids.entB, '无证在岗', { duty: 'on-duty' })
    const training = await w.addPerson(w.ids.entB, '培训中')
    for (const p of [certified, uncertified, training]) expect((await post(`/people/${p.traineeId}/site`, 'trainerB', { siteId: String(site) })).statusCode).toBe(303)
    const row = async (who: keyof World['users'], url = '/supervision/sites') => {
      const tr = dom((await get(url, who)).body).querySelectorAll('tbody tr').find((r) => r.text.includes('计数花园'))
      return tr?.querySelectorAll('td').slice(3).map((td) => td.text.trim())
    }
    expect(await row('policeS1')).toEqual(['3', '2', '1', '0'])
    expect(await row('policeS1', '/supervision/sites?area=1')).toEqual(['3', '2', '1', '0'])
    expect(await row('trainerB')).toEqual(['3', '2', '1', '0'])
    expect(await row('trainerA')).toBeUndefined()
    // S2 sees it through B's registration, but not among the sites of its own area.
    expect(await row('policeS2')).toEqual(['3', '2', '1', '0'])
    expect(await row('policeS2', '/supervision/sites?area=1')).toBeUndefined()
    // The site page has the same figures.
    expect(dom((await get(`/supervision/sites/${site}`, 'policeS1')).body).querySelector('dl.facts')!.text).toMatch(/On duty without certificate\s*1/)
    // An eligible guard counts as eligible where he is posted.
    const ready = await w.ready()
    const home = (await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, name: '报考花园', createdAt: now, updatedAt: now }).returning())[0]!.id
    expect((await post(`/people/${ready.traineeId}/site`, 'trainerA', { siteId: String(home) })).statusCode).toBe(303)
    const homeRow = dom((await get('/supervision/sites', 'policeS1')).body).querySelectorAll('tbody tr').find((r) => r.text.includes('报考花园'))!
    expect(homeRow.querySelectorAll('td').slice(3).map((td) => td.text.trim())).toEqual(['1', '0', '0', '1'])
    // The S1 dashboard counts by site too, linking to the list.
    const dash = dom((await get('/jurisdiction', 'policeS1')).body).querySelector('.site-summary')!
    expect(dash.querySelector('a')!.getAttribute('href')).toBe('/supervision/sites')

    // Sixty more sites of B in S1's area: pages of 50 with the true total, the next page continues where the first stopped.
    for (let i = 0; i < 60; i++) await t.db.insert(sites).values({ enterpriseId: w.ids.entB, jurisdictionId: w.ids.s1, name: `批量${String(i).padStart(2, '0')}`, createdAt: now, updatedAt: now })
    const total = (await t.db.select().from(sites)).filter((s) => s.jurisdictionId === w.ids.s1 || s.enterpriseId === w.ids.entA).length
    const first = dom((await get('/supervision/sites?area=1', 'policeS1')).body)
    expect(first.querySelector('p.count')!.text).toContain(String((await t.db.select().from(sites)).filter((s) => s.jurisdictionId === w.ids.s1).length))
    expect(first.querySelectorAll('tbody tr')).toHaveLength(50)
    const next = first.querySelector('a[rel="next"]')!.getAttribute('href')!
    expect(next).toContain('area=1')
    const second = dom((await get(next.replace(/&amp;/g, '&'), 'policeS1')).body)
    const names = (d: ReturnType<typeof dom>) => d.querySelectorAll('tbody tr td:first-child a').map((a) => a.text)
    expect(names(second).some((n) => names(first).includes(n))).toBe(false)
    expect(names(first).length + names(second).length).toBe((await t.db.select().from(sites)).filter((s) => s.jurisdictionId === w.ids.s1).length)
    expect(dom((await get('/supervision/sites', 'policeS1')).body).querySelector('p.count')!.text).toContain(String(total))
  })
})
