import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { describe, test, expect } from 'vitest'
import { loadConfig } from '../../../src/config.js'
import { openMigrated } from '../../../src/server.js'
import { buildApp } from '../../../src/app.js'
import { ManualClock } from '../../../src/lib/clock.js'

const statTables = (db: Awaited<ReturnType<typeof openMigrated>>) => {
  const exists = db.$client.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get()
  return exists ? new Set((db.$client.prepare('SELECT DISTINCT tbl FROM sqlite_stat1').all() as Array<{ tbl: string }>).map((r) => r.tbl)) : new Set<string>()
}

describe('the query planner keeps statistics', () => {
  test('the start analyses the tables (PRAGMA optimize), and the maintenance timer runs it again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-optimize-'))
    try {
      const config = loadConfig({ DATABASE_PATH: path.join(dir, 'g.db'), LOG_LEVEL: 'silent' })
      const first = await openMigrated(config)
      first.$client.exec("INSERT INTO audit_events (at, action) WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 2000) SELECT v, 'test.event' FROM n")
      first.$client.close()
      const db = await openMigrated(config)
      expect(statTables(db)).toContain('audit_events')
      // Stale statistics after the data grows a lot are refreshed by the timer.
      db.$client.exec("INSERT INTO audit_events (at, action) WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 60000) SELECT v, 'test.more' FROM n")
      db.$client.prepare("SELECT count(*) FROM audit_events WHERE action = 'test.more'").get()
      const before = (db.$client.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 'audit_events_action_idx'").get() as { stat: string }).stat
      const app = await buildApp(config, db, new ManualClock(), { dataKey: randomBytes(32), sweepMs: 0, optimizeMs: 20 })
      await new Promise((resolve) => setTimeout(resolve, 200))
      const after = (db.$client.prepare("SELECT stat FROM sqlite_stat1 WHERE idx = 'audit_events_action_idx'").get() as { stat: string }).stat
      await app.close()
      expect(Number(after.split(' ')[0])).toBeGreaterThan(Number(before.split(' ')[0]))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
