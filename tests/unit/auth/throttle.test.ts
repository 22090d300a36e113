import { describe, test, expect } from 'vitest'
import { afterFailure, lockedUntil, minutesLeft, reserveAttempt, refundAttempt, ACCOUNT_POLICY, ADDRESS_POLICY, type ThrottleState } from '../../../src/features/auth/throttle.js'

const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 8, 0) + min * 60_000)
const fail = (n: number, policy = ACCOUNT_POLICY, start = 0, step = 0) => {
  let s: ThrottleState | undefined
  for (let i = 0; i < n; i++) s = afterFailure(s, at(start + i * step), policy)
  return s!
}

describe('account throttle', () => {
  test('four failures do not lock; the fifth locks for 15 minutes', () => {
    expect(lockedUntil(fail(4), at(0))).toBeNull()
    const s = fail(5)
    expect(lockedUntil(s, at(0))).toEqual(at(15))
    expect(lockedUntil(s, at(14.99))).toEqual(at(15))
    expect(lockedUntil(s, at(15))).toBeNull()
  })

  test('failures far apart still count (consecutive, until a success clears them)', () => {
    expect(lockedUntil(fail(5, ACCOUNT_POLICY, 0, 600), at(2400))).not.toBeNull()
  })

  test('after a lock runs out, counting starts again', () => {
    const next = afterFailure(fail(5), at(16), ACCOUNT_POLICY)
    expect(next.failures).toBe(1)
    expect(lockedUntil(next, at(16))).toBeNull()
  })
})

describe('address throttle', () => {
  test('30 failures within 15 minutes lock the address', () => {
    expect(lockedUntil(fail(29, ADDRESS_POLICY, 0, 0.5), at(14.5))).toBeNull()
    const s = fail(30, ADDRESS_POLICY, 0, 0.5)
    expect(lockedUntil(s, at(14.5))).toEqual(at(14.5 + 15))
  })

  test('a window that has run out starts a fresh count', () => {
    const s = fail(30, ADDRESS_POLICY, 0, 0.6) // the 26th failure falls at minute 15: new window
    expect(lockedUntil(s, at(17.4))).toBeNull()
    expect(s.failures).toBe(5)
  })

  test('minutes left round up and are at least one', () => {
    expect(minutesLeft(at(15), at(0))).toBe(15)
    expect(minutesLeft(at(15), at(14.9))).toBe(1)
    expect(minutesLeft(at(15), at(20))).toBe(1)
  })
})

describe('reserving a check before it is made', () => {
  test('each reservation counts at once; the fifth sets the lock and the sixth is refused', () => {
    let s: ThrottleState | undefined
    for (let i = 0; i < 5; i++) {
      const r = reserveAttempt(s, at(0), ACCOUNT_POLICY)
      expect(r.ok).toBe(true)
      if (r.ok) s = r.state
    }
    expect(s!.failures).toBe(5)
    expect(reserveAttempt(s, at(0), ACCOUNT_POLICY)).toEqual({ ok: false, until: at(15) })
  })

  test('a refund takes the attempt back and lifts a lock only it had set', () => {
    const full = fail(30, ADDRESS_POLICY)
    const back = refundAttempt(full, at(1), ADDRESS_POLICY)!
    expect(back.failures).toBe(29)
    expect(lockedUntil(back, at(1))).toBeNull()
    const over = afterFailure(full, at(0), ADDRESS_POLICY) // 31: a confirmed failure beyond the count
    expect(lockedUntil(refundAttempt(over, at(1), ADDRESS_POLICY), at(1))).not.toBeNull()
  })

  test('a refund after the window ran out changes nothing', () => {
    const s = fail(3, ADDRESS_POLICY)
    expect(refundAttempt(s, at(16), ADDRESS_POLICY)).toBe(s)
    expect(refundAttempt(undefined, at(0), ADDRESS_POLICY)).toBeUndefined()
  })
})
