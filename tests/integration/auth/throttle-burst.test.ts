import { describe, test, expect, beforeAll, afterAll, vi } from 'vitest'
import { buildTestApp, createUser, signIn, form, dom, FORM_HEADERS, PASSWORD, type TestApp } from '../../helpers/app.js'
import { findUserByUsername } from '../../../src/features/auth/index.js'
import { exec } from '../../../src/db/engine.js'

// Every argon2 verification made by the app is counted (the real one still runs).
const verifications = vi.hoisted(() => ({ n: 0 }))
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>()
  return { ...real, verify: (...args: Parameters<typeof real.verify>) => { verifications.n++; return real.verify(...args) } }
})

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  await createUser(t.db, 'target', 'trainee')
  await createUser(t.db, 'holder', 'trainer')
  for (let i = 1; i <= 40; i++) await createUser(t.db, `many${i}`, 'trainee')
  for (let i = 1; i <= 40; i++) await createUser(t.db, `desk${i}`, 'trainee')
})
afterAll(async () => { await t.close() })

const login = (username: string, password: string, ip: string) =>
  t.app.inject({ method: 'POST', url: '/login', remoteAddress: ip, headers: FORM_HEADERS, payload: form({ username, password }) })

describe('a parallel burst cannot outrun the throttle', () => {
  test('40 wrong passwords for one account sent together: at most 5 are checked, the rest refused with 429', async () => {
    verifications.n = 0
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => login('target', `guess-${i}`, `10.1.0.${i + 1}`)))
    const codes = results.map((r) => r.statusCode)
    expect(verifications.n).toBeLessThanOrEqual(5)
    expect(codes.filter((c) => c === 422)).toHaveLength(verifications.n)
    expect(codes.filter((c) => c === 429)).toHaveLength(40 - verifications.n)
    // Locked: the right password is refused too, and is not checked.
    const before = verifications.n
    expect((await login('target', PASSWORD, '10.1.1.1')).statusCode).toBe(429)
    expect(verifications.n).toBe(before)
  })

  test('40 accounts guessed from one address together: at most 30 passwords are checked', async () => {
    verifications.n = 0
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => login(`many${i + 1}`, 'a wrong guess', '10.2.0.1')))
    expect(verifications.n).toBeLessThanOrEqual(30)
    expect(results.filter((r) => r.statusCode === 429)).toHaveLength(40 - verifications.n)
    expect((await login('many1', PASSWORD, '10.2.0.1')).statusCode).toBe(429)
    expect((await login('many1', PASSWORD, '10.2.0.2')).statusCode).toBe(303)
  })

  test('right passwords give their reservation back: 40 people at one address signing in one after another all get in', async () => {
    for (let i = 1; i <= 40; i++) expect((await login(`desk${i}`, PASSWORD, '10.3.0.1')).statusCode, `desk${i}`).toBe(303)
  })
})

describe('the current-password check of a password change', () => {
  test('40 wrong guesses with a stolen session lock the account; the right password then changes nothing', async () => {
    const cookie = await signIn(t, 'holder')
    const guess = (current: string, ip: string) => t.app.inject({
      method: 'POST', url: '/account/password', remoteAddress: ip, headers: { ...FORM_HEADERS, cookie },
      payload: form({ current, password: 'the thief’s new phrase', confirm: 'the thief’s new phrase' })
    })
    verifications.n = 0
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(`guess-${i}`, `10.4.0.${i + 1}`)))
    expect(verifications.n).toBeLessThanOrEqual(5)
    expect(results.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(35)
    const locked = results.find((r) => r.statusCode === 429)!
    expect(locked.headers['retry-after']).toBe('900')
    expect(dom(locked.body).querySelector('[role=alert]')!.text).toContain('15 minutes')
    const hash = (await exec(t.db, findUserByUsername, 'holder'))!.passwordHash
    const right = await guess(PASSWORD, '10.4.1.1')
    expect(right.statusCode).toBe(429)
    expect((await exec(t.db, findUserByUsername, 'holder'))!.passwordHash).toBe(hash)
    // The same counter holds the sign-in form: the account is locked there too.
    expect((await login('holder', PASSWORD, '10.4.1.2')).statusCode).toBe(429)
    t.clock.advance(15 * 60_000)
    expect((await guess(PASSWORD, '10.4.1.1')).statusCode).toBe(303)
  })
})
