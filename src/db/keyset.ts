import { asc, desc, is, sql, Column, type AnyColumn, type SQL } from 'drizzle-orm'
import type { KeysetRequest } from '../lib/keyset.js'

type Col = AnyColumn | SQL

/**
 * A key's value as a parameter: through the column's own encoding when the sort column is a
 * column (a timestamp's key is its milliseconds in the URL, a Date for the column, which each
 * engine stores its way), as it is against an expression.
 */
function keyParam (c: Col, v: unknown): SQL {
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
