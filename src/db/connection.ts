import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type pg from 'pg'
import * as schema from './sqlite-schema.js'
import * as pgSchema from './pg-schema.js'
import { MIGRATIONS_DIR } from '../paths.js'
import { isPostgres } from './engine.js'
import { ENGINE } from './schema.js'
import { openPool, startLocked } from './postgres.js'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }

export { MIGRATIONS_DIR }

/** Opens (creating if needed) the SQLite file with the pragmas every connection needs. */
export function openDatabase (file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true })
  const client = new Database(file)
  client.pragma('journal_mode = WAL')
  client.pragma('foreign_keys = ON')
  client.pragma('busy_timeout = 5000')
  // FULL: every commit syncs the write-ahead log before it returns, so an answer the
  // server acknowledged survives a power cut (NORMAL syncs only at checkpoints: the
  // last commits before a cut could be lost). The group commit spends one sync on
  // every answer that arrived together.
  client.pragma('synchronous = FULL')
  return drizzle(client, { schema }) as Db
}

/**
 * A Drizzle database on a PostgreSQL pool, typed as the SQLite one (db/schema.ts: the process's
 * tables are PostgreSQL's, with the same row types). Its `$client` is the pool.
 */
export function openPostgres (url: string, poolSize = 10, onIdleError: (err: Error) => void = () => {}): Db {
  return drizzlePg(openPool(url, poolSize, onIdleError), { schema: pgSchema }) as unknown as Db
}

/** The pool of a PostgreSQL database opened with openPostgres. */
export function poolOf (db: Db): pg.Pool {
  return db.$client as unknown as pg.Pool
}

/** The configured database, opened and migrated (on PostgreSQL under the start lock, with `underLock` run inside it). */
export async function openConfigured (config: { databaseUrl: string | undefined, databasePath: string, databasePoolSize: number }, underLock: (db: Db) => Promise<void> = async () => {}, onIdleError?: (err: Error) => void): Promise<Db> {
  assertEngine(config.databaseUrl !== undefined)
  if (config.databaseUrl !== undefined) {
    const db = openPostgres(config.databaseUrl, config.databasePoolSize, onIdleError)
    try {
      await startLocked(poolOf(db), () => underLock(db))
    } catch (err) {
      await closeDatabase(db)
      throw err
    }
    return db
  }
  const db = openDatabase(config.databasePath)
  try {
    migrateDatabase(db)
    optimizeDatabase(db, true)
    await underLock(db)
  } catch (err) {
    db.$client.close()
    throw err
  }
  return db
}

/**
 * Refuses a database of the other engine than the process's tables (db/schema.ts, chosen by
 * DATABASE_URL before anything ran): its queries would be rendered in the wrong dialect.
 */
export function assertEngine (postgres: boolean): void {
  if (postgres !== (ENGINE === 'postgres')) {
    throw new Error(postgres
      ? 'A PostgreSQL database was opened but this process runs on SQLite: set DATABASE_URL to the postgres:// address in the environment before starting'
      : 'A SQLite database was opened but DATABASE_URL selects PostgreSQL for this process')
  }
}

/** Closes a database of either engine (SQLite's connection, PostgreSQL's pool). */
export async function closeDatabase (db: Db): Promise<void> {
  if (isPostgres(db)) await poolOf(db).end()
  else if (db.$client.open) db.$client.close()
}

export function migrateDatabase (db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
}

/**
 * Keeps the query planner's statistics current (SQLite's PRAGMA optimize): at start with
 * 0x10002, which also analyses tables never analysed before, and then every few hours (the
 * app's maintenance timer). analysis_limit keeps each ANALYZE to a sample, so it stays quick
 * on a province's tables. Nothing to do on PostgreSQL.
 */
export function optimizeDatabase (db: Db, atStart = false): void {
  // PostgreSQL keeps its statistics itself (autovacuum's ANALYZE).
  if (isPostgres(db)) return
  db.$client.pragma('analysis_limit = 1000')
  db.$client.pragma(atStart ? 'optimize = 0x10002' : 'optimize')
}

/** A transaction handle as Drizzle passes it to `db.transaction` callbacks. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Queries that may run alone or inside a caller's transaction take this. */
export type DbOrTx = Db | Tx
