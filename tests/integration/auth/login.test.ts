import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, signIn, form, dom, FORM_HEADERS, PASSWORD, sessionCookie, type TestApp } from '../../helpers/app.js'
import { setStatus, setRole, findUserByUsername } from '../../../src/features/auth/index.js'
import { auditEvents, sessions } from '../../../src/db/schema.js'
import { exec } from '../../../src/db/engine.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  await createUser(t.db, 'alice', 'trainee')
  await createUser(t.db, 'bob', 'trainer')
  await createUser(t.db, 'carol', 'admin')
  await createUser(t.db, 'newbie', 'trainee', { mustChangePassword: true })
})
afterAll(async () => { await t.close() })

const post = (url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, ...headers }, payload: form(fields) })

describe('signing in', () => {
  test('the login page is a labelled form', async () => {
    const res = await t.app.inject('/login')
    expect(res.statusCode).toBe(200)
    expect(res.headers.vary).toContain('HX-Request')
    const page = dom(res.body)
    expect(page.querySelector('label[for=username]')).not.toBeNull()
    expect(page.querySelector('input#password[type=password]')).not.toBeNull()
  })

  test('right password: 303 to the home page with an HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await post('/login', { username: 'Alice ', password: PASSWORD })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/')
    const c = res.cookies.find((x) => x.name === 'gp_session')!
    expect(c.httpOnly).toBe(true)
    expect(c.sameSite).toBe('Lax')
    expect(c.path).toBe('/')
    expect(c.secure).toBeFalsy()
    const home = await t.app.inject({ url: '/', headers: { cookie: sessionCookie(res)! } })
    expect(home.statusCode).toBe(200)
    expect(dom(home.body).querySelector('h1')!.text).toBe('Your training')
  })

  test('next= takes the user back to a local page only', async () => {
    const ok = await post('/login', { username: 'bob', password: PASSWORD, next: '/account/password' })
    expect(ok.headers.location).toBe('/account/password')
    const evil = await post('/login', { username: 'bob', password: PASSWORD, next: '//evil.example/x' })
    expect(evil.headers.location).toBe('/')
  })

  test('wrong password: 422, the username kept, a message and no cookie', async () => {
    const res = await post('/login', { username: 'carol', password: 'wrong password' })
    expect(res.statusCode).toBe(422)
    expect(sessionCookie(res)).toBeUndefined()
    const page = dom(res.body)
    expect(page.querySelector('[role=alert]')!.text).toContain('not correct')
    expect(page.querySelector('#username')!.getAttribute('value')).toBe('carol')
  })

  test('missing, overlong and wrongly typed fields: 422 with the error tied to its field', async () => {
    const missing = await post('/login', { username: '' })
    expect(missing.statusCode).toBe(422)
    const page = dom(missing.body)
    expect(page.querySelector('#username')!.getAttribute('aria-describedby')).toBe('username-error')
    expect(page.querySelector('#username-error')!.text).toBe('This field is required.')
    expect(page.querySelector('#password-error')!.text).toBe('This field is required.')

    const long = await post('/login', { username: 'x'.repeat(500), password: 'y' })
    expect(long.statusCode).toBe(422)
    expect(dom(long.body).querySelector('#username-error')!.text).toBe('This is too long.')

    const arrays = await post('/login', { username: ['a', 'b'], password: PASSWORD })
    expect(arrays.statusCode).toBe(422)
    expect(dom(arrays.body).querySelector('#username-error')!.text).toBe('This value is not valid.')
  })

  test('a JSON body, an unknown content type and an oversized body are 4xx, never 500', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, payload: '{"username": 5, "password": []}' })
    expect(json.statusCode).toBe(422)
    const badJson = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, payload: '{"username": ' })
    expect(badJson.statusCode).toBe(400)
    expect(dom(badJson.body).querySelector('main p')!.text).toContain('could not be understood')
    const xml = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'text/xml', 'sec-fetch-site': 'same-origin' }, payload: '<a/>' })
    expect(xml.statusCode).toBe(415)
    const big = await post('/login', { username: 'alice', password: 'x'.repeat(300 * 1024) })
    expect(big.statusCode).toBe(413)
  })

  test('a signed-in user visiting /login goes home', async () => {
    const cookie = await signIn(t, 'alice')
    const res = await t.app.inject({ url: '/login', headers: { cookie } })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/')
  })

  test('logins and failures are audited without the password', async () => {
    const rows = await t.db.select().from(auditEvents)
    expect(rows.some((r) => r.action === 'login.success')).toBe(true)
    expect(rows.some((r) => r.action === 'login.failure' && r.clientIp === '127.0.0.1')).toBe(true)
    expect(JSON.stringify(rows)).not.toContain('wrong password')
  })
})

