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
import type { Db, DbOrTx } from '../../db/connection.js'
import { runSync } from '../../db/engine.js'
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
export function workOut (db: DbOrTx, ids: readonly number[], now: Date, timeZone = displayZone): { readiness: StoredReadiness[], learning: LearningSummary[] } {
  if (ids.length === 0) return { readiness: [], learning: [] }
  const s = readEligibilitySettings(db)
  const generation = rulesGeneration(db)
  const today = localDate(now, timeZone)
  const facts = personFacts(db, ids)
  // One learning record per person, of the enterprise employing them now: the rules read its
  // mandatory assignments, the trainer's table its figures.
  // learning has moved to query functions, readiness not yet: runSync on SQLite, on this handle (a transaction's too).
  const learning = runSync(learningFor(db as Db, facts.map((f) => ({ id: f.id, enterpriseId: f.enterpriseId })), today))
  const evs = evaluateMany(db, facts, s, now, timeZone, learning)
  const readiness = facts.map((f) => {
    const { record, evaluation } = evs.get(f.id)!
    return {
      traineeId: f.id, enterpriseId: f.enterpriseId, dutyStatus: f.dutyStatus, certified: f.certified,
      status: evaluation.status, rules: evaluation.rules, qualifying: evaluation.qualifying.map((m) => m.attemptId),
      nextChangeOn: nextChangeOn(record, s, today), evaluatedOn: today, generation
    }
  })
  return { readiness, learning: runSync(learningSummariesOf(db as Db, facts, learning, today)) }
}

/** What the readiness rows of these people should hold now. */
export function workOutReadiness (db: DbOrTx, ids: readonly number[], now: Date, timeZone = displayZone): StoredReadiness[] {
  return workOut(db, ids, now, timeZone).readiness
}

/**
 * Works out these people's readiness and learning summaries and stores both, on the caller's
 * transaction (or alone, atomically): the one function that writes trainee_readiness and
 * (save the practice figures each answer moves) trainee_learning.
 */
export function refreshReadiness (db: DbOrTx, ids: readonly number[], now: Date, timeZone = displayZone): void {
  for (const chunk of chunks([...new Set(ids)], READINESS_CHUNK)) {
    // On the Db (not the transaction handle): the same connection, so inside the transaction, with
    // the connection's cached reads; alone, in a transaction of its own (a savepoint inside one).
    const write = () => {
      const rows = workOut(db, chunk, now, timeZone)
      upsertReadiness(db, rows.readiness, now)
      runSync(upsertLearning(db as Db, rows.learning, now))
    }
    if ('$client' in db) db.transaction(write, { behavior: 'immediate' })
    else write()
  }
}

installReadinessKeeping({
  changed: (tx, ids, now) => refreshReadiness(tx, ids, now),
  rulesChanged: (tx) => { raiseRulesGeneration(tx) }
})

/** Runs `step` on chunks of ids until `next` has none, one transaction a chunk, yielding the event loop between. */
async function inChunks (db: Db, clock: Clock, next: () => number[], timeZone: string, stop?: () => boolean): Promise<number> {
  let done = 0
  for (;;) {
    if (stop?.()) return done
    const ids = next()
    if (ids.length === 0) return done
    refreshReadiness(db, ids, clock.now(), timeZone)
    done += ids.length
    await nextTurn()
  }
}

/**
 * The daily sweep: every person whose stored readiness or learning summary next changes by date
 * today or before. Rows not due are not read.
 */
export function sweepDueReadiness (db: Db, clock: Clock, timeZone = displayZone, stop?: () => boolean): Promise<number> {
  return inChunks(db, clock, () => {
    const today = localDate(clock.now(), timeZone)
    return [...new Set([...dueIds(db, today, READINESS_CHUNK), ...runSync(dueLearningIds(db, today, READINESS_CHUNK))])]
  }, timeZone, stop)
}

/** After a rule change: every row below the rules' generation (each chunk lifts its rows to it). */
export function reevaluateStale (db: Db, clock: Clock, timeZone = displayZone, stop?: () => boolean): Promise<number> {
  return inChunks(db, clock, () => staleIds(db, rulesGeneration(db), READINESS_CHUNK), timeZone, stop)
}

/**
 * Everyone, in id order, then every enterprise's counts recounted from the rows: the `readiness
 * rebuild` command (and a repair after data was changed by hand, which may have left the rows or
 * the counts wrong; the writes keep the counts in step with the rows, the recount puts right
 * counts that were not).
 */
export async function rebuildReadiness (db: Db, clock: Clock, timeZone = displayZone, stop?: () => boolean): Promise<number> {
  let after = 0
  const done = await inChunks(db, clock, () => {
    const ids = traineeIdsAfter(db, after, READINESS_CHUNK)
    after = ids.at(-1) ?? after
    return ids
  }, timeZone, stop)
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
