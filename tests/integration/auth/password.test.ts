import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, signIn, form, dom, FORM_HEADERS, PASSWORD, sessionCookie, type TestApp } from '../../helpers/app.js'
import { findUserByUsername } from '../../../src/features/auth/index.js'
import { auditEvents } from '../../../src/db/schema.js'
import { exec } from '../../../src/db/engine.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  await createUser(t.db, 'frank', 'trainee', { mustChangePassword: true })
  await createUser(t.db, 'grace', 'trainer')
})
afterAll(async () => { await t.close() })

const post = (url: string, fields: Record<string, string>, cookie: string, extra: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie, ...extra }, payload: form(fields) })

describe('forced password change', () => {
  test('a user with an initial password is sent to change it, and nowhere else', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: 'frank', password: PASSWORD }) })
    expect(res.headers.location).toBe('/account/password')
    const cookie = sessionCookie(res)!
    const home = await t.app.inject({ url: '/', headers: { cookie } })
    expect(home.statusCode).toBe(303)
    expect(home.headers.location).toBe('/account/password')
    const page = await t.app.inject({ url: '/account/password', headers: { cookie } })
    expect(page.statusCode).toBe(200)
    expect(dom(page.body).querySelector('.alert')!.text).toContain('choose a new password')
    expect(dom(page.body).querySelectorAll('.nav-links a')).toHaveLength(0)

    // Signed in with the one-time password moments ago: it is not asked for again.
    expect(dom(page.body).querySelector('input[name=current]')).toBeNull()
    expect(dom(page.body).querySelector('input[name=password]')).not.toBeNull()

    const bad = await post('/account/password', { password: 'short', confirm: 'short' }, cookie)
    expect(bad.statusCode).toBe(422)
    expect(dom(bad.body).querySelector('#password-error')!.text).toBe('Use at least 8 characters.')

    const mismatch = await post('/account/password', { password: 'a fresh passphrase', confirm: 'a fresh passphrasf' }, cookie)
    expect(dom(mismatch.body).querySelector('#confirm-error')!.text).toContain('not the same')

    const same = await post('/account/password', { password: PASSWORD, confirm: PASSWORD }, cookie)
    expect(dom(same.body).querySelector('#password-error')!.text).toContain('different')

    const done = await post('/account/password', { password: 'a fresh passphrase', confirm: 'a fresh passphrase' }, cookie)
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/')
    const fresh = sessionCookie(done)!
    expect(fresh).not.toBe(cookie)
    // The old session is gone; the new one reaches the home page with a message.
    expect((await t.app.inject({ url: '/', headers: { cookie } })).statusCode).toBe(303)
    const flash = done.headers['set-cookie']!.toString().match(/gp_flash=[^;]+/)![0]
    const home2 = await t.app.inject({ url: '/', headers: { cookie: `${fresh}; ${flash}` } })
    expect(home2.statusCode).toBe(200)
    expect(dom(home2.body).querySelector('.flash')!.text).toContain('password has been changed')
    expect((await exec(t.db, findUserByUsername, 'frank'))!.mustChangePassword).toBe(false)
    expect((await t.db.select().from(auditEvents)).some((e) => e.action === 'account.password-changed')).toBe(true)
  })

  test('a forced change in a session older than 15 minutes asks for the one-time password again', async () => {
    await createUser(t.db, 'hanna', 'trainee', { mustChangePassword: true })
    const cookie = await signIn(t, 'hanna')
    t.clock.advance(16 * 60_000)
    const page = await t.app.inject({ url: '/account/password', headers: { cookie } })
    expect(dom(page.body).querySelector('input[name=current]')).not.toBeNull()
    const without = await post('/account/password', { password: 'a fresh passphrase', confirm: 'a fresh passphrase' }, cookie)
    expect(without.statusCode).toBe(422)
    expect(dom(without.body).querySelector('#current-error')!.text).toContain('required')
    const wrongCurrent = await post('/account/password', { current: 'nope nope', password: 'a fresh passphrase', confirm: 'a fresh passphrase' }, cookie)
    expect(dom(wrongCurrent.body).querySelector('#current-error')!.text).toContain('not correct')
    expect((await post('/account/password', { current: PASSWORD, password: 'a fresh passphrase', confirm: 'a fresh passphrase' }, cookie)).statusCode).toBe(303)
  })

  test('a user who is not forced is always asked for the current password', async () => {
    const cookie = await signIn(t, 'grace')
    const page = await t.app.inject({ url: '/account/password', headers: { cookie } })
    expect(dom(page.body).querySelector('input[name=current]')).not.toBeNull()
    const without = await post('/account/password', { password: 'another good phrase', confirm: 'another good phrase' }, cookie)
    expect(without.statusCode).toBe(422)
  })

  test('a password change ends the user’s other sessions', async () => {
    const phone = await signIn(t, 'grace')
    const desktop = await signIn(t, 'grace')
    const done = await post('/account/password', { current: PASSWORD, password: 'another good phrase', confirm: 'another good phrase' }, desktop)
    expect(done.statusCode).toBe(303)
    expect((await t.app.inject({ url: '/', headers: { cookie: phone } })).statusCode).toBe(303)
    expect((await t.app.inject({ url: '/', headers: { cookie: desktop } })).statusCode).toBe(303)
    expect((await t.app.inject({ url: '/', headers: { cookie: sessionCookie(done)! } })).statusCode).toBe(200)
    expect(await signIn(t, 'grace', 'another good phrase')).toMatch(/^gp_session=/)
  })
})
