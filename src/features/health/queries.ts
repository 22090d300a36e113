import { sql } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { isPostgres, rows, type Q } from '../../db/engine.js'
import { latestRelease, type Release } from '../bank/index.js'

/**
 * What /healthz reports: the schema version (migrations applied, counted in drizzle's table: in
 * the `drizzle` schema on PostgreSQL) and the newest bank release.
 */
export function * readHealth (db: Db): Q<{ schemaVersion: number, release: Release | undefined }> {
  const migrations = isPostgres(db) ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`
  const [applied] = yield * rows<{ n: number | string }>(db, sql`SELECT count(*) AS n FROM ${migrations}`)
  return { schemaVersion: Number(applied?.n ?? 0), release: yield * latestRelease(db) }
}
