import { describe, test, expect } from 'vitest'
import { form, dom, postForm, FORM_HEADERS, sessionCookie, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { creditCheckChar } from '../../../src/lib/id-checksums.js'
import { enterprises, jurisdictions, users } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const post = (url: string, cookie: string, fields: Record<string, string>) => postForm(t, url, cookie, fields)

describe('admin: jurisdictions', () => {
  test('a station must sit under a district, a district under a city; codes are unique', async () => {
    const admin = w.cookie('admin')
    const wrongParent = await post('/admin/jurisdictions', admin, { code: 'NEW-S', name: 'New station', level: 'station', parentId: String(w.ids.city) })
    expect(wrongParent.statusCode).toBe(422)
    expect(dom(wrongParent.body).querySelector('#parentId-error')!.text).toContain('district branch')
    // A parent that is no id: refused with the form kept (PostgreSQL refuses NaN for an integer column).
    const typo = await post('/admin/jurisdictions', admin, { code: 'NEW-T', name: 'Typo station', level: 'station', parentId: 'abc' })
    expect(typo.statusCode).toBe(422)
    expect(dom(typo.body).querySelector('#parentId-error')!.text).toContain('district branch')
    const dup = await post('/admin/jurisdictions', admin, { code: 'w-s1', name: 'Dup', level: 'station', parentId: String(w.ids.d1) })
    expect(dom(dup.body).querySelector('#code-error')!.text).toContain('already used')
    const ok = await post('/admin/jurisdictions', admin, { code: 'w-s3', name: 'Third station', level: 'station', parentId: String(w.ids.d1) })
    expect(ok.statusCode).toBe(303)
    expect((await t.db.select().from(jurisdictions)).find((j) => j.code === 'W-S3')!.parentId).toBe(w.ids.d1)
  })
})

describe('admin: enterprises', () => {
  test('the credit code is checked: wrong check character, bad format, taken', async () => {
    const admin = w.cookie('admin')
    const base = '91110108MA00TE9T0'
    const good = base + creditCheckChar(base)
    const wrong = base + (good[17] === '1' ? '2' : '1')
    const r1 = await post('/admin/enterprises', admin, { name: 'Test Co', creditCode: wrong, address: 'x', jurisdictionId: String(w.ids.s1) })
    expect(r1.statusCode).toBe(422)
    expect(dom(r1.body).querySelector('#creditCode-error')!.text).toContain('last character does not match')
    expect(dom(r1.body).querySelector('#name')!.getAttribute('value')).toBe('Test Co')
    const r2 = await post('/admin/enterprises', admin, { name: 'Test Co', creditCode: 'hello', jurisdictionId: String(w.ids.s1) })
    expect(dom(r2.body).querySelector('#creditCode-error')!.text).toContain('18 characters')
    const r3 = await post('/admin/enterprises', admin, { name: 'Test Co', creditCode: good.toLowerCase(), address: 'x', jurisdictionId: String(w.ids.s1) })
    expect(r3.statusCode).toBe(303)
    expect((await t.db.select().from(enterprises)).some((e) => e.creditCode === good)).toBe(true)
    const r4 = await post('/admin/enterprises', admin, { name: 'Other', creditCode: good, jurisdictionId: String(w.ids.s2) })
    expect(dom(r4.body).querySelector('#creditCode-error')!.text).toContain('already has')
    const r5 = await post('/admin/enterprises', admin, { name: 'Other', creditCode: good, jurisdictionId: 'abc' })
    expect(r5.statusCode).toBe(422)
    // A typed id that is no id is refused as such on both engines (PostgreSQL errs on NaN or a number past its integers).
    const r6 = await post('/admin/enterprises', admin, { name: 'Other', creditCode: good, jurisdictionId: '99999999999' })
    expect(r6.statusCode).toBe(422)
    const r7 = await post('/admin/accounts', admin, { role: 'police', username: 'typo-police', displayName: 'Typo', jurisdictionId: 'abc' })
    expect(r7.statusCode).toBe(422)
  })
})

describe('admin: accounts', () => {
  test('a trainer needs an enterprise; the new account gets a one-time password it must change', async () => {
    const admin = w.cookie('admin')
    const missing = await post('/admin/accounts', admin, { role: 'trainer', username: 'new.trainer', displayName: 'New Trainer' })
    expect(missing.statusCode).toBe(422)
    expect(dom(missing.body).querySelector('#enterpriseId-error')!.text).toContain('needs an enterprise')
    const created = await post('/admin/accounts', admin, { role: 'trainer', username: 'New.Trainer', displayName: 'New Trainer', enterpriseId: String(w.ids.entA) })
    expect(created.statusCode).toBe(200)
    const password = dom(created.body).querySelectorAll('dd.big')[1]!.text
    const login = await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: 'new.trainer', password }) })
    expect(login.headers.location).toBe('/account/password')
    const user = (await t.db.select().from(users)).find((u) => u.username === 'new.trainer')!
    expect(user.enterpriseId).toBe(w.ids.entA)
    expect(user.mustChangePassword).toBe(true)
    // Disabling ends the session at once.
    const cookie = sessionCookie(login)!
    expect((await post(`/admin/accounts/${user.id}/status`, admin, { status: 'disabled' })).statusCode).toBe(303)
    expect((await t.app.inject({ url: '/account/password', headers: { cookie } })).statusCode).toBe(303)
  })

  test('an admin cannot disable themself, and trainee accounts are not staff accounts', async () => {
    const admin = w.cookie('admin')
    expect((await post(`/admin/accounts/${w.users.admin}/status`, admin, { status: 'disabled' })).statusCode).toBe(422)
    expect((await post(`/admin/accounts/${w.users.traineeA}/status`, admin, { status: 'disabled' })).statusCode).toBe(404)
  })
})

