import { describe, test, expect } from 'vitest'
import type { Db } from '../../../src/db/connection.js'
import { immutableCache } from '../../../src/db/immutable-cache.js'

// The cache keys on the connection object alone: a stand-in for two connections is enough.
const connection = () => ({ $client: {} }) as unknown as Db

describe('immutableCache', () => {
  test('reads a key once per connection and keeps it', () => {
    const cache = immutableCache<number, string>()
    const db = connection()
    let reads = 0
    const read = () => { reads++; return `v${reads}` }
    expect(cache.get(db, 1, read)).toBe('v1')
    expect(cache.get(db, 1, read)).toBe('v1')
    expect(reads).toBe(1)
    expect(cache.get(db, 2, read)).toBe('v2')
    expect(reads).toBe(2)
  })

  test('two connections never share values', () => {
    const cache = immutableCache<number, string>()
    const a = connection()
    const b = connection()
    cache.get(a, 1, () => 'from a')
    expect(cache.peek(b, 1)).toBeUndefined()
    expect(cache.get(b, 1, () => 'from b')).toBe('from b')
    expect(cache.get(a, 1, () => 'again')).toBe('from a')
  })

  test('keeps a value read in a batch, and remembers an undefined value as read', () => {
    const cache = immutableCache<number, string | undefined>()
    const db = connection()
    cache.set(db, 7, 'seven')
    expect(cache.peek(db, 7)).toBe('seven')
    expect(cache.get(db, 7, () => 'not read')).toBe('seven')
    let reads = 0
    cache.get(db, 8, () => { reads++; return undefined })
    cache.get(db, 8, () => { reads++; return undefined })
    expect(reads).toBe(1)
  })

  test('separate caches keep separate values for the same key', () => {
    const one = immutableCache<number, string>()
    const two = immutableCache<number, string>()
    const db = connection()
    one.get(db, 1, () => 'one')
    expect(two.get(db, 1, () => 'two')).toBe('two')
  })
})
