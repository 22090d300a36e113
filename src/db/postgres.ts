import pg from 'pg'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { MIGRATIONS_PG_DIR } from '../paths.js'

/**
 * PostgreSQL's side of the data layer (issue 19): the pool, and what several app nodes starting
 * together must do once.
 */

/** Advisory lock keys: one namespace for GuardPass (first number), one key per purpose. */
export const LOCK_NAMESPACE = 0x47504153 // "GPAS"
export const LOCKS = {
  /** Held while a node migrates the schema and publishes the bank at start. */
  start: 1,
  /** Taken for a transaction by the node that runs a periodic pass (engine.ts tryLock). */
  overdueSweep: 2,
  readinessSweep: 3,
  /** Held by the transaction numbering a unit's rectification notices (engine.ts holdLock, per unit). */
  noticeNumbers: 4
} as const

/**
 * A pool of connections. An idle connection the server ends (a restart, a terminated backend)
 * is reported to `onIdleError` and dropped; the pool opens a new one when it needs it. Without a
 * listener, node-postgres would raise it as an uncaught error and end the process.
 */
export function openPool (url: string, max = 10, onIdleError: (err: Error) => void = () => {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max })
  pool.on('error', onIdleError)
  return pool
}

/**
 * Runs `fn` holding a session advisory lock on one connection of the pool: another node asking
 * for the same lock waits until this one is done (or its connection dies, which releases it).
 */
export async function withAdvisoryLock<T> (pool: pg.Pool, key: number, fn: (db: NodePgDatabase, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, key])
    try {
      return await fn(drizzle(client), client)
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, key]).catch(() => { broken = true })
    }
  } catch (err) {
    broken = true
    throw err
  } finally {
    // A connection whose unlock failed may still hold the lock: end it rather than pool it.
    client.release(broken)
  }
}

/**
 * Applies the committed PostgreSQL migrations, under the start lock: nodes starting together
 * migrate one after another, and the later ones find nothing left to do.
 */
export async function migratePostgres (pool: pg.Pool, migrationsFolder = MIGRATIONS_PG_DIR): Promise<void> {
  await startLocked(pool, async () => {}, migrationsFolder)
}

/**
 * What a node does once at start, before it serves, under the start lock: migrate, then `fn` (the
 * server: check the data key, publish the bundled bank release, seed the demo on an empty
 * database). Nodes starting together take turns; each later one finds the work done.
 */
export async function startLocked<T> (pool: pg.Pool, fn: () => Promise<T>, migrationsFolder = MIGRATIONS_PG_DIR): Promise<T> {
  return await withAdvisoryLock(pool, LOCKS.start, async (db) => {
    await migrate(db, { migrationsFolder })
    return await fn()
  })
}