describe('signed out', () => {
  test('a page request gets 303 to /login with the page to return to', async () => {
    const res = await t.app.inject('/account/password')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/login?next=%2Faccount%2Fpassword')
  })

  test('an htmx request gets HX-Redirect', async () => {
    const res = await t.app.inject({ url: '/', headers: { 'hx-request': 'true' } })
    expect(res.headers['hx-redirect']).toBe('/login')
  })

  test('an unknown or forged session cookie counts as signed out and is cleared', async () => {
    const res = await t.app.inject({ url: '/', headers: { cookie: 'gp_session=aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' } })
    expect(res.statusCode).toBe(303)
    expect(res.cookies.find((c) => c.name === 'gp_session')?.value).toBe('')
  })
})

describe('sessions end', () => {
  test('after logout', async () => {
    const cookie = await signIn(t, 'alice')
    const out = await post('/logout', {}, { cookie })
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe('/login')
    const after = await t.app.inject({ url: '/', headers: { cookie } })
    expect(after.statusCode).toBe(303)
    const login = await t.app.inject({ url: '/login', headers: { cookie: out.headers['set-cookie']!.toString().match(/gp_flash=[^;]+/)![0] } })
    expect(dom(login.body).querySelector('.flash')!.text).toBe('You are signed out.')
  })

  test('after disabling the account, and sign-in is then refused', async () => {
    const cookie = await signIn(t, 'bob')
    const bob = (await exec(t.db, findUserByUsername, 'bob'))!
    await exec(t.db, setStatus, bob.id, 'disabled', { actorId: null, action: 'account.disabled' }, t.clock.now())
    expect((await t.app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(303)
    const again = await post('/login', { username: 'bob', password: PASSWORD })
    expect(again.statusCode).toBe(422)
    expect(dom(again.body).querySelector('[role=alert]')!.text).toContain('disabled')
    await exec(t.db, setStatus, bob.id, 'active', { actorId: null, action: 'account.enabled' }, t.clock.now())
  })

  test('after a role change', async () => {
    const cookie = await signIn(t, 'bob')
    const bob = (await exec(t.db, findUserByUsername, 'bob'))!
    await exec(t.db, setRole, bob.id, 'police', { actorId: null, action: 'account.role-changed' }, t.clock.now())
    expect((await t.app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(303)
    await exec(t.db, setRole, bob.id, 'trainer', { actorId: null, action: 'account.role-changed' }, t.clock.now())
  })

  test('after 10 days without activity; activity moves the expiry at most hourly', async () => {
    const cookie = await signIn(t, 'carol')
    t.clock.advance(30 * 60 * 1000)
    const soon = await t.app.inject({ url: '/', headers: { cookie } })
    expect(soon.statusCode).toBe(200)
    expect(soon.cookies.find((c) => c.name === 'gp_session')).toBeUndefined()
    t.clock.advance(31 * 60 * 1000)
    const later = await t.app.inject({ url: '/', headers: { cookie } })
    expect(later.statusCode).toBe(200)
    const renewed = later.cookies.find((c) => c.name === 'gp_session')!
    expect(renewed.expires!.getTime()).toBe(t.clock.now().getTime() + 10 * 24 * 3600 * 1000)
    t.clock.advance(10 * 24 * 3600 * 1000 - 1000)
    expect((await t.app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(200)
    t.clock.advance(10 * 24 * 3600 * 1000)
    expect((await t.app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(303)
  })

  test('the session secret is stored only as a hash', async () => {
    const cookie = await signIn(t, 'alice')
    const [id, secret] = cookie.slice('gp_session='.length).split('.')
    const row = (await t.db.select().from(sessions)).find((s) => s.id === id)!
    expect(row.secretHash.length).toBe(32)
    expect(Buffer.from(row.secretHash).toString('utf8')).not.toContain(secret)
  })
})
