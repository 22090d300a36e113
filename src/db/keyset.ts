import { asc, desc, is, sql, Column, type AnyColumn, type SQL } from 'drizzle-orm'
import type { KeysetRequest } from '../lib/keyset.js'

type Col = AnyColumn | SQL

/** PostgreSQL's `integer`, the type of most id columns and of integer expressions there. */
const INT_MIN = -2_147_483_648
const INT_MAX = 2_147_483_647
/** The times a timestamp key is held to: years 1 to 9999, inside both Date's and PostgreSQL's range. */
const TIME_MIN = -62_135_596_800_000
const TIME_MAX = 253_402_300_799_999

/**
 * A key's value as a parameter: through the column's own encoding when the sort column is a
 * column (a timestamp's key is its milliseconds in the URL, a Date for the column, which each
 * engine stores its way), as it is against an expression.
 *
 * A key comes from the URL, so it may hold any exact integer. PostgreSQL refuses a parameter
 * past an `integer` column's or expression's range with an error (where SQLite compares it), so
 * such a number is bound as `CAST(? AS bigint)`: both engines compare an integer with a bigint
 * exactly (PostgreSQL's cross-type operators are in the integer btree family, so an index still
 * serves it), and a key past every row gives the page after it empty, the page before it the last.
 * A time past years 1 to 9999 is held to them (no row is stored there; Date and PostgreSQL's
 * timestamp have limits of their own).
 */
function keyParam (c: Col, v: unknown): SQL {
  if (typeof v === 'number' && (v < INT_MIN || v > INT_MAX)) {
    if (is(c, Column) && c.dataType === 'date') return sql`${sql.param(new Date(Math.min(TIME_MAX, Math.max(TIME_MIN, v))), c)}`
    return sql`CAST(${sql.param(v)} AS bigint)`
  }
  if (!is(c, Column)) return sql`${v}`
  return sql`${sql.param(c.dataType === 'date' && typeof v === 'number' ? new Date(v) : v, c)}`
}

/**
 * The WHERE condition and ORDER BY of one keyset page over `cols` (the list's sort columns,
 * last a unique id), ascending or descending: a row-value comparison SQLite answers from an
 * index on those columns. A page before a key is read in reverse order (toPage turns it back).
 */
export function keysetQuery (cols: readonly Col[], req: KeysetRequest, descending = false): { where: SQL | undefined, orderBy: SQL[], limit: number } {
  const key = req.before ?? req.after
  const forward = req.before === undefined
  const down = descending === forward
  const where = key
    ? sql`(${sql.join(cols.map((c) => sql`${c}`), sql`, `)}) ${sql.raw(down ? '<' : '>')} (${sql.join(key.map((v, i) => keyParam(cols[i]!, v)), sql`, `)})`
    : undefined
  return { where, orderBy: cols.map((c) => down ? desc(c) : asc(c)), limit: req.size + 1 }
}
