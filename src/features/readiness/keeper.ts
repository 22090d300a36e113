/**
 * Keeps the stored readiness (trainee_readiness) equal to what rules.ts works out, and the stored
 * learning summary (trainee_learning, the trainer's table) equal to what learningFor works out:
 * - `refreshReadiness`, the one function that writes it, inside the transaction of every change
 *   that moves it (other areas reach it through db/readiness-hook.ts);
 * - `sweepDueReadiness`, the daily sweep of the people whose next change by date has come (in
 *   either table);
 * - `reevaluateStale`, after a rule change: every row below the rules' generation, in chunks of
 *   READINESS_CHUNK (200) people a transaction with the event loop free between chunks;
 * - `rebuildReadiness`, everyone (the `readiness rebuild` command), then a recount of every
 *   enterprise's counts (enterprise_counts, which upsertReadiness keeps in step with the rows);
 * - `startReadinessKeeper`, the server's timer that runs the last three when there is work.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Db } from '../../db/connection.js'
import { transaction, tryLock, type Q } from '../../db/engine.js'
import { LOCKS } from '../../db/postgres.js'
import { installReadinessKeeping } from '../../db/readiness-hook.js'
import { localDate } from '../../lib/time.js'
import { chunks } from '../../lib/chunks.js'
import type { Clock } from '../../lib/clock.js'
import { readEligibilitySettings, evaluateMany } from './queries.js'
import { nextChangeOn } from './rules.js'
import { learningFor, learningSummariesOf, upsertLearning, dueLearningIds, type LearningSummary } from '../learning/index.js'
import { personFacts, upsertReadiness, rulesGeneration, raiseRulesGeneration, staleIds, dueIds, traineeIdsAfter, recountEnterpriseCounts, type StoredReadiness } from './store.js'

/**
 * People worked out in one transaction by the background passes. Measured: a chunk of 500 people
 * with ten finished mocks and nine declarations each held the event loop about 90 ms (median, on
 * the shared 2-core machine, 48 times reading those people's facts alone); a chunk of 200 took
 * 23 ms (median; 55 ms at worst; 25 times the floor), under the ~50 ms a request may wait.
 */
export const READINESS_CHUNK = 200

let displayZone = 'Asia/Shanghai'

/** The display zone whose local dates the rules count in (the app sets its configured one). */
export function setReadinessZone (timeZone: string): void {
  displayZone = timeZone
}

/**
 * What the rows of these people should hold now: rules.ts's output and the facts the dashboard
 * counts, and their learning summaries (trainee_learning) from the same learning records.
 */
export function * workOut (db: Db, ids: readonly number[], now: Date, timeZone = displayZone): Q<{ readiness: StoredReadiness[], learning: LearningSummary[] }> {
  if (ids.length === 0) return { readiness: [], learning: [] }
  const s = yield * readEligibilitySettings(db)
  const generation = yield * rulesGeneration(db)
  const today = localDate(now, timeZone)
  const facts = yield * personFacts(db, ids)
  // One learning record per person, of the enterprise employing them now: the rules read its
  // mandatory assignments, the trainer's table its figures.
  const learning = yield * learningFor(db, facts.map((f) => ({ id: f.id, enterpriseId: f.enterpriseId })), today)
  const evs = yield * evaluateMany(db, facts, s, now, timeZone, learning)
  const readiness = facts.map((f) => {
    const { record, evaluation } = evs.get(f.id)!
    return {
      traineeId: f.id, enterpriseId: f.enterpriseId, dutyStatus: f.dutyStatus, certified: f.certified,
      status: evaluation.status, rules: evaluation.rules, qualifying: evaluation.qualifying.map((m) => m.attemptId),
      nextChangeOn: nextChangeOn(record, s, today), evaluatedOn: today, generation
    }
  })
  return { readiness, learning: yield * learningSummariesOf(db, facts, learning, today) }
}

/** What the readiness rows of these people should hold now. */
export function * workOutReadiness (db: Db, ids: readonly number[], now: Date, timeZone = displayZone): Q<StoredReadiness[]> {
  return (yield * workOut(db, ids, now, timeZone)).readiness
}

/**
 * Works out these people's readiness and learning summaries and stores both, inside the caller's
 * transaction (a body: run it with `transaction`, or `yield*` it inside one): the one function
 * that writes trainee_readiness and (save the practice figures each answer moves) trainee_learning.
 */
export function * refreshReadiness (db: Db, ids: readonly number[], now: Date, timeZone = displayZone): Q<void> {
  for (const chunk of chunks([...new Set(ids)], READINESS_CHUNK)) {
    const rows = yield * workOut(db, chunk, now, timeZone)
    yield * upsertReadiness(db, rows.readiness, now)
    yield * upsertLearning(db, rows.learning, now)
  }
}

installReadinessKeeping({
  changed: (db, ids, now) => refreshReadiness(db, ids, now),
  rulesChanged: function * (db) { yield * raiseRulesGeneration(db) }
})

/**
 * Runs chunks until `chunk` finds nobody: each chunk one transaction (`chunk` picks the people and
 * works them out, returning how many), the event loop free between chunks.
 */
