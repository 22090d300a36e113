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
