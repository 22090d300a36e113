import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import Database from 'better-sqlite3'
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { eq, sql } from 'drizzle-orm'
import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core'
import { pgTable, integer as pgInteger, text as pgText } from 'drizzle-orm/pg-core'
import type pg from 'pg'
import { all, one, run, attempt, rows, tryLock, sqliteTransaction, pgTransaction, type Body, type PgHandle } from '../../../src/db/engine.js'
import { openPool, LOCK_NAMESPACE, LOCKS } from '../../../src/db/postgres.js'
import { freshPgDatabase, type PgDatabase } from '../../helpers/pg.js'

// The same transaction bodies on both engines: what commits, what rolls back, refusals as answers,
// and read-then-write bodies from several connections at once. The probe table is the test's own.
const DDL = 'CREATE TABLE probe (id integer PRIMARY KEY, name text NOT NULL UNIQUE, n integer NOT NULL)'
const sqliteProbe = sqliteTable('probe', { id: integer('id').primaryKey(), name: text('name').notNull(), n: integer('n').notNull() })
const pgProbe = pgTable('probe', { id: pgInteger('id').primaryKey(), name: pgText('name').notNull(), n: pgInteger('n').notNull() })
// Bodies are written once, against the SQLite table's types; each engine gets its dialect's table.
type Handle = BetterSQLite3Database & { $client: Database.Database }
interface Side {
  probe: typeof sqliteProbe
  transaction<T>(body: Body<T, Handle>): Promise<T>
  /** A second, independent way in (another connection or pool), as another node would have. */
  other<T>(body: Body<T, Handle>): Promise<T>
  count(): Promise<number>
}

