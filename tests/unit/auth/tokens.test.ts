import { describe, test, expect } from 'vitest'
import { generateSessionToken, parseSessionToken, secretMatches, sessionFreshness, generateInitialPassword, randomString } from '../../../src/features/auth/tokens.js'
import { checkNewPassword } from '../../../src/features/auth/passwords.js'

describe('session tokens', () => {
  test('an id of 16 symbols (80 bits) and a secret of 32 (160 bits) from a 32-letter alphabet', () => {
    const t = generateSessionToken()
    expect(t.id).toMatch(/^[a-km-np-z2-9]{16}$/)
    expect(t.secret).toMatch(/^[a-km-np-z2-9]{32}$/)
    expect(t.token).toBe(`${t.id}.${t.secret}`)
    expect(t.secretHash).toHaveLength(32)
  })

  test('tokens do not repeat', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => generateSessionToken().id))
    expect(ids.size).toBe(2000)
  })

  test('every alphabet symbol appears (the mapping uses all 32)', () => {
    expect(new Set(randomString(4000)).size).toBe(32)
  })

  test.each(['', 'abc', 'a.b', 'AAAAAAAAAAAAAAAA.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb0', 'aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'])('malformed token %j is refused', (token) => {
    expect(parseSessionToken(token)).toBeNull()
  })

  test('the secret matches its hash only', () => {
    const t = generateSessionToken()
    expect(secretMatches(t.secret, t.secretHash)).toBe(true)
    expect(secretMatches(generateSessionToken().secret, t.secretHash)).toBe(false)
  })

  test.each([
    [0, 'valid'],
    [59 * 60_000, 'valid'],
    [60 * 60_000, 'touch'],
    [10 * 86_400_000 - 1, 'touch'],
    [10 * 86_400_000, 'expired']
  ] as const)('idle for %d ms: %s', (idle, expected) => {
    const last = new Date(Date.UTC(2026, 0, 1))
    expect(sessionFreshness(last, new Date(last.getTime() + idle))).toBe(expected)
  })

  test('initial passwords are readable and random', () => {
    const p = generateInitialPassword()
    expect(p).toMatch(/^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}$/)
    expect(generateInitialPassword()).not.toBe(p)
    expect(checkNewPassword(p, 'someone')).toBeNull()
  })
})

describe('new password rules', () => {
  test.each([
    ['short', 'u', 'password.too-short'],
    ['x'.repeat(129), 'u', 'password.too-long'],
    ['zhangsan2026', 'zhangsan', 'password.contains-username'],
    ['12345678', 'u', 'password.too-common'],
    ['aaaaaaaaaa', 'u', 'password.too-common'],
    ['a long enough phrase', 'zhangsan', null],
    ['ab-1234-xy', 'ab', null]
  ])('%s (user %s) -> %s', (pw, user, expected) => {
    expect(checkNewPassword(pw, user)).toBe(expected)
  })
})
