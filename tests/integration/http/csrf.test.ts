import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, signIn, form, PASSWORD, type TestApp } from '../../helpers/app.js'
import { findUserByUsername } from '../../../src/features/auth/index.js'
import { sessions, auditEvents } from '../../../src/db/schema.js'
import { exec } from '../../../src/db/engine.js'

let t: TestApp
let cookie: string
beforeAll(async () => {
  t = await buildTestApp()
  await createUser(t.db, 'henry', 'trainer')
  cookie = await signIn(t, 'henry')
})
afterAll(async () => { await t.close() })

const CT = { 'content-type': 'application/x-www-form-urlencoded' }
const change = { current: PASSWORD, password: 'a brand new phrase', confirm: 'a brand new phrase' }

describe('cross-site requests', () => {
  test.each([
    ['cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['no Sec-Fetch-Site and a foreign Origin', { origin: 'http://evil.example' }],
    ['no Sec-Fetch-Site and no Origin', {}],
    ['Origin null', { origin: 'null' }],
    ['no Sec-Fetch-Site and our host over another scheme', { origin: 'https://guardpass.test' }],
    ['no Sec-Fetch-Site and our host on another port', { origin: 'http://guardpass.test:8080' }]
  ])('%s: 403 and no row changes', async (_name, headers) => {
    const before = (await exec(t.db, findUserByUsername, 'henry'))!.passwordHash
    const rowsBefore = { s: (await t.db.select().from(sessions)).length, a: (await t.db.select().from(auditEvents)).length }
    const res = await t.app.inject({ method: 'POST', url: '/account/password', headers: { ...CT, ...headers, cookie }, payload: form(change) })
    expect(res.statusCode).toBe(403)
    expect((await exec(t.db, findUserByUsername, 'henry'))!.passwordHash).toBe(before)
    const login = await t.app.inject({ method: 'POST', url: '/login', headers: { ...CT, ...headers }, payload: form({ username: 'henry', password: PASSWORD }) })
    expect(login.statusCode).toBe(403)
    expect((await t.db.select().from(sessions)).length).toBe(rowsBefore.s)
    expect((await t.db.select().from(auditEvents)).length).toBe(rowsBefore.a)
  })

  test('an older browser without Sec-Fetch-Site is accepted when Origin is our PUBLIC_URL', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/language', headers: { ...CT, origin: 'http://guardpass.test' }, payload: form({ lang: 'zh', back: '/login' }) })
    expect(res.statusCode).toBe(303)
  })
})

describe('security headers', () => {
  test('every page carries a CSP without inline script or style, and no-store', async () => {
    const res = await t.app.inject('/login')
    const csp = res.headers['content-security-policy'] as string
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')
    // No inline script and no style attribute in the page itself.
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(res.body).not.toMatch(/\sstyle=/)
  })

  test('the pinned htmx build and the stylesheets are served from static/, cacheable', async () => {
    const htmx = await t.app.inject('/static/vendor/htmx-2.0.11.min.js')
    expect(htmx.statusCode).toBe(200)
    expect(htmx.headers['cache-control']).toContain('immutable')
    expect((await t.app.inject('/static/app.css')).statusCode).toBe(200)
    expect((await t.app.inject('/static/../package.json')).statusCode).toBe(404)
  })
})