function sqliteSide (): { side: Side, close(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-engine-'))
  const open = () => { const c = new Database(path.join(dir, 'e.db')); c.pragma('journal_mode = WAL'); c.pragma('busy_timeout = 5000'); return drizzleSqlite(c) }
  const a = open()
  a.$client.exec(DDL)
  const b = open()
  return {
    side: {
      probe: sqliteProbe,
      transaction: (body) => sqliteTransaction(a, body),
      other: (body) => sqliteTransaction(b, body),
      count: async () => (a.$client.prepare('SELECT count(*) AS n FROM probe').get() as { n: number }).n
    },
    close () { a.$client.close(); b.$client.close(); fs.rmSync(dir, { recursive: true, force: true }) }
  }
}

async function pgSide (): Promise<{ side: Side, close(): Promise<void> }> {
  const database: PgDatabase = await freshPgDatabase()
  const a = openPool(database.url, 4)
  const b = openPool(database.url, 4)
  await a.query(DDL)
  const asSqlite = <T>(pool: pg.Pool, body: Body<T, Handle>) => pgTransaction(pool, body as unknown as Body<T, PgHandle>)
  return {
    side: {
      probe: pgProbe as unknown as typeof sqliteProbe,
      transaction: (body) => asSqlite(a, body),
      other: (body) => asSqlite(b, body),
      count: async () => Number((await a.query<{ n: string }>('SELECT count(*) AS n FROM probe')).rows[0]!.n)
    },
    async close () { await a.end(); await b.end(); await database.drop() }
  }
}

describe.each(['sqlite', 'postgres'] as const)('transactions on %s', (engine) => {
  let side: Side
  let close: () => void | Promise<void>
  beforeEach(async () => {
    const s = engine === 'sqlite' ? sqliteSide() : await pgSide()
    side = s.side
    close = s.close
  })
  afterEach(async () => { await close() })

  test('a body reads and writes, and its results come back', async () => {
    const { probe } = side
    const out = await side.transaction(function * (tx) {
      yield * run(tx.insert(probe).values([{ id: 1, name: 'a', n: 1 }, { id: 2, name: 'b', n: 2 }]))
      const changed = yield * run(tx.update(probe).set({ n: sql`${probe.n} + 10` }).where(eq(probe.name, 'b')))
      const b = yield * one(tx.select().from(probe).where(eq(probe.id, 2)))
      const none = yield * one(tx.select().from(probe).where(eq(probe.id, 99)))
      const rows = yield * all(tx.select({ name: probe.name }).from(probe).orderBy(probe.id))
      return { changed: changed.changes, b, none, rows }
    })
    expect(out).toEqual({ changed: 1, b: { id: 2, name: 'b', n: 12 }, none: undefined, rows: [{ name: 'a' }, { name: 'b' }] })
    expect(await side.count()).toBe(2)
  })

  test('a body that throws leaves nothing behind', async () => {
    const { probe } = side
    await expect(side.transaction(function * (tx) {
      yield * run(tx.insert(probe).values({ id: 1, name: 'a', n: 1 }))
      throw new Error('changed my mind')
    })).rejects.toThrow('changed my mind')
    expect(await side.count()).toBe(0)
  })

  test('a refusal through attempt is an answer: the transaction goes on and commits', async () => {
    const { probe } = side
    await side.transaction(function * (tx) { yield * run(tx.insert(probe).values({ id: 1, name: 'taken', n: 1 })) })
    const out = await side.transaction(function * (tx) {
      yield * run(tx.insert(probe).values({ id: 2, name: 'before', n: 1 }))
      const r = yield * attempt(tx.insert(probe).values({ id: 3, name: 'taken', n: 1 }))
      yield * run(tx.insert(probe).values({ id: 4, name: 'after', n: 1 }))
      return 'error' in r ? { unique: r.error.uniqueViolation } : { changes: r.changes }
    })
    expect(out).toEqual({ unique: true })
    expect(await side.count()).toBe(3)
  })

  test('a failed statement ends the transaction even when the body catches it', async () => {
    const { probe } = side
    await side.transaction(function * (tx) { yield * run(tx.insert(probe).values({ id: 1, name: 'taken', n: 1 })) })
    await expect(side.transaction(function * (tx) {
      yield * run(tx.insert(probe).values({ id: 2, name: 'lost', n: 1 }))
      try { yield * run(tx.insert(probe).values({ id: 3, name: 'taken', n: 1 })) } catch { /* carry on regardless */ }
      yield * run(tx.insert(probe).values({ id: 4, name: 'also lost', n: 1 }))
    })).rejects.toThrow()
    expect(await side.count()).toBe(1)
    // Returning normally after the catch is refused too.
    await expect(side.transaction(function * (tx) {
      try { yield * run(tx.insert(probe).values({ id: 5, name: 'taken', n: 1 })) } catch { return 'fine' }
    })).rejects.toThrow()
  })

  test('raw SQL written for both engines gives the same rows', async () => {
    const { probe } = side
    const out = await side.transaction(function * (tx) {
      yield * run(tx.insert(probe).values([{ id: 1, name: 'a', n: 5 }, { id: 2, name: 'b', n: 7 }]))
      return yield * rows<{ name: string, total: number }>(tx, sql`SELECT name, n * 2 AS total FROM probe WHERE n > ${6} ORDER BY id`)
    })
    expect(out).toEqual([{ name: 'b', total: 14 }])
  })

  test('read-then-write bodies from two connections at once lose no update', async () => {
    const { probe } = side
    await side.transaction(function * (tx) { yield * run(tx.insert(probe).values({ id: 1, name: 'counter', n: 0 })) })
    let runs = 0
    const bump: Body<void, Handle> = function * (tx) {
      runs++
      const row = yield * one(tx.select({ n: probe.n }).from(probe).where(eq(probe.id, 1)))
      yield * run(tx.update(probe).set({ n: row!.n + 1 }).where(eq(probe.id, 1)))
    }
    const bumps = 20
    await Promise.all(Array.from({ length: bumps }, (_, i) => (i % 2 === 0 ? side.transaction(bump) : side.other(bump))))
    const final = await side.transaction(function * (tx) { return yield * one(tx.select({ n: probe.n }).from(probe).where(eq(probe.id, 1))) })
    expect(final!.n).toBe(bumps)
    expect(runs).toBeGreaterThanOrEqual(bumps)
  })
})

describe('one node at a time: the sweep lock', () => {
  test('on PostgreSQL a transaction gets the lock only while no other holds it', async () => {
    const database = await freshPgDatabase()
    const pool = openPool(database.url, 3)
    const holder = await pool.connect()
    try {
      const take = () => pgTransaction(pool, function * (tx) { return yield * tryLock(tx, LOCKS.readinessSweep) })
      await holder.query('BEGIN')
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, LOCKS.readinessSweep])
      expect(await take()).toBe(false)
      await holder.query('COMMIT') // a transaction-level lock ends with its transaction
      expect(await take()).toBe(true)
      expect(await take()).toBe(true) // and the winner's ended with its own
    } finally {
      holder.release()
      await pool.end()
      await database.drop()
    }
  })

  test('on SQLite the one process always gets it', async () => {
    const { side, close } = sqliteSide()
    try {
      expect(await side.transaction(function * (tx) { return yield * tryLock(tx, LOCKS.readinessSweep) })).toBe(true)
    } finally { close() }
  })
})

describe('SQLite runs a body without a break', () => {
  test('nothing queued before it runs before it ends', async () => {
    const { side, close } = sqliteSide()
    try {
      const seen: string[] = []
      queueMicrotask(() => seen.push('microtask'))
      setImmediate(() => seen.push('immediate'))
      const done = side.transaction(function * (tx) {
        yield * run(tx.insert(side.probe).values({ id: 1, name: 'a', n: 1 }))
        seen.push('between statements')
        yield * one(tx.select().from(side.probe))
        seen.push('body done')
      })
      seen.push('after the call')
      await done
      expect(seen.slice(0, 3)).toEqual(['between statements', 'body done', 'after the call'])
    } finally { close() }
  })
})
