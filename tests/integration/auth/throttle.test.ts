import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, form, dom, FORM_HEADERS, PASSWORD, type TestApp } from '../../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await buildTestApp()
  await createUser(t.db, 'dave', 'trainee')
  await createUser(t.db, 'erin', 'trainee')
  for (let i = 1; i <= 40; i++) await createUser(t.db, `class${i}`, 'trainee')
})
afterAll(async () => { await t.close() })

const login = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/login', remoteAddress: ip, headers: FORM_HEADERS, payload: form({ username, password }) })

describe('login throttling', () => {
  test('after 5 failures an account refuses even the right password for 15 minutes', async () => {
    for (let i = 0; i < 4; i++) expect((await login('dave', 'nope', '10.0.0.2')).statusCode).toBe(422)
    expect((await login('dave', 'nope', '10.0.0.2')).statusCode).toBe(422)
    const locked = await login('dave', PASSWORD, '10.0.0.3')
    expect(locked.statusCode).toBe(429)
    expect(locked.headers['retry-after']).toBe('900')
    expect(dom(locked.body).querySelector('[role=alert]')!.text).toContain('Try again in 15 minutes')
    t.clock.advance(14 * 60 * 1000)
    expect((await login('dave', PASSWORD, '10.0.0.3')).statusCode).toBe(429)
    t.clock.advance(60 * 1000)
    expect((await login('dave', PASSWORD, '10.0.0.3')).statusCode).toBe(303)
  })

  test('a success resets the account count', async () => {
    for (let i = 0; i < 4; i++) await login('erin', 'nope', '10.0.0.4')
    expect((await login('erin', PASSWORD, '10.0.0.4')).statusCode).toBe(303)
    for (let i = 0; i < 4; i++) await login('erin', 'nope', '10.0.0.4')
    expect((await login('erin', PASSWORD, '10.0.0.4')).statusCode).toBe(303)
  })

  test('a class of 40 signing in from one address is not blocked, even with a few typos', async () => {
    for (let i = 1; i <= 40; i++) {
      if (i % 10 === 0) expect((await login(`class${i}`, 'typo', '10.9.9.9')).statusCode).toBe(422)
      const res = await login(`class${i}`, PASSWORD, '10.9.9.9')
      expect(res.statusCode, `class${i}`).toBe(303)
    }
  })

  test('30 failures from one address in 15 minutes lock that address, not others', async () => {
    t.clock.advance(16 * 60 * 1000)
    for (let i = 0; i < 30; i++) await login(`nobody${i}`, 'guess', '10.6.6.6')
    const refused = await login('class1', PASSWORD, '10.6.6.6')
    expect(refused.statusCode).toBe(429)
    expect(dom(refused.body).querySelector('[role=alert]')!.text).toContain('from this network')
    expect((await login('class1', PASSWORD, '10.7.7.7')).statusCode).toBe(303)
    t.clock.advance(15 * 60 * 1000)
    expect((await login('class1', PASSWORD, '10.6.6.6')).statusCode).toBe(303)
  })

  test('failures spread over more than 15 minutes do not lock an address', async () => {
    for (let i = 0; i < 29; i++) await login(`slow${i}`, 'guess', '10.5.5.5')
    t.clock.advance(15 * 60 * 1000)
    for (let i = 0; i < 29; i++) await login(`slow${i}`, 'guess', '10.5.5.5')
    expect((await login('class2', PASSWORD, '10.5.5.5')).statusCode).toBe(303)
  })
})