describe('police', () => {
  test('a district officer sees every station below; a station officer only their own', async () => {
    const names = async (who: 'policeD1' | 'policeS1' | 'policeS2' | 'policeCity') =>
      dom((await t.app.inject({ url: '/jurisdiction', headers: { cookie: w.cookie(who) } })).body).querySelectorAll('tbody tr a').map((a) => a.text)
    expect(await names('policeS1')).toContain('w Enterprise A')
    expect(await names('policeS1')).not.toContain('w Enterprise B')
    expect(await names('policeS2')).toEqual(['w Enterprise B'])
    expect(await names('policeD1')).toContain('w Enterprise A')
    expect(await names('policeD1')).not.toContain('w Enterprise B')
    expect((await names('policeCity')).length).toBeGreaterThanOrEqual(2)
  })

  test('police see people masked and cannot change them', async () => {
    const page = await t.app.inject({ url: `/people/${w.ids.personA}`, headers: { cookie: w.cookie('policeD1') } })
    expect(page.statusCode).toBe(200)
    expect(dom(page.body).querySelector('form[action$="/duty"]')).toBeNull()
    expect((await post(`/people/${w.ids.personA}/duty`, w.cookie('policeD1'), { duty: 'on-duty' })).statusCode).toBe(403)
  })
})

describe('admin: audit log', () => {
  test('lists logins and changes, filterable by action and actor', async () => {
    const admin = w.cookie('admin')
    await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: 'w-admin', password: 'wrong one' }) })
    const all = dom((await t.app.inject({ url: '/admin/audit', headers: { cookie: admin } })).body)
    expect(all.querySelectorAll('li.audit-entry').length).toBeGreaterThan(3)
    const failures = dom((await t.app.inject({ url: '/admin/audit?action=login.failure', headers: { cookie: admin } })).body)
    const actions = failures.querySelectorAll('li.audit-entry').map((li) => li.getAttribute('data-action'))
    expect(actions.length).toBeGreaterThan(0)
    expect(actions.every((a) => a === 'login.failure')).toBe(true)
    const byActor = dom((await t.app.inject({ url: '/admin/audit?actor=w-admin', headers: { cookie: admin } })).body)
    expect(byActor.querySelectorAll('li.audit-entry').every((li) => li.getAttribute('data-actor') === 'w-admin')).toBe(true)
    const future = dom((await t.app.inject({ url: '/admin/audit?from=2099-01-01', headers: { cookie: admin } })).body)
    expect(future.querySelectorAll('li.audit-entry')).toHaveLength(0)
    const bad = await t.app.inject({ url: '/admin/audit?from=notadate&page=-5&action=' + 'x'.repeat(500), headers: { cookie: admin } })
    expect(bad.statusCode).toBe(200)
  })
})