async function inChunks <A extends unknown[]> (db: Db, stop: (() => boolean) | undefined, chunk: (db: Db, ...args: A) => Q<number>, args: () => A): Promise<number> {
  let done = 0
  for (;;) {
    if (stop?.()) return done
    const n = await transaction(db, chunk, ...args())
    if (n === 0) return done
    done += n
    await nextTurn()
  }
}

/**
 * One chunk of the daily sweep, a transaction body: up to READINESS_CHUNK people whose stored
 * readiness or learning summary next changes by date today or before, worked out and stored.
 * With several app nodes, only the one whose transaction takes the readiness-sweep lock does it;
 * the others find it held and do nothing (0, which ends their pass). On SQLite the lock is always
 * granted.
 */
export function * sweepDueChunk (db: Db, now: Date, timeZone: string): Q<number> {
  if (!(yield * tryLock(db, LOCKS.readinessSweep))) return 0
  const today = localDate(now, timeZone)
  // At most a chunk a transaction: people left over are still due, and the next chunk finds them.
  const ids = [...new Set([...yield * dueIds(db, today, READINESS_CHUNK), ...yield * dueLearningIds(db, today, READINESS_CHUNK)])].slice(0, READINESS_CHUNK)
  yield * refreshReadiness(db, ids, now, timeZone)
  return ids.length
}

/**
 * The daily sweep: every person whose stored readiness or learning summary next changes by date
 * today or before, a chunk a transaction. Rows not due are not read.
 */
export function sweepDueReadiness (db: Db, clock: Clock, timeZone = displayZone, stop?: () => boolean): Promise<number> {
  return inChunks(db, stop, sweepDueChunk, () => [clock.now(), timeZone] as [Date, string])
}

/** One chunk after a rule change, a transaction body: rows below the rules' generation, lifted to it. */
function * staleChunk (db: Db, now: Date, timeZone: string): Q<number> {
  const ids = yield * staleIds(db, yield * rulesGeneration(db), READINESS_CHUNK)
  yield * refreshReadiness(db, ids, now, timeZone)
  return ids.length
}

/** After a rule change: every row below the rules' generation (each chunk lifts its rows to it). */
export function reevaluateStale (db: Db, clock: Clock, timeZone = displayZone, stop?: () => boolean): Promise<number> {
  return inChunks(db, stop, staleChunk, () => [clock.now(), timeZone] as [Date, string])
}

/** One chunk of a rebuild, a transaction body: the people after `after` in id order; returns their ids. */
function * rebuildChunk (db: Db, after: number, now: Date, timeZone: string): Q<number[]> {
  const ids = yield * traineeIdsAfter(db, after, READINESS_CHUNK)
  yield * refreshReadiness(db, ids, now, timeZone)
  return ids
}

/**
 * Everyone, in id order, then every enterprise's counts recounted from the rows: the `readiness
 * rebuild` command (and a repair after data was changed by hand, which may have left the rows or
 * the counts wrong; the writes keep the counts in step with the rows, the recount puts right
 * counts that were not).
 */
export async function rebuildReadiness (db: Db, clock: Clock, timeZone = displayZone, stop?: () => boolean): Promise<number> {
  let after = 0
  let done = 0
  for (;;) {
    if (stop?.()) break
    // The body returns the ids it did; the next chunk starts after them (decided outside the body, which may run again).
    const ids = await transaction(db, rebuildChunk, after, clock.now(), timeZone)
    if (ids.length === 0) break
    done += ids.length
    after = ids.at(-1)!
    await nextTurn()
  }
  await recountEnterpriseCounts(db, stop)
  return done
}

export interface ReadinessKeeper {
  /** Runs the re-evaluation and the sweep now if they are not running; resolves when this pass ends. */
  kick: () => Promise<void>
  /** Stops after the chunk under way. */
  stop: () => Promise<void>
  /** Whether a pass is under way. */
  busy: () => boolean
}

/**
 * The server's keeper: every `everyMs` (and on `kick`, after a rule change) it lifts stale rows to
 * the rules in force, then sweeps the rows due today. One pass at a time; each chunk is its own
 * short transaction, so requests are served between chunks.
 */
export function startReadinessKeeper (db: Db, clock: Clock, timeZone: string, everyMs: number, onError: (err: unknown) => void): ReadinessKeeper {
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  const isStopped = () => stopped
  const pass = async () => {
    try {
      await reevaluateStale(db, clock, timeZone, () => stopped)
      await sweepDueReadiness(db, clock, timeZone, () => stopped)
    } catch (err) {
      onError(err)
    }
  }
  const kick = (): Promise<void> => {
    if (stopped) return Promise.resolve()
    // A kick during a pass asks for one more pass after it (the rule change may have come after its re-evaluation).
    again = true
    running ??= (async () => {
      while (again) { again = false; if (!isStopped()) await pass() }
    })().finally(() => { running = null })
    return running
  }
  const timer = everyMs > 0 ? setInterval(() => { kick().catch(() => {}) }, everyMs) : undefined
  timer?.unref()
  return {
    kick,
    busy: () => running !== null,
    stop: async () => {
      stopped = true
      if (timer) clearInterval(timer)
      await running
    }
  }
}
