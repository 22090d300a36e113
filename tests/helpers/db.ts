// Raw SQL from test code on either engine (the app's own SQL goes through the areas' query
// functions). Drizzle builders need nothing: `await t.db.select()…` runs on both.
import type { SQL } from 'drizzle-orm'
import type { Db } from '../../src/db/connection.js'
import { exec, rows } from '../../src/db/engine.js'
import { ENGINE } from '../../src/db/schema.js'

/** The rows of a raw statement (each engine's own values: prefer the builders). */
export function sqlRows<T = Record<string, unknown>> (db: Db, statement: SQL): Promise<T[]> {
  return exec(db, function * (d) { return yield * rows<T>(d, statement) })
}

/** Whether this run's tables are PostgreSQL's (the integration-pg project): for `test.skipIf(onPostgres)` on one engine's machinery. */
export const onPostgres = ENGINE === 'postgres'
