// Raw SQL from test code on either engine (the app's own SQL goes through the areas' query
// functions). Drizzle builders need nothing: `await t.db.select()…` runs on both.
import type { SQL } from 'drizzle-orm'
import pg from 'pg'
import type Database from 'better-sqlite3'
import type { Db } from '../../src/db/connection.js'
import { exec, rows } from '../../src/db/engine.js'
import { ENGINE } from '../../src/db/schema.js'

/** The rows of a raw statement (each engine's own values: prefer the builders). */
export function sqlRows<T = Record<string, unknown>> (db: Db, statement: SQL): Promise<T[]> {
  return exec(db, function * (d) { return yield * rows<T>(d, statement) })
}

/** Whether this run's tables are PostgreSQL's (the integration-pg project): for `test.skipIf(onPostgres)` on one engine's machinery. */
export const onPostgres = ENGINE === 'postgres'

/**
 * How many statements the database is sent while `fn` runs (every query on every connection of
 * the process: run it with nothing else going on): each execution of a better-sqlite3 statement on
 * SQLite, each query of a node-postgres client on PostgreSQL (BEGIN and COMMIT among them). For
 * tests that a path's database work grows with chunks, not rows.
 */
export async function countStatements (db: Db, fn: () => Promise<unknown>): Promise<number> {
  let n = 0
  const targets: Array<[Record<string, unknown>, string[]]> = onPostgres
    ? [[pg.Client.prototype as unknown as Record<string, unknown>, ['query']]]
    : [[Object.getPrototypeOf((db as unknown as { $client: Database.Database }).$client.prepare('SELECT 1')) as Record<string, unknown>, ['run', 'all', 'get', 'iterate']]]
  const restore: Array<() => void> = []
  for (const [proto, names] of targets) {
    for (const name of names) {
      const original = proto[name] as (...args: unknown[]) => unknown
      proto[name] = function (this: unknown, ...args: unknown[]) { n++; return original.apply(this, args) }
      restore.push(() => { proto[name] = original })
    }
  }
  try {
    await fn()
  } finally {
    for (const r of restore) r()
  }
  return n
}
