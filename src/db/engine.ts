import pg from 'pg'
import type Database from 'better-sqlite3'
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { sql, type SQL } from 'drizzle-orm'
import { LOCK_NAMESPACE } from './postgres.js'

/**
 * Transactions written once for both engines (issue 19; docs/ARCHITECTURE.md, "Two engines").
 *
 * A transaction body is a generator: it yields each statement (through `all`, `one`, `run` and
 * `attempt` below, with `yield*`) and the engine runs it and hands back the result. On SQLite the
 * engine runs the whole body inside one synchronous better-sqlite3 transaction, so nothing else
 * runs on the connection meanwhile (the guarantee the code has always had); on PostgreSQL it
 * awaits each statement on one pooled connection inside BEGIN … COMMIT, at SERIALIZABLE, and runs
 * the body again when PostgreSQL reports a serialisation failure or a deadlock.
 *
 * The rule that keeps both correct: a body does nothing but the database's work. A generator
 * cannot await, so it cannot do other I/O in the middle of a transaction, and running it again
 * repeats nothing outside the database.
 *
 * A statement that fails ends the transaction on both engines (PostgreSQL refuses every later
 * statement of a transaction once one failed): the body may catch the error to clean up, but
 * another statement, or returning normally, throws it again. A statement whose refusal is an
 * answer (a unique key already taken) goes through `attempt`, which returns the error instead:
 * a savepoint on PostgreSQL, so the transaction goes on.
 */

/**
 * One statement a body hands to the engine: `q` is a Drizzle query of the engine's dialect, built
 * or prepared (then `params` are its placeholders' values).
 */
export interface Step { kind: 'all' | 'one' | 'run' | 'attempt' | 'rows' | 'wait', q: unknown, params?: Record<string, unknown> }

/** What a query function returns: run it with `exec` or `transaction`, or `yield*` it inside one. */
export type Q<T> = Generator<Step, T, unknown>

export type Body<T, H> = (tx: H) => Q<T>

type Params = Record<string, unknown> | undefined

/** What a write reports, on both engines. */
export interface RunResult { changes: number }

/** Every row of a query. */
export function * all<T> (q: { all(params?: Params): T[] } | PromiseLike<T[]>, params?: Params): Q<T[]> {
  return (yield { kind: 'all', q, params }) as T[]
}

/** The first row, or undefined. */
export function * one<T> (q: { get(params?: Params): T | undefined } | PromiseLike<T[]>, params?: Params): Q<T | undefined> {
  return (yield { kind: 'one', q, params }) as T | undefined
}

/** A write without RETURNING: how many rows it changed. */
export function * run (q: { run(params?: Params): unknown } | PromiseLike<unknown>, params?: Params): Q<RunResult> {
  return (yield { kind: 'run', q, params }) as RunResult
}

/** A write that may be refused: its result, or the database's error (the transaction goes on). */
export function * attempt (q: { run(params?: Params): unknown } | PromiseLike<unknown>, params?: Params): Q<RunResult | { error: DatabaseError }> {
  return (yield { kind: 'attempt', q, params }) as RunResult | { error: DatabaseError }
}

/**
 * Another request's read of the same value, already under way (db/immutable-cache.ts): its
 * value once it is read, or undefined where a body may not wait for it. Outside a transaction on
 * PostgreSQL it is waited for: a thousand starts at once then read a release's pool once, not a
 * thousand times. Inside a PostgreSQL transaction it is not (the transaction holds a connection
 * while the read waited for may need one from the same pool), nor on SQLite, where a read is done
 * before anything else runs, so there is never one under way.
 */
export function * awaitRead<T> (pending: Promise<T>): Q<T | undefined> {
  return (yield { kind: 'wait', q: pending }) as T | undefined
}

/**
 * The rows of a raw SQL statement (Drizzle's `sql` template) on the handle's engine. Rows carry each
 * engine's own values (SQLite's integers for times and booleans, PostgreSQL's Date and boolean),
 * so prefer the builders; this is for SQL the builders cannot say, written for both engines.
 */
export function * rows<T> (db: Handle, statement: SQL): Q<T[]> {
  return (yield { kind: 'rows', q: { db, statement } }) as T[]
}

/**
 * Takes a transaction-level advisory lock if it is free (PostgreSQL's pg_try_advisory_xact_lock,
 * released at commit or rollback): true when this transaction holds it, false when another holds
 * it (another node is doing the same work). On SQLite one process owns the file, and the
 * transaction already holds the write lock: always true.
 */
