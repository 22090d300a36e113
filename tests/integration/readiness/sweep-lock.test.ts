import { describe, test, expect } from 'vitest'
import { drizzle } from 'drizzle-orm/node-postgres'
import { transaction } from '../../../src/db/engine.js'
import type { Db } from '../../../src/db/connection.js'
import { openPool, LOCK_NAMESPACE, LOCKS } from '../../../src/db/postgres.js'
import { ManualClock } from '../../../src/lib/clock.js'
import { sweepDueChunk, sweepDueReadiness } from '../../../src/features/readiness/keeper.js'
import { freshPgDatabase } from '../../helpers/pg.js'

// Several app nodes run the readiness keeper's timer: each chunk of the daily sweep is one
// transaction under the readiness-sweep lock, and a node that finds the lock held does nothing
// (its pass ends). The readiness tables are not switched to PostgreSQL yet, so the database here
// is empty, and a sweep that went past the lock fails on the missing trainee_readiness table.
describe('the daily readiness sweep on several nodes', () => {
  test('while another node holds the lock, a sweep does nothing; once it is free, it goes on to read', async () => {
    const database = await freshPgDatabase()
    const pool = openPool(database.url, 3)
    const db = drizzle(pool) as unknown as Db
    const holder = await pool.connect()
    const now = new Date('2026-06-01T02:00:00Z')
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, LOCKS.readinessSweep])
      expect(await transaction(db, sweepDueChunk, now, 'Asia/Shanghai')).toBe(0)
      expect(await sweepDueReadiness(db, new ManualClock(now), 'Asia/Shanghai')).toBe(0)
      await holder.query('COMMIT')
      await expect(transaction(db, sweepDueChunk, now, 'Asia/Shanghai')).rejects.toThrow(/trainee_readiness/)
    } finally {
      holder.release()
      await pool.end()
      await database.drop()
    }
  })
})
