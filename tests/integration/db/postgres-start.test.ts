import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import type pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { openPool, withAdvisoryLock, migratePostgres, LOCKS } from '../../../src/db/postgres.js'
import { exec, appliedMigrations } from '../../../src/db/engine.js'
import { MIGRATIONS_PG_DIR } from '../../../src/paths.js'
import { freshPgDatabase, type PgDatabase } from '../../helpers/pg.js'

// Several app nodes start together on one PostgreSQL database: the start lock lets one migrate
// while the others wait, and they then find nothing left to do.
describe('PostgreSQL: nodes starting together', () => {
  let database: PgDatabase
  let pools: pg.Pool[]
  beforeEach(async () => {
    database = await freshPgDatabase()
    pools = [openPool(database.url, 3), openPool(database.url, 3), openPool(database.url, 3)]
  })
  afterEach(async () => {
    await Promise.all(pools.map((p) => p.end()))
    await database.drop()
  })

  test('the advisory lock lets one holder in at a time, on separate pools', async () => {
    const spans: Array<[number, number]> = []
    const hold = (pool: pg.Pool) => withAdvisoryLock(pool, LOCKS.start, async () => {
      const start = performance.now()
      await new Promise((resolve) => setTimeout(resolve, 40))
      spans.push([start, performance.now()])
    })
    await Promise.all(pools.map(hold))
    expect(spans).toHaveLength(3)
    spans.sort((a, b) => a[0] - b[0])
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1])
  })

  test('a failure inside releases the lock', async () => {
    await expect(withAdvisoryLock(pools[0]!, LOCKS.start, async () => { throw new Error('boom') })).rejects.toThrow('boom')
    const got = await pools[1]!.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [0x47504153, LOCKS.start])
    expect(got.rows[0]!.ok).toBe(true)
  })

  test('three nodes migrating at once apply every migration once', async () => {
    await Promise.all(pools.map((p) => migratePostgres(p)))
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_PG_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
    expect(await exec(drizzle(pools[0]!), appliedMigrations)).toBe(journal.entries.length)
    const tables = await pools[0]!.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'")
    expect(Number(tables.rows[0]!.n)).toBeGreaterThan(20)
    // A node starting later finds nothing to do.
    await migratePostgres(pools[1]!)
    expect(await exec(drizzle(pools[1]!), appliedMigrations)).toBe(journal.entries.length)
  })
})
