import fs from 'node:fs'
import type Database from 'better-sqlite3'
import type { Db } from './connection.js'
import type pg from 'pg'
import { isPostgres, pgTransaction, runSync, type Isolation, type Q } from './engine.js'

/**
 * Group commit. With `synchronous = FULL` a commit waits for the write-ahead
 * log to reach the disk, and that wait, not the SQL, is the dearest part of a
 * small write. Writes queued here during one turn of the event loop (a class
 * saving exam answers, a floor of trainees answering practice questions) are
 * written together after the turn, in ONE immediate transaction, and each
 * caller's promise settles only once that transaction has committed and the
 * log holding it is on disk: nothing is acknowledged that is not on disk.
 *
 * The wait for the disk is not spent on the serving thread. The batch commits
 * with `synchronous = NORMAL` (the log is written but not synced; the connection's
 * own level is restored after), and the log file is then synced by fsync on
 * libuv's thread pool, as SQLite would have synced it at the commit; the callers
 * settle when that sync returns. Meanwhile the thread serves other requests and
 * commits the next batch. One sync runs at a time per connection: batches that
 * commit while it runs wait for the next one, which covers them all (a sync
 * covers everything written to the file before it began). Other writes on the
 * connection keep its level (FULL syncs at their commit, and so the batches
 * before them too). A batch's rows are visible to readers from its commit, a
 * few milliseconds before they are on disk; only their callers wait. A
 * connection without a log file to sync (in memory, a journal other than WAL)
 * or at a level below FULL settles at the commit, as before.
 *
 * On PostgreSQL (issue 19) the batch is one transaction through the engine
 * (`pgTransaction`, run again on a serialisation failure or a deadlock), and its
 * callers settle when its COMMIT returns: PostgreSQL's commit is durable
 * (synchronous_commit on), so "acknowledged only after commit" holds there the
 * same way. Each writer says the isolation its batches need (`batchWriter`;
 * SERIALIZABLE unless it says READ COMMITTED and takes its own row locks), and
 * writes of each isolation are batched apart. A batch takes the writes queued
 * up to the moment its transaction has begun (a connection of the pool and
 * BEGIN take a round trip or more, and a busy pool longer: what arrives
 * meanwhile rides along), and batches of one node may run side by side on the
 * pool's connections.
 *
 * The SQL of each kind of write is a batch writer: a query function (a
 * generator body, db/engine.ts) that runs inside the open transaction, takes
 * its items in arrival order, checks each against the current state (earlier
 * items of the same batch included) and says per item whether it was kept or
 * refused. Like every body it does nothing but the database's work: PostgreSQL
 * may run the batch again. A refusal settles that caller alone; a writer
 * that throws rolls the whole transaction back and every caller of the batch,
 * of every kind, gets the error. So a writer must decide a refusal before it
 * writes anything for that item.
 */

/** What a batch writer says of one item: kept, with a value for its caller, or refused alone. */
export type ItemOutcome<R> = { ok: true, value: R } | { ok: false, error: unknown }

export function kept<R> (value: R): ItemOutcome<R> {
  return { ok: true, value }
}

export function refused (error: unknown): ItemOutcome<never> {
  return { ok: false, error }
}

/** Writes items of one kind inside the caller's open transaction: one outcome per item, in order. */
export interface BatchWriter<T, R> {
  (db: Db, items: readonly T[]): Q<Array<ItemOutcome<R>>>
  /** PostgreSQL: the isolation of the transactions its batches run in (SERIALIZABLE when unsaid). */
  isolation?: Isolation
}

/** A batch writer whose batches run at `isolation` on PostgreSQL (SQLite has one kind of transaction). */
export function batchWriter<T, R> (isolation: Isolation, write: (db: Db, items: readonly T[]) => Q<Array<ItemOutcome<R>>>): BatchWriter<T, R> {
  return Object.assign(write, { isolation })
}

interface Waiting { writer: BatchWriter<unknown, unknown>, item: unknown, resolve: (value: unknown) => void, reject: (err: unknown) => void }
interface Queue { db: Db, isolation: Isolation, waiting: Waiting[], started: boolean }

// The queues of a connection (keyed by the client: SQLite's statements are prepared on it;
// PostgreSQL's pool), one per isolation (SQLite: one, every writer's batch in one transaction).
const queues = new WeakMap<object, Map<Isolation, Queue>>()
// PostgreSQL: the batches whose transaction is under way, so that a flush (shutdown) waits for them.
const running = new WeakMap<object, Set<Promise<void>>>()

function queuesOf (db: Db): Map<Isolation, Queue> {
  let byIsolation = queues.get(db.$client)
  if (!byIsolation) { byIsolation = new Map(); queues.set(db.$client, byIsolation) }
  return byIsolation
}

