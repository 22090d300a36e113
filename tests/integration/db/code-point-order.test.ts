import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { getTableConfig, type PgColumn } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { openPostgres, poolOf } from '../../../src/db/connection.js'
import { migratePostgres } from '../../../src/db/postgres.js'
import { exec, rows } from '../../../src/db/engine.js'
import type { Db } from '../../../src/db/connection.js'
import * as pgSchema from '../../../src/db/pg-schema.js'
import { enterprises, jurisdictions } from '../../../src/db/schema.js'
import { pageEnterprises } from '../../../src/features/orgs/queries.js'
import { pgUrl } from '../../helpers/pg.js'
import { onPostgres } from '../../helpers/db.js'
import type { Key } from '../../../src/lib/keyset.js'

// SQLite compares text by its bytes (UTF-8: code-point order); PostgreSQL by the database's
// collation, which follows the locale the cluster or database was made with. The name and key
// columns lists sort and page by are in the "C" collation there (pg-columns.ts codePointText),
// so a list comes out in the same order on both engines. Proved on a database whose own
// collation is not C: ICU's en-US, which puts 'a' before 'B' and ignores accents at first.

const NAMES = ['a', 'B', 'Z', 'e', 'É', 'ä', '张', '李', '王', 'A b', 'Ab', '_x', '10', '9']

describe.skipIf(!onPostgres)('names in code-point order on a PostgreSQL database of another locale', () => {
  const name = `t_icu_${randomBytes(5).toString('hex')}`
  let db: Db
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: pgUrl('postgres') })
    await client.connect()
    try { await client.query(text) } finally { await client.end() }
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' ENCODING 'UTF8'`)
    db = openPostgres(pgUrl(name), 2)
    await migratePostgres(poolOf(db))
  })
  afterAll(async () => {
    await poolOf(db).end()
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })

  test('the database itself does not sort by code point', async () => {
    const [r] = await exec(db, (d) => rows<{ lower: boolean }>(d, sql`SELECT 'a' < 'B' AS lower`))
    expect(r!.lower).toBe(true)
  })

  test('every code-point column of the schema is in the C collation in the migrated database', async () => {
    const wanted = Object.values(pgSchema).flatMap((t) => {
      if (typeof t !== 'object' || t === null || !('getSQL' in t)) return []
      let config
      try { config = getTableConfig(t as never) } catch { return [] }
      return config.columns.filter((c: PgColumn) => c.getSQLType() === 'text COLLATE "C"').map((c) => `${config.name}.${c.name}`)
    })
    expect(wanted).toContain('trainees.full_name')
    expect(wanted).toContain('enterprises.name')
    const found = await exec(db, (d) => rows<{ col: string, coll: string }>(d, sql`
      SELECT c.relname || '.' || a.attname AS col, co.collname AS coll
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_collation co ON co.oid = a.attcollation
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`))
    const collation = new Map(found.map((r) => [r.col, r.coll]))
    expect(Object.fromEntries(wanted.map((c) => [c, collation.get(c)]))).toEqual(Object.fromEntries(wanted.map((c) => [c, 'C'])))
    // The other text columns keep the database's own (the default), so the check above can fail.
    expect(collation.get('enterprises.address')).toBe('default')
  })

  test('the enterprise list, paged two at a time, comes out in code-point order', async () => {
    const now = new Date()
    const [j] = await db.insert(jurisdictions).values({ code: 'ICU', name: 'Station', level: 'station', createdAt: now }).returning()
    await db.insert(enterprises).values(NAMES.map((n, i) => ({ name: n, creditCode: `C${i}`, jurisdictionId: j!.id, createdAt: now, updatedAt: now })))
    const seen: string[] = []
    let after: Key | undefined
    for (let i = 0; i < NAMES.length; i++) {
      const page = await exec(db, pageEnterprises, undefined, after ? { size: 2, after } : { size: 2 })
      seen.push(...page.rows.map((r) => r.name))
      if (!page.next) break
      after = page.next
    }
    const codePoint = [...NAMES].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    expect(seen).toEqual(codePoint)
    // And back again: the page before the last page's key holds the two names before it.
    const back = await exec(db, pageEnterprises, undefined, { size: 2, before: after! })
    const at = codePoint.indexOf(after![0] as string)
    expect(back.rows.map((r) => r.name)).toEqual(codePoint.slice(at - 2, at))
  })
})