export function * tryLock (db: Handle, key: number): Q<boolean> {
  if (!isPostgres(db)) return true
  const [row] = yield * rows<{ ok: boolean }>(db, sql`SELECT pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, ${key}) AS ok`)
  return row?.ok === true
}

/**
 * Waits for a transaction-level advisory lock on one record of a kind (PostgreSQL's
 * pg_advisory_xact_lock, released at commit or rollback), so that transactions about that record
 * take turns. For a body that runs at READ COMMITTED (`runsAt`): each of its later statements
 * then reads what the one before it committed. On SQLite the transaction holds the write lock:
 * nothing to take.
 */
export function * holdLock (db: Handle, key: number, id: number): Q<void> {
  if (!isPostgres(db)) return
  yield * rows(db, sql`SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE + key}, ${id})`)
}

/**
 * Says that a transaction body runs at `isolation` on PostgreSQL when it is the transaction
 * (`transaction(db, fn, …)`, `app.transaction`); `yield*`-ed inside another it runs at that one's.
 * READ COMMITTED is for a body that takes the locks its checks need itself (holdLock).
 */
export function runsAt<F extends (...args: never[]) => Q<unknown>> (isolation: Isolation, fn: F): F & { isolation: Isolation } {
  return Object.assign(fn, { isolation })
}

