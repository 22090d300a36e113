import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, type TestApp } from '../../helpers/app.js'
import { onPostgres } from '../../helpers/db.js'
import { exec, transaction } from '../../../src/db/engine.js'
import { openPostgres, closeDatabase } from '../../../src/db/connection.js'
import { countAudit, writeAudit } from '../../../src/features/audit/queries.js'
import { auditTotals } from '../../../src/db/schema.js'

// The whole log's total is kept by a trigger, so the admin's first page need not count millions of
// rows. On PostgreSQL it is kept in shards: events recorded by many transactions at once (a class
// starting a mock on several nodes) must neither conflict until they give up nor be miscounted.
let t: TestApp
beforeAll(async () => { t = await buildTestApp() })
afterAll(async () => { await t.close() })

describe('the audit log\'s total', () => {
  test('60 transactions recording an event at the same moment all commit, and the total counts each once', async () => {
    const before = await exec(t.db, countAudit, {})
    // On PostgreSQL through a pool of 20 connections, as a busy node's: 20 transactions at once.
    const db = onPostgres ? openPostgres(t.config.databaseUrl!, 20) : t.db
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) =>
      transaction(db, writeAudit, { actorId: null, action: 'test.burst', details: { i } }, t.clock.now())))
    if (db !== t.db) await closeDatabase(db)
    expect(results.filter((r) => r.status === 'rejected')).toEqual([])
    expect(await exec(t.db, countAudit, {})).toBe(before + 60)
    // The total is the trigger's, and equals a count of the rows.
    const filtered = await exec(t.db, countAudit, { action: 'test.burst' })
    expect(filtered).toBe(60)
    const rows = await t.db.select().from(auditTotals)
    expect(rows.reduce((n, r) => n + Number(r.events), 0)).toBe(before + 60)
    // SQLite keeps one row; PostgreSQL spreads the events over up to 16.
    if (onPostgres) expect(rows.length).toBeGreaterThan(1)
    else expect(rows.map((r) => r.id)).toEqual([1])
  })
})