/** Takes a queue off its connection: what is queued from now on goes into a new batch. */
function detach (queue: Queue): void {
  const byIsolation = queues.get(queue.db.$client)
  if (byIsolation?.get(queue.isolation) === queue) byIsolation.delete(queue.isolation)
}

/**
 * Queues one write for the group commit of this turn; resolves with the writer's
 * value once committed and on disk, or rejects with its refusal or the batch's error.
 */
export function groupCommit<T, R> (db: Db, writer: BatchWriter<T, R>, item: T): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const isolation = isPostgres(db) ? writer.isolation ?? 'serializable' : 'serializable'
    const byIsolation = queuesOf(db)
    let queue = byIsolation.get(isolation)
    if (!queue) {
      const q: Queue = { db, isolation, waiting: [], started: false }
      byIsolation.set(isolation, q)
      queue = q
      // The promise only says when the batch is settled (it never rejects): nothing waits for it here.
      setImmediate(() => { if (isPostgres(db)) startPostgres(q); else flushGroupCommit(db).catch(() => {}) })
    }
    queue.waiting.push({ writer: writer as BatchWriter<unknown, unknown>, item, resolve: resolve as (value: unknown) => void, reject })
  })
}

/**
 * Writes what is queued for this connection now, in one transaction, and
 * settles its callers once it is on disk. Runs after each turn in which
 * something was queued, and at shutdown before the database closes (the
 * transaction is written at once; the promise says when every batch written
 * so far is settled). With nothing queued it writes nothing.
 */
export function flushGroupCommit (db: Db): Promise<void> {
  if (isPostgres(db)) {
    // Every queue's batch under way (those already beginning go on as they are), then all of them settled.
    for (const queue of [...(queues.get(db.$client)?.values() ?? [])]) startPostgres(queue)
    return logSynced(db)
  }
  const queue = queues.get(db.$client)?.get('serializable')
  if (!queue) return logSynced(db)
  // Writes queued while this batch settles belong to the next one.
  detach(queue)
  const { waiting } = queue
  const sync = durability(queue.db)
  let outcomes: Array<ItemOutcome<unknown>>
  try {
    outcomes = sync ? withoutCommitSync(queue.db, sync.level, () => writeBatch(queue.db, waiting)) : writeBatch(queue.db, waiting)
  } catch (err) {
    // Rolled back: nothing of the batch was committed, so nothing of it is acknowledged.
    for (const w of waiting) w.reject(err)
    return logSynced(db)
  }
  const settle = (syncError?: unknown) => waiting.forEach((w, i) => {
    const o = outcomes[i]!
    if (!o.ok) w.reject(o.error)
    else if (syncError !== undefined) w.reject(syncError)
    else w.resolve(o.value)
  })
  if (!sync) { settle(); return Promise.resolve() }
  return afterLogSync(queue.db, sync.log, settle)
}

/**
 * PostgreSQL: the queue's batch in one transaction at its isolation. The batch is what is queued
 * when the body first runs, just after BEGIN (a later try, after a serialisation failure or a
 * deadlock, runs the same writes again); the callers settle when it has committed, or failed.
 */
function startPostgres (queue: Queue): void {
  if (queue.started) return
  queue.started = true
  const { db } = queue
  let set = running.get(db.$client)
  if (!set) { set = new Set(); running.set(db.$client, set) }
  let batch: Waiting[] | undefined
  const take = (): Waiting[] => {
    if (!batch) { batch = queue.waiting; detach(queue) }
    return batch
  }
  const done: Promise<void> = pgTransaction(db.$client as unknown as pg.Pool, (tx) => batchBody(tx as unknown as Db, take()), undefined, queue.isolation).then((outcomes) => {
    take().forEach((w, i) => {
      const o = outcomes[i]!
      if (o.ok) w.resolve(o.value)
      else w.reject(o.error)
    })
  }, (err: unknown) => {
    // Also when no transaction began (no connection): what was queued is refused, not left waiting.
    for (const w of take()) w.reject(err)
  }).finally(() => set.delete(done))
  set.add(done)
}

/** How many writes are waiting for this connection's next group commit (of every isolation). */
export function pendingWrites (db: Db): number {
  let n = 0
  for (const queue of queues.get(db.$client)?.values() ?? []) n += queue.waiting.length
  return n
}

// ---------------------------------------------------------------- syncing the log off the thread

/** Syncs a file to the disk, off the serving thread (fsync, as SQLite syncs the log at a FULL commit; tests put in their own). */
export type LogSync = (file: string) => Promise<void>

