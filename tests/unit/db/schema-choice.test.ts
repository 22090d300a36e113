import { describe, test, expect, vi, afterEach } from 'vitest'
import { is } from 'drizzle-orm'
import { SQLiteTable } from 'drizzle-orm/sqlite-core'
import { PgTable } from 'drizzle-orm/pg-core'
import * as sqlite from '../../../src/db/sqlite-schema.js'

// schema.ts hands every area the tables of the process's engine. Each table it names is written
// out by hand (a destructuring), so this checks it names every table of the schema, and that
// DATABASE_URL picks the dialect.
const tableNames = Object.keys(sqlite).filter((k) => is((sqlite as Record<string, unknown>)[k], SQLiteTable)).sort()
expect(tableNames.length).toBeGreaterThan(50)

afterEach(() => { vi.unstubAllEnvs(); vi.resetModules() })

type Exports = Record<string, unknown>
const isTable = (value: unknown, kind: typeof SQLiteTable | typeof PgTable) => value !== null && typeof value === 'object' && Object.getPrototypeOf(value) !== null && is(value, kind)

/** schema.ts loaded afresh with this DATABASE_URL, and the two schemas of the same load (so objects compare). */
async function tablesWith (url: string | undefined) {
  vi.resetModules()
  vi.stubEnv('DATABASE_URL', url ?? '')
  const t = await import('../../../src/db/schema.js') as unknown as Exports & { ENGINE: string }
  const s = await import('../../../src/db/sqlite-schema.js') as unknown as Exports
  const p = await import('../../../src/db/pg-schema.js') as unknown as Exports
  return { t, s, p }
}

describe('tables of the chosen engine', () => {
  test('without a postgres:// DATABASE_URL: every SQLite table, by the same name', async () => {
    for (const url of [undefined, './data/gp.db']) {
      const { t, s } = await tablesWith(url)
      expect(t.ENGINE).toBe('sqlite')
      const named = Object.keys(t).filter((k) => isTable(t[k], SQLiteTable)).sort()
      expect(named).toEqual(tableNames)
      for (const name of tableNames) expect(t[name]).toBe(s[name])
    }
  })

  test('with a postgres:// DATABASE_URL: every PostgreSQL table under the SQLite names, and no SQLite table', async () => {
    const { t, p } = await tablesWith('postgresql://gp@/guardpass?host=/run/postgresql')
    expect(t.ENGINE).toBe('postgres')
    expect(Object.keys(t).filter((k) => isTable(t[k], SQLiteTable))).toEqual([])
    const named = Object.keys(t).filter((k) => isTable(t[k], PgTable)).sort()
    expect(named).toEqual(tableNames)
    for (const name of tableNames) expect(t[name]).toBe(p[name])
  })

  test('the values both schemas share come through unchanged', async () => {
    const { t, s, p } = await tablesWith(undefined)
    expect(t.ROLES).toBe(s.ROLES)
    expect(t.ROLES).toBe(p.ROLES)
    expect(t.encodeOptionOrder).toBe(s.encodeOptionOrder)
  })
})
