import { timestamp, customType } from 'drizzle-orm/pg-core'

// Column builders the PostgreSQL schema (pg-schema/<area>.ts) uses for what SQLite stores its own way.

/** SQLite's `integer(name, { mode: 'timestamp_ms' })`: a point in time to the millisecond, read as a Date. */
export function timestampMs<TName extends string> (name: TName) {
  return timestamp(name, { withTimezone: true, mode: 'date', precision: 3 })
}

/** SQLite's `blob(name, { mode: 'buffer' })`: bytes, read as a Buffer. */
export const bytea = customType<{ data: Buffer, driverData: Buffer }>({
  dataType: () => 'bytea'
})

/**
 * SQLite's `text` for a column a list sorts or pages by (names, codes, keys): in the "C"
 * collation, so PostgreSQL orders it by code point, as SQLite's BINARY does, whatever locale the
 * database was created with (en_US or zh_CN would put 'a' before 'B' and order Chinese its own
 * way), and keyset comparisons agree with the index order on both engines.
 * tests/unit/db/pg-schema-parity.test.ts lists the columns that must have it.
 */
export const codePointText = customType<{ data: string, driverData: string }>({
  dataType: () => 'text COLLATE "C"'
})
