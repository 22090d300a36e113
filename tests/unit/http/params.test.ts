import { describe, expect, test } from 'vitest'
import { MAX_ID, parseId } from '../../../src/http/params.js'

// A typed id is looked up only when a row could have it on both engines: PostgreSQL refuses a
// value past its `integer` columns with an error, where SQLite would find nothing.
describe('parseId', () => {
  test('a positive integer within the integer range is an id', () => {
    expect(parseId('1')).toBe(1)
    expect(parseId('999999')).toBe(999999)
    expect(parseId(String(MAX_ID))).toBe(2_147_483_647)
  })

  test('past the integer range, or not digits, it is none', () => {
    for (const raw of [String(MAX_ID + 1), '99999999999', '9999999999999999', '0', '007', '-1', '1.5', '1e3', ' 1', '', 'abc', '12345678901234567']) {
      expect(parseId(raw), raw).toBeUndefined()
    }
    expect(parseId(5)).toBeUndefined()
    expect(parseId(['1'])).toBeUndefined()
    expect(parseId(undefined)).toBeUndefined()
  })

  test('a bigint table\'s id may go on to JavaScript\'s exact integers', () => {
    expect(parseId('99999999999', { bigint: true })).toBe(99999999999)
    expect(parseId(String(Number.MAX_SAFE_INTEGER), { bigint: true })).toBe(Number.MAX_SAFE_INTEGER)
    expect(parseId('9999999999999999', { bigint: true })).toBeUndefined()
  })
})
