import { describe, expect, test } from 'vitest'
import { sql } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { PgDialect } from 'drizzle-orm/pg-core'
import { keysetQuery } from '../../../src/db/keyset.js'
import { escalationCases } from '../../../src/db/sqlite-schema.js'
import { escalationCases as pgEscalationCases } from '../../../src/db/pg-schema.js'

// A list's key comes from the URL as numbers; a timestamp sort column's value must reach each
// engine in its own form (milliseconds on SQLite, a timestamp on PostgreSQL), never the raw number.
describe('keyset values are bound through their sort column', () => {
  const at = Date.UTC(2026, 10, 20, 8, 30)

  test('on SQLite a timestamp key is its milliseconds', () => {
    const k = keysetQuery([escalationCases.escalatedAt, escalationCases.id], { size: 10, after: [at, 7] }, true)
    const q = new SQLiteSyncDialect().sqlToQuery(k.where!)
    expect(q.params).toEqual([at, 7])
  })

  test('on PostgreSQL a timestamp key is a timestamp, not a number', () => {
    const k = keysetQuery([pgEscalationCases.escalatedAt as never, pgEscalationCases.id as never], { size: 10, after: [at, 7] }, true)
    const q = new PgDialect().sqlToQuery(k.where!)
    expect(typeof q.params[0]).not.toBe('number')
    expect(new Date(q.params[0] as string).getTime()).toBe(at)
    expect(q.params[1]).toBe(7)
  })

  test('against an expression the value is bound as it is', () => {
    const k = keysetQuery([sql`CASE WHEN 1 THEN 1 ELSE 0 END`, escalationCases.id], { size: 10, before: [1, 3] })
    expect(new SQLiteSyncDialect().sqlToQuery(k.where!).params).toEqual([1, 3])
  })
})

// A key typed into a URL may hold any exact integer; PostgreSQL refuses a parameter past an
// integer column's range, so such a value is compared as a bigint on both engines.
describe('keys past the integer range', () => {
  test('an id past 2^31 − 1 is bound as a bigint, an ordinary one as it is', () => {
    const pg = new PgDialect()
    const big = keysetQuery([pgEscalationCases.id as never], { size: 10, after: [99999999999] })
    const q = pg.sqlToQuery(big.where!)
    expect(q.sql).toContain('CAST($1 AS bigint)')
    expect(q.params).toEqual([99999999999])
    const small = pg.sqlToQuery(keysetQuery([pgEscalationCases.id as never], { size: 10, after: [2_147_483_647] }).where!)
    expect(small.sql).not.toContain('CAST')
  })

  test('against an expression too, and below the range', () => {
    const k = keysetQuery([sql`CASE WHEN 1 THEN 1 ELSE 0 END`, escalationCases.id], { size: 10, after: [-(2 ** 31) - 1, 2 ** 40] })
    const q = new SQLiteSyncDialect().sqlToQuery(k.where!)
    expect(q.sql.match(/CAST\(\? AS bigint\)/g)).toHaveLength(2)
    expect(q.params).toEqual([-(2 ** 31) - 1, 2 ** 40])
  })

  test('a time past the years 1 to 9999 is held to them', () => {
    const k = keysetQuery([pgEscalationCases.escalatedAt as never, pgEscalationCases.id as never], { size: 10, after: [Number.MAX_SAFE_INTEGER, 1] })
    const q = new PgDialect().sqlToQuery(k.where!)
    expect(new Date(q.params[0] as string).toISOString()).toBe('9999-12-31T23:59:59.999Z')
    const low = keysetQuery([escalationCases.escalatedAt, escalationCases.id], { size: 10, before: [-Number.MAX_SAFE_INTEGER, 1] })
    expect(new SQLiteSyncDialect().sqlToQuery(low.where!).params[0]).toBe(-62_135_596_800_000)
  })
})
