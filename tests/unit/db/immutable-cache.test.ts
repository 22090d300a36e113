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

  describe('a read under way is shared', () => {
    // Each body driven by hand, as the engine would: a read is a statement step; a wait is the
    // engine handing back the read's value (outside a PostgreSQL transaction) or undefined.
    type Step = { kind: string, q: unknown }
    function * read (): Q<string> { return (yield { kind: 'all', q: 'the pool' }) as string }

    test('a second miss waits for the first read and gets its value, without reading', async () => {
      const cache = immutableCache<number, string>()
      const db = connection()
      const first = cache.load(db, 1, read)
      const second = cache.load(db, 1, read)
      expect((first.next().value as Step).kind).toBe('all')
      const wait = second.next().value as Step
      expect(wait.kind).toBe('wait')
      expect(first.next('the value')).toEqual({ done: true, value: 'the value' })
      const shared = await (wait.q as Promise<string>)
      expect(shared).toBe('the value')
      expect(second.next(shared)).toEqual({ done: true, value: 'the value' })
      // Kept: a third load reads nothing.
      expect(cache.load(db, 1, read).next()).toEqual({ done: true, value: 'the value' })
    })

    test('a body that may not wait (undefined for the wait) reads it itself', () => {
      const cache = immutableCache<number, string>()
      const db = connection()
      const first = cache.load(db, 1, read)
      const second = cache.load(db, 1, read)
      first.next()
      expect((second.next().value as Step).kind).toBe('wait')
      expect((second.next(undefined).value as Step).kind).toBe('all')
      expect(second.next('read again')).toEqual({ done: true, value: 'read again' })
      expect(first.next('first')).toEqual({ done: true, value: 'first' })
    })

    test('when the first read fails, the waiter is told so (undefined) and reads it itself; nothing is kept from the failure', async () => {
      const cache = immutableCache<number, string>()
      const db = connection()
      const first = cache.load(db, 1, read)
      const second = cache.load(db, 1, read)
      first.next()
      const wait = second.next().value as Step
      expect(() => first.throw(new Error('statement failed'))).toThrow('statement failed')
      expect(await (wait.q as Promise<string | undefined>)).toBeUndefined()
      expect((second.next(undefined).value as Step).kind).toBe('all')
      expect(second.next('second').value).toBe('second')
      // A body dropped half way (the engine returns it) settles its waiters too.
      const third = immutableCache<number, string>()
      const a = third.load(db, 2, read)
      const b = third.load(db, 2, read)
      a.next()
      const waitB = b.next().value as Step
      a.return(undefined as unknown as string)
      expect(await (waitB.q as Promise<string | undefined>)).toBeUndefined()
    })

    test('on another database, nothing is waited for', () => {
      const cache = immutableCache<number, string>()
      const first = cache.load(connection(), 1, read)
      first.next()
      expect((cache.load(connection(), 1, read).next().value as Step).kind).toBe('all')
    })
  })
})
