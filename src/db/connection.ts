import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.js'
import { MIGRATIONS_DIR } from '../paths.js'

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

export function migrateDatabase (db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR })
}

/**
 * Keeps the query planner's statistics current (SQLite's PRAGMA optimize): at start with
 * 0x10002, which also analyses tables never analysed before, and then every few hours (the
 * app's maintenance timer). analysis_limit keeps each ANALYZE to a sample, so it stays quick
 * on a province's tables.
 */
export function optimizeDatabase (db: Db, atStart = false): void {
  db.$client.pragma('analysis_limit = 1000')
  db.$client.pragma(atStart ? 'optimize = 0x10002' : 'optimize')
}

/** A transaction handle as Drizzle passes it to `db.transaction` callbacks. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
/** Queries that may run alone or inside a caller's transaction take this. */
export type DbOrTx = Db | Tx
