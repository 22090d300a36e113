import { describe, test, expect } from 'vitest'
import type { Db } from '../../../src/db/connection.js'
import { immutableCache } from '../../../src/db/immutable-cache.js'
import { runSync, type Q } from '../../../src/db/engine.js'

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

  test('load reads through a query function once per database, and shares it between a pool and its transactions', () => {
    const cache = immutableCache<number, string>()
    let reads = 0
    function * read (): Q<string> { reads++; return `v${reads}` }
    // PostgreSQL: the app's handle holds the pool; a transaction's handle its connection and the pool it came from.
    const pool = {}
    const app = { $client: pool }
    const tx = { $client: {}, $pool: pool }
    expect(runSync(cache.load(app, 1, read))).toBe('v1')
    expect(runSync(cache.load(tx, 1, read))).toBe('v1')
    expect(reads).toBe(1)
    // Another database's handle reads its own.
    expect(runSync(cache.load({ $client: {} }, 1, read))).toBe('v2')
  })

  test('a handle without a connection of its own (a Drizzle transaction of the SQLite bridge) reads every time and keeps nothing', () => {
    const cache = immutableCache<number, string>()
    let reads = 0
    const handle = {}
    cache.get(handle, 1, () => `v${++reads}`)
    cache.get(handle, 1, () => `v${++reads}`)
    expect(reads).toBe(2)
    expect(cache.peek(handle, 1)).toBeUndefined()
  })
})
