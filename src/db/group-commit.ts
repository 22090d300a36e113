import type Database from 'better-sqlite3'
import type { Db } from './connection.js'

/**
 * Group commit. With `synchronous = FULL` a commit waits for the write-ahead
 * log to reach the disk, and that wait, not the SQL, is the dearest part of a
 * small write. Writes queued here during one turn of the event loop (a class
 * saving exam answers, a floor of trainees answering practice questions) are
 * written together after the turn, in ONE immediate transaction, and each
 * caller's promise settles only once that transaction has committed: nothing
 * is acknowledged that is not on disk.
 *
 * The SQL of each kind of write is a batch writer: it runs inside the open
 * transaction, takes its items in arrival order, checks each against the
 * current state (earlier items of the same batch included) and says per item
 * whether it was kept or refused. A refusal settles that caller alone; a writer
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
export type BatchWriter<T, R> = (db: Db, items: readonly T[]) => Array<ItemOutcome<R>>

interface Waiting { writer: BatchWriter<unknown, unknown>, item: unknown, resolve: (value: unknown) => void, reject: (err: unknown) => void }
interface Queue { db: Db, waiting: Waiting[] }

// One queue per connection (keyed by the client: the statements are prepared on it).
const queues = new WeakMap<Database.Database, Queue>()

/**
 * Queues one write for the group commit of this turn; resolves with the writer's
 * value once committed, or rejects with its refusal or the batch's error.
 */
export function groupCommit<T, R> (db: Db, writer: BatchWriter<T, R>, item: T): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let queue = queues.get(db.$client)
    if (!queue) {
      queue = { db, waiting: [] }
      queues.set(db.$client, queue)
      setImmediate(() => flushGroupCommit(db))
    }
    queue.waiting.push({ writer: writer as BatchWriter<unknown, unknown>, item, resolve: resolve as (value: unknown) => void, reject })
  })
}

/**
 * Writes what is queued for this connection now, in one transaction, and
 * settles its callers. Runs after each turn in which something was queued, and
 * at shutdown before the database closes; with nothing queued it does nothing.
 */
export function flushGroupCommit (db: Db): void {
  const queue = queues.get(db.$client)
  if (!queue) return
  // Writes queued while this batch settles belong to the next one.
  queues.delete(db.$client)
  const { waiting } = queue
  let outcomes: Array<ItemOutcome<unknown>>
  try {
    outcomes = writeBatch(queue.db, waiting)
  } catch (err) {
    // Rolled back: nothing of the batch was committed, so nothing of it is acknowledged.
    for (const w of waiting) w.reject(err)
    return
  }
  waiting.forEach((w, i) => {
    const o = outcomes[i]!
    if (o.ok) w.resolve(o.value)
    else w.reject(o.error)
  })
}

/** How many writes are waiting for this connection's next group commit. */
export function pendingWrites (db: Db): number {
  return queues.get(db.$client)?.waiting.length ?? 0
}

/**
 * Writes one item at once in a transaction of its own (outside the request path:
 * the demo seed, tools, tests), with the same checks; a refusal is thrown.
 * Inside a caller's transaction it becomes a savepoint of it.
 */
export function writeNow<T, R> (db: Db, writer: BatchWriter<T, R>, item: T): R {
  const [o] = db.$client.transaction(() => checked(writer(db, [item]), 1)).immediate()
  if (!o!.ok) throw o!.error
  return o!.value
}

/** One transaction for the batch: each writer gets its items in arrival order, writers in the order they first arrived. */
function writeBatch (db: Db, waiting: readonly Waiting[]): Array<ItemOutcome<unknown>> {
  const byWriter = new Map<BatchWriter<unknown, unknown>, number[]>()
  waiting.forEach((w, i) => {
    const list = byWriter.get(w.writer)
    if (list) list.push(i)
    else byWriter.set(w.writer, [i])
  })
  const outcomes = new Array<ItemOutcome<unknown>>(waiting.length)
  db.$client.transaction(() => {
    for (const [writer, indexes] of byWriter) {
      const got = checked(writer(db, indexes.map((i) => waiting[i]!.item)), indexes.length)
      indexes.forEach((i, k) => { outcomes[i] = got[k]! })
    }
  }).immediate()
  return outcomes
}

function checked<R> (outcomes: Array<ItemOutcome<R>>, expected: number): Array<ItemOutcome<R>> {
  if (outcomes.length !== expected) throw new Error(`a batch writer gave ${outcomes.length} outcomes for ${expected} items`)
  return outcomes
}