/** How many migrations are applied (drizzle's table: in the `drizzle` schema on PostgreSQL): the schema version. */
export function * appliedMigrations (db: Handle): Q<number> {
  const table = isPostgres(db) ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`
  const [applied] = yield * rows<{ n: number | string }>(db, sql`SELECT count(*) AS n FROM ${table}`)
  return Number(applied?.n ?? 0)
}

/** A refusal by the database, with what both engines agree on. */
export interface DatabaseError extends Error { uniqueViolation: boolean, foreignKeyViolation: boolean, code: string }

/** Reads an engine's error into the shared shape (SQLite's SQLITE_CONSTRAINT_*, PostgreSQL's SQLSTATE). */
export function databaseError (err: unknown): DatabaseError {
  const e = (err instanceof Error ? err : new Error(String(err))) as DatabaseError & { code?: string, cause?: unknown }
  // Drizzle wraps the driver's error in its own (DrizzleQueryError) with the original as the cause.
  const inner = (e.cause instanceof Error ? e.cause : e) as Error & { code?: string }
  const code = inner.code ?? e.code ?? ''
  e.code = code
  e.uniqueViolation = code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505'
  e.foreignKeyViolation = code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503'
  return e
}

class TransactionFailed extends Error {}

/**
 * Drives a body: feeds each statement's result back, throws a failed statement's error into it,
 * and refuses to go on (or to finish) after a failure it caught.
 */
function drive<T> (gen: Generator<Step, T, unknown>, exec: (step: Step) => unknown): T
function drive<T> (gen: Generator<Step, T, unknown>, exec: (step: Step) => Promise<unknown>, async: true): Promise<T>
function drive<T> (gen: Generator<Step, T, unknown>, exec: (step: Step) => unknown, async?: true): T | Promise<T> {
  let failed: unknown
  const next = (r: IteratorResult<Step, T>): IteratorResult<Step, T> => {
    if (failed !== undefined) {
      // The body caught a failed statement and went on: the transaction is over on PostgreSQL,
      // and is ended the same way on SQLite.
      if (!r.done) gen.return(undefined as T)
      throw failed instanceof Error ? failed : new TransactionFailed(String(failed))
    }
    return r
  }
  const fail = (err: unknown) => { failed = err; return next(gen.throw(err)) }
  if (!async) {
    let r = next(gen.next())
    while (!r.done) {
      let value: unknown
      try { value = exec(r.value) } catch (err) { r = fail(err); continue }
      r = next(gen.next(value))
    }
    return r.value
  }
  return (async () => {
    let r = next(gen.next())
    while (!r.done) {
      let value: unknown
      try { value = await exec(r.value) } catch (err) { r = fail(err); continue }
      r = next(gen.next(value))
    }
    return r.value
  })()
}

// ---------------------------------------------------------------- SQLite

/** A Drizzle better-sqlite3 database: what the SQLite engine builds statements with. */
export interface SqliteHandle { $client: Database.Database }

type SqliteQuery = { all(p?: Params): unknown[], get(p?: Params): unknown, run(p?: Params): { changes: number } }

function execSqlite (step: Step): unknown {
  const q = step.q as SqliteQuery
  switch (step.kind) {
    case 'all': return q.all(step.params)
    case 'one': return q.get(step.params)
    case 'run': return { changes: q.run(step.params).changes }
    case 'attempt':
      try { return { changes: q.run(step.params).changes } } catch (err) { return { error: databaseError(err) } }
    case 'rows': {
      const { db, statement } = step.q as { db: { all(s: SQL): unknown[] }, statement: SQL }
      return db.all(statement)
    }
    case 'wait': return undefined
  }
}

/**
 * Runs a query function's statements at once on SQLite, synchronously (inside a synchronous
 * transaction open on the connection, or each on its own). SQLite only: no application code uses
 * it any more; the SQLite group commit runs its batch through it inside BEGIN IMMEDIATE, and test
 * code not yet made engine-neutral calls query functions with it.
 */
export function runSync<T> (gen: Q<T>): T {
  return drive(gen, (step) => {
    if (typeof (step.q as { all?: unknown }).all !== 'function' && step.kind !== 'rows' && step.kind !== 'wait') throw new Error('runSync runs SQLite queries only: on PostgreSQL use exec() or transaction()')
    return execSqlite(step)
  })
}

/**
 * Runs a body in one SQLite transaction, synchronously: BEGIN IMMEDIATE (the write lock first,
 * so a read-then-write body never meets another writer half way), then COMMIT, or ROLLBACK when
 * it throws. Returns a settled promise so that callers read the same on both engines.
 */
export function sqliteTransaction<T, H extends SqliteHandle> (db: H, body: Body<T, H>): Promise<T> {
  try {
    return Promise.resolve(db.$client.transaction(() => drive(body(db), execSqlite)).immediate())
  } catch (err) {
    return Promise.reject(err)
  }
}

// ---------------------------------------------------------------- PostgreSQL

/** A Drizzle node-postgres query, built or prepared: both execute with their placeholders' values. */
type PgQuery = { execute(p?: Params): Promise<unknown> }

async function execPg (step: Step, client: pg.PoolClient | undefined, savepoints: { n: number }): Promise<unknown> {
  const exec = () => (step.q as PgQuery).execute(step.params)
  switch (step.kind) {
    case 'wait': return client ? undefined : await (step.q as Promise<unknown>)
    case 'rows': {
      const { db, statement } = step.q as { db: { execute(s: SQL): Promise<{ rows: unknown[] }> }, statement: SQL }
      return (await db.execute(statement)).rows
    }
    case 'all': return await exec()
    case 'one': return ((await exec()) as unknown[])[0]
    case 'run': return { changes: ((await exec()) as pg.QueryResult).rowCount ?? 0 }
    case 'attempt': {
      if (!client) {
        // Outside a transaction a statement is its own: nothing to keep going.
        try { return { changes: ((await exec()) as pg.QueryResult).rowCount ?? 0 } } catch (err) { return { error: databaseError(err) } }
      }
      const name = `gp_attempt_${++savepoints.n}`
      await client.query(`SAVEPOINT ${name}`)
      try {
        const r = (await exec()) as pg.QueryResult
        await client.query(`RELEASE SAVEPOINT ${name}`)
        return { changes: r.rowCount ?? 0 }
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`)
        return { error: databaseError(err) }
      }
    }
  }
}

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01'])
export const PG_ATTEMPTS = 10

function sqlstate (err: unknown): string | undefined {
  const e = err as { code?: unknown, cause?: { code?: unknown } }
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined
  return code
}

/** A Drizzle node-postgres database on the transaction's connection. */
export type PgHandle = NodePgDatabase<Record<string, unknown>> & { $client: pg.PoolClient, $pool?: pg.Pool }

/**
 * A PostgreSQL transaction's isolation. SERIALIZABLE is every body's unless it says otherwise: the
 * isolation the code relies on when a body reads, decides and writes. READ COMMITTED is for a body
 * that takes the row locks its checks need itself, written for it (the autosave batch,
 * exams/queries.ts writeSteps); on SQLite both are the same transaction, under the write lock.
 */
export type Isolation = 'serializable' | 'read committed'

/**
 * Runs a body in one PostgreSQL transaction, at SERIALIZABLE unless told otherwise, on one
 * connection of the pool (no check-then-write race with another node). A serialisation failure
 * or a deadlock runs the body again, after a short random pause that grows with each try (so the
 * losers of one conflict do not meet again at once), up to PG_ATTEMPTS times in all.
 */

