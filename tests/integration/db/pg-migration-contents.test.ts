import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { openDatabase, MIGRATIONS_DIR } from '../../../src/db/connection.js'

// A fresh PostgreSQL database gets from migrations-pg/ what a fresh SQLite one gets from migrations/
// beyond its tables (the parity tests compare those): the rows its migrations put in, and its
// triggers. Read from the PostgreSQL migrations' SQL; no PostgreSQL here.
const pgSql = fs.readdirSync(path.join(MIGRATIONS_DIR, '../migrations-pg')).filter((f) => f.endsWith('.sql')).sort()
  .map((f) => fs.readFileSync(path.join(MIGRATIONS_DIR, '../migrations-pg', f), 'utf8')).join('\n')

function freshSqlite () {
  const db = openDatabase(':memory:')
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
  return db.$client
}

describe('the PostgreSQL migrations carry what the SQLite migrations create besides tables', () => {
  test('the rows a fresh database starts with: the same number per table, with the same text', () => {
    const c = freshSqlite()
    const tables = (c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all() as Array<{ name: string }>).map((r) => r.name)
    const seeded = tables.map((name) => ({ name, rows: c.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>> })).filter((t) => t.rows.length > 0)
    // Today the audit total's row and the inspection checklist; a new seed must be carried over too.
    expect(seeded.map((t) => t.name).sort()).toEqual(['audit_totals', 'checklist_items'])
    for (const { name, rows } of seeded) {
      const insert = new RegExp(`INSERT INTO "${name}" \\([^)]*\\) VALUES\\s*([^;]*);`).exec(pgSql)
      expect(insert, `no INSERT INTO "${name}" in migrations-pg`).not.toBeNull()
      const tuples = insert![1]!.split(/\),\s*\(/)
      expect(tuples.length, name).toBe(rows.length)
      for (const row of rows) {
        for (const value of Object.values(row).filter((v): v is string => typeof v === 'string')) {
          expect(insert![0], `${name}: ${value}`).toContain(`'${value.replaceAll("'", "''")}'`)
        }
      }
    }
  })

  test('the same triggers, by name', () => {
    const c = freshSqlite()
    const triggers = (c.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>).map((r) => r.name).sort()
    expect(triggers.length).toBeGreaterThan(0)
    const pgTriggers = [...pgSql.matchAll(/CREATE TRIGGER "([a-z_]+)"/g)].map((m) => m[1]).sort()
    expect(pgTriggers).toEqual(triggers)
  })
})
