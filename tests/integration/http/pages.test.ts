import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, sessionOf, form, dom, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { findUserByUsername, ROLES } from '../../../src/features/auth/index.js'
import { bankReleases } from '../../../src/db/schema.js'
import { exec } from '../../../src/db/engine.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  for (const role of ROLES) await createUser(t.db, `p-${role}`, role)
})
afterAll(async () => { await t.close() })

describe('/healthz', () => {
  test('database state, schema version, and no bank release yet', async () => {
    const res = await t.app.inject('/healthz')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('application/json')
    expect(res.json()).toEqual({ status: 'ok', database: 'ok', schemaVersion: expect.any(Number), bankRelease: null })
    expect(res.json().schemaVersion).toBeGreaterThanOrEqual(1)
  })

  test('names the published release once there is one', async () => {
    await t.db.insert(bankReleases).values({ label: '2026.0', title: 'Starter', contentHash: 'abc', publishedAt: t.clock.now() })
    expect((await t.app.inject('/healthz')).json().bankRelease.label).toBe('2026.0')
  })
})

describe('landing pages', () => {
  test.each(ROLES)('%s sees its own landing page, in both languages', async (role) => {
    const cookie = await sessionOf(t, (await exec(t.db, findUserByUsername, `p-${role}`))!.id)
    const en = dom((await t.app.inject({ url: '/', headers: { cookie } })).body)
    const zh = dom((await t.app.inject({ url: '/', headers: { cookie, 'accept-language': 'zh-CN,zh;q=0.9' } })).body)
    expect(en.querySelector('html')!.getAttribute('lang')).toBe('en')
    expect(zh.querySelector('html')!.getAttribute('lang')).toBe('zh-CN')
    const landing = { trainee: '/me', trainer: '/roster', police: '/jurisdiction', admin: '/admin/bank' }[role]
    expect(en.querySelector(`.cards a[href="${landing}"]`), `${role} links to ${landing}`).not.toBeNull()
    expect(zh.querySelector('h1')!.text).toMatch(/\p{Script=Han}/u)
    expect(en.querySelector('.signed-in-as')!.text).toContain(`Test p-${role}`)
  })

  test('an htmx partial request gets the fragment without the layout; boosted navigation gets the page', async () => {
    const cookie = await sessionOf(t, (await exec(t.db, findUserByUsername, 'p-trainee'))!.id)
    const partial = await t.app.inject({ url: '/', headers: { cookie, 'hx-request': 'true' } })
    expect(partial.body).not.toContain('<html')
    expect(partial.headers.vary).toContain('HX-Request')
    const boosted = await t.app.inject({ url: '/', headers: { cookie, 'hx-request': 'true', 'hx-boosted': 'true' } })
    expect(boosted.body).toContain('<html')
  })

  test('an unknown page is a 404 page with a way home', async () => {
    const res = await t.app.inject('/no/such/page')
    expect(res.statusCode).toBe(404)
    expect(dom(res.body).querySelector('main a[href="/"]')).not.toBeNull()
  })
})

describe('language switch', () => {
  test('signed out: a cookie remembers the choice', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/language', headers: FORM_HEADERS, payload: form({ lang: 'zh', back: '/login' }) })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/login')
    const lang = res.cookies.find((c) => c.name === 'gp_lang')!
    const page = await t.app.inject({ url: '/login', headers: { cookie: `gp_lang=${lang.value}`, 'accept-language': 'en' } })
    expect(dom(page.body).querySelector('h1')!.text).toBe('登录')
  })

  test('signed in: the choice is saved on the account and wins over the browser', async () => {
    const user = (await exec(t.db, findUserByUsername, 'p-trainer'))!
    const cookie = await sessionOf(t, user.id)
    await t.app.inject({ method: 'POST', url: '/language', headers: { ...FORM_HEADERS, cookie }, payload: form({ lang: 'zh', back: '/' }) })
    expect((await exec(t.db, findUserByUsername, 'p-trainer'))!.locale).toBe('zh')
    const home = await t.app.inject({ url: '/', headers: { cookie, 'accept-language': 'en-US' } })
    expect(dom(home.body).querySelector('h1')!.text).toBe('本企业')
  })

  test('an unknown language or an outside address is refused or neutralised', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/language', headers: FORM_HEADERS, payload: form({ lang: 'fr' }) })
    expect(bad.statusCode).toBe(400)
    expect(dom(bad.body).querySelector('main p')!.text).toContain('not available')
    const away = await t.app.inject({ method: 'POST', url: '/language', headers: FORM_HEADERS, payload: form({ lang: 'en', back: 'https://evil.example/' }) })
    expect(away.headers.location).toBe('/')
  })
})