export async function pgTransaction<T> (pool: pg.Pool, body: Body<T, PgHandle>, schema?: Record<string, unknown>, isolation: Isolation = 'serializable'): Promise<T> {
  let retryPause = 0
  for (let attemptNo = 1; ; attemptNo++) {
    if (retryPause > 0) await new Promise((resolve) => setTimeout(resolve, retryPause))
    const client = await pool.connect()
    let broken = false
    try {
      await client.query(isolation === 'read committed' ? 'BEGIN ISOLATION LEVEL READ COMMITTED' : 'BEGIN ISOLATION LEVEL SERIALIZABLE')
      const tx = drizzlePg(client, schema ? { schema } : {}) as unknown as PgHandle
      // The pool the connection came from: what caches of immutable rows are keyed by (databaseOf).
      tx.$pool = pool
      const savepoints = { n: 0 }
      const value = await drive(body(tx), (step) => execPg(step, client, savepoints), true)
      await client.query('COMMIT')
      return value
    } catch (err) {
      await client.query('ROLLBACK').catch(() => { broken = true })
      const code = sqlstate(err)
      if (code && RETRYABLE.has(code) && attemptNo < PG_ATTEMPTS) {
        retryPause = Math.random() * Math.min(50, 2 ** attemptNo)
        continue
      }
      throw err
    } finally {
      client.release(broken)
    }
  }
}

// ---------------------------------------------------------------- either engine

/** A Drizzle database of either engine (typed as SQLite's: see ARCHITECTURE, tables per process). */
export interface Handle { $client: unknown }

export function isPostgres (db: Handle): boolean {
  return db.$client instanceof pg.Pool || db.$client instanceof pg.Client
}

/**
 * What identifies the database a handle reaches, for caches of what never changes once written
 * (db/immutable-cache.ts): SQLite's connection; PostgreSQL's pool, for the app's handle and for a
 * transaction's (which carries it), so every connection of a node shares one cache. Undefined for
 * a Drizzle transaction handle of the SQLite bridge, which has none: read, not cached.
 */
export function databaseOf (db: object): object | undefined {
  const h = db as { $client?: unknown, $pool?: unknown }
  if (h.$pool) return h.$pool as object
  return (h.$client ?? undefined) as object | undefined
}

/**
 * Runs a query function outside a transaction: each statement is its own (on SQLite all of them
 * at once, synchronously). For reads, and for a lone write that needs nothing else to commit
 * with it; writes that belong together go through `transaction`.
 */
export function exec<H extends Handle, A extends unknown[], T> (db: H, fn: (db: H, ...args: A) => Q<T>, ...args: A): Promise<T> {
  if (isPostgres(db)) return drive(fn(db, ...args), (step) => execPg(step, undefined, { n: 0 }), true)
  try {
    return Promise.resolve(drive(fn(db, ...args), execSqlite))
  } catch (err) {
    return Promise.reject(err)
  }
}

/** Runs a query function as one transaction on either engine (sqliteTransaction, pgTransaction). */
export function transaction<H extends Handle, A extends unknown[], T> (db: H, fn: (tx: H, ...args: A) => Q<T>, ...args: A): Promise<T> {
  if (isPostgres(db)) return pgTransaction(db.$client as pg.Pool, (tx) => fn(tx as unknown as H, ...args), undefined, (fn as { isolation?: Isolation }).isolation ?? 'serializable')
  return sqliteTransaction(db as H & SqliteHandle, (tx) => fn(tx, ...args))
}

const preparedQueries = new WeakMap<object, Map<string, unknown>>()

/**
 * A Drizzle prepared query for a hot path, with placeholders (`sql.placeholder`), built and
 * compiled once per connection and kept: SQLite's connection; on PostgreSQL the client the handle
 * runs on (a transaction's pooled connection, which the pool keeps and hands out again, or the pool
 * itself outside a transaction), as a named statement that node-postgres prepares once per
 * connection. Building a Drizzle query and rendering its SQL costs more CPU than a save's own
 * work on a node (a profile of the PostgreSQL bench's nodes: a fifth of their busy time in
 * drizzle-orm while each call built its queries anew). `key` names it: one text per key.
 */
export function prepared<P> (db: Handle, key: string, build: () => { prepare(): P }): P {
  const client = db.$client as object
  let byKey = preparedQueries.get(client)
  if (!byKey) { byKey = new Map(); preparedQueries.set(client, byKey) }
  let q = byKey.get(key) as P | undefined
  if (!q) {
    q = isPostgres(db) ? (build() as unknown as { prepare(name: string): P }).prepare(key) : build().prepare()
    byKey.set(key, q)
  }
  return q
}
