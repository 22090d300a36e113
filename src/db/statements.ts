import type Database from 'better-sqlite3'
import type { Db } from './connection.js'

/**
 * Prepared statements for the hot paths (every request's session, every
 * autosave), compiled once per connection. Drizzle builds and prepares each
 * query anew, which costs more than the query itself on these paths.
 */
const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>()

export function prepared (db: Db, text: string): Database.Statement {
  let m = cache.get(db.$client)
  if (!m) { m = new Map(); cache.set(db.$client, m) }
  let s = m.get(text)
  if (!s) { s = db.$client.prepare(text); m.set(text, s) }
  return s
}