export const syncFile: LogSync = async (file) => {
  // Opened for each sync: should SQLite ever replace the log file, a kept descriptor would sync the old one.
  const handle = await fs.promises.open(file, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

interface Syncer {
  sync: LogSync
  /** The batches the running sync covers settle when it returns (undefined: none running). */
  running: Promise<void> | undefined
  /** Batches committed while a sync ran: the next sync's. */
  next: Array<(err?: unknown) => void>
}
const syncers = new WeakMap<Database.Database, Syncer>()
const syncerOf = (db: Db): Syncer => {
  let s = syncers.get(db.$client)
  if (!s) { s = { sync: syncFile, running: undefined, next: [] }; syncers.set(db.$client, s) }
  return s
}

/** Replaces how this connection's log is synced (tests: a sync they hold back or fail). */
export function setLogSync (db: Db, sync: LogSync): void {
  syncerOf(db).sync = sync
}

/** The log to sync after a batch and the connection's level to restore, or undefined when a batch settles at its commit. */
function durability (db: Db): { log: string, level: number } | undefined {
  const c = db.$client
  if (c.memory || !c.name) return undefined
  const level = c.pragma('synchronous', { simple: true }) as number
  // Below FULL the connection does not sync at a commit, so neither does a batch.
  if (level < 2) return undefined
  if (String(c.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return undefined
  return { log: `${c.name}-wal`, level }
}

/**
 * Runs `write` (the batch's transaction) with the commit's sync left out: NORMAL, the connection's
 * own level restored after. (Through pragma() each time: SQLite applies this pragma when the
 * statement is prepared, so a prepared statement run again would not apply it again.)
 */
function withoutCommitSync<R> (db: Db, level: number, write: () => R): R {
  db.$client.pragma('synchronous = NORMAL')
  try {
    return write()
  } finally {
    db.$client.pragma(`synchronous = ${Math.trunc(level)}`)
  }
}

/** Settles a committed batch once a sync of the log that began after its commit returns. */
function afterLogSync (db: Db, log: string, settle: (err?: unknown) => void): Promise<void> {
  const s = syncerOf(db)
  s.next.push(settle)
  if (!s.running) startSync(s, log)
  return logSynced(db)
}

function startSync (s: Syncer, log: string): void {
  const covered = s.next
  s.next = []
  s.running = s.sync(log).then(() => undefined, (err: unknown) => err).then((err) => {
    for (const settle of covered) settle(err)
    s.running = undefined
    if (s.next.length > 0) startSync(s, log)
  })
}

/** Resolves once every batch committed so far on this connection is settled. */
async function logSynced (db: Db): Promise<void> {
  if (isPostgres(db)) {
    // Batches that start while these run are the next flush's (each caller already waits for its own).
    const set = running.get(db.$client)
    if (set && set.size > 0) await Promise.all([...set])
    return
  }
  const s = syncers.get(db.$client)
  while (s?.running) await s.running
}

/**
 * Writes one item inside the caller's transaction (a body run with `transaction`, or `yield*`-ed in
 * one), with the same checks as a batch; a refusal is thrown (and so rolls that transaction back).
 */
export function * writeOne<T, R> (db: Db, writer: BatchWriter<T, R>, item: T): Q<R> {
  const [o] = checked(yield * writer(db, [item]), 1)
  if (!o!.ok) throw o!.error
  return o!.value
}

/** One transaction for the batch: each writer gets its items in arrival order, writers in the order they first arrived. */
function writeBatch (db: Db, waiting: readonly Waiting[]): Array<ItemOutcome<unknown>> {
  return db.$client.transaction(() => runSync(batchBody(db, waiting))).immediate()
}

/** The batch's work, for either engine: each writer's items in arrival order, writers in the order they first arrived. */
function * batchBody (db: Db, waiting: readonly Waiting[]): Q<Array<ItemOutcome<unknown>>> {
  const byWriter = new Map<BatchWriter<unknown, unknown>, number[]>()
  waiting.forEach((w, i) => {
    const list = byWriter.get(w.writer)
    if (list) list.push(i)
    else byWriter.set(w.writer, [i])
  })
  const outcomes = new Array<ItemOutcome<unknown>>(waiting.length)
  for (const [writer, indexes] of byWriter) {
    const got = checked(yield * writer(db, indexes.map((i) => waiting[i]!.item)), indexes.length)
    indexes.forEach((i, k) => { outcomes[i] = got[k]! })
  }
  return outcomes
}

function checked<R> (outcomes: Array<ItemOutcome<R>>, expected: number): Array<ItemOutcome<R>> {
  if (outcomes.length !== expected) throw new Error(`a batch writer gave ${outcomes.length} outcomes for ${expected} items`)
  return outcomes
}
