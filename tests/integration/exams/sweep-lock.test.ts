import { describe, test, expect } from 'vitest'
import { drizzle } from 'drizzle-orm/node-postgres'
import { transaction } from '../../../src/db/engine.js'
import type { Db } from '../../../src/db/connection.js'
import { openPool, LOCK_NAMESPACE, LOCKS } from '../../../src/db/postgres.js'
import { sweepOverdue } from '../../../src/features/exams/index.js'
import { freshPgDatabase } from '../../helpers/pg.js'

// Several app nodes run the overdue sweep's timer: the pass is one transaction under the
// overdue-sweep lock, and a node that finds the lock held does nothing. Exams has not moved to
// both engines yet, so the pass itself cannot run on PostgreSQL: the database here is empty, and
// a sweep that went past the lock would fail on the missing attempts table.
describe('the overdue sweep on several nodes', () => {
  test('while another node holds the lock, a sweep does nothing; once it is free, it goes on to read', async () => {
    const database = await freshPgDatabase()
    const pool = openPool(database.url, 3)
    const db = drizzle(pool) as unknown as Db
    const holder = await pool.connect()
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, LOCKS.overdueSweep])
      expect(await transaction(db, sweepOverdue, new Date())).toBe(0)
      await holder.query('COMMIT')
      await expect(transaction(db, sweepOverdue, new Date())).rejects.toThrow(/attempts/)
    } finally {
      holder.release()
      await pool.end()
      await database.drop()
    }
  })
})
