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
