/**
 * Queries of the stored learning summary (trainee_learning): what the readiness keeper's pass
 * writes, and what the trainer's table and its export read. Filters, sorting, keyset pages, the
 * true totals and the cohorts' summary are all SQL over indexes led by the enterprise, so a page
 * costs its rows and the counts cost the enterprise's index entries, never the guards' history.
 */
import { and, asc, count, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { keysetQuery } from '../../db/keyset.js'
import { chunks } from '../../lib/chunks.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { traineeLearning, cohortMembers, employments } from '../../db/schema.js'
import type { LearningSummary } from './kept.js'
import type { Sort, StateFilter } from './view.js'

const tl = traineeLearning

// ---- writing ----

/** Stores these trainees' summaries (the keeper's pass, inside its transaction). */
export function * upsertLearning (db: Db, rows: readonly LearningSummary[], now: Date): Q<void> {
  const kept = ['enterpriseId', 'fullName', 'assignedCount', 'completeCount', 'assignedDone', 'assignedTotal', 'assignedPercent', 'overdue', 'coursesPercent', 'passes',
    'latestScore', 'latestMaxScore', 'latestPassed', 'latestFinishedAt', 'masteryPct', 'weekAnswered', 'weekRight', 'nextChangeOn', 'updatedAt'] as const
  // `excluded` (the row the insert proposed) is the same on both engines.
  const set = Object.fromEntries(kept.map((k) => [k, sql`excluded.${sql.identifier(tl[k].name)}`]))
  for (const chunk of chunks(rows, 200)) {
    yield * run(db.insert(tl).values(chunk.map((r) => ({ ...r, updatedAt: now }))).onConflictDoUpdate({ target: tl.traineeId, set }))
  }
}

// ---- reading ----

export type StoredLearning = LearningSummary

const columns = {
  traineeId: tl.traineeId, enterpriseId: tl.enterpriseId, fullName: tl.fullName, assignedCount: tl.assignedCount, completeCount: tl.completeCount,
  assignedDone: tl.assignedDone, assignedTotal: tl.assignedTotal, assignedPercent: tl.assignedPercent, overdue: tl.overdue, coursesPercent: tl.coursesPercent,
  passes: tl.passes, latestScore: tl.latestScore, latestMaxScore: tl.latestMaxScore, latestPassed: tl.latestPassed, latestFinishedAt: tl.latestFinishedAt,
  masteryPct: tl.masteryPct, weekAnswered: tl.weekAnswered, weekRight: tl.weekRight, nextChangeOn: tl.nextChangeOn
}

/** These trainees' stored summaries by primary key (absent: no row yet). */
export function * storedLearning (db: Db, ids: readonly number[]): Q<Map<number, StoredLearning>> {
  const out = new Map<number, StoredLearning>()
  for (const chunk of chunks([...new Set(ids)])) {
    for (const r of yield * all(db.select(columns).from(tl).where(inArray(tl.traineeId, chunk)))) out.set(r.traineeId, r)
  }
  return out
}

/** Trainees whose summary changes by itself on or before `today` (the next-change index). */
export function * dueLearningIds (db: Db, today: string, limit: number): Q<number[]> {
  const rows = yield * all(db.select({ id: tl.traineeId }).from(tl)
    .where(and(isNotNull(tl.nextChangeOn), lte(tl.nextChangeOn, today))).orderBy(asc(tl.nextChangeOn)).limit(limit))
  return rows.map((r) => r.id)
}

// ---- the trainer's table ----

export interface TableFilters { q: string, cohort: number | null, state: StateFilter, sort: Sort, desc: boolean }

/** The stored column each sort orders by (the name, then the id, break ties). */
const SORT_COLUMN = {
  name: tl.fullName, progress: tl.assignedPercent, overdue: tl.overdue, score: tl.latestScore, passes: tl.passes, mastery: tl.masteryPct, practised: tl.weekAnswered
} as const

/** The order's columns (each list sort has an index on the enterprise and these) and the key shape of a page. */
function orderOf (sort: Sort) {
  return sort === 'name'
    ? { cols: [tl.fullName, tl.traineeId], shape: ['s', 'n'] as Array<'s' | 'n'> }
    : { cols: [SORT_COLUMN[sort], tl.fullName, tl.traineeId], shape: ['n', 's', 'n'] as Array<'s' | 'n'> }
}

/** The key of a row in the table's order: the sorted value (none for the name sort), the name, the id. */
export function learningKey (sort: Sort, r: StoredLearning): Key {
  const value = { name: null, progress: r.assignedPercent, overdue: r.overdue, score: r.latestScore, passes: r.passes, mastery: r.masteryPct, practised: r.weekAnswered }[sort]
  return value === null ? [r.fullName, r.traineeId] : [value, r.fullName, r.traineeId]
}

/** The key shape a page of this sort takes in the URL. */
export function learningKeyShape (sort: Sort): Array<'s' | 'n'> {
  return orderOf(sort).shape
}

/** The enterprise's rows that pass the filters (name part, cohort, state). */
function tableWhere (enterpriseId: number, f: TableFilters): SQL {
  const q = f.q.trim().toLowerCase()
  // A name part anywhere in the name: LIKE with the part's own wildcards escaped, on both engines.
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const state: Record<StateFilter, SQL | undefined> = {
    all: undefined,
    overdue: sql`${tl.overdue} > 0`,
    none: eq(tl.assignedCount, 0),
    complete: sql`${tl.assignedCount} > 0 AND ${tl.completeCount} = ${tl.assignedCount}`,
    open: sql`${tl.completeCount} < ${tl.assignedCount} AND ${tl.overdue} = 0`
  }
  return and(
    eq(tl.enterpriseId, enterpriseId),
    q === '' ? undefined : sql`lower(${tl.fullName}) LIKE ${pattern} ESCAPE '\\'`,
    f.cohort === null ? undefined : inArray(tl.traineeId, sql`(SELECT ${cohortMembers.traineeId} FROM ${cohortMembers} WHERE ${cohortMembers.cohortId} = ${f.cohort})`),
    state[f.state]
  )!
}

/** One keyset page of the table (the rows after or before a key in the chosen order) with the filtered rows' true total. */
export function * learningPage (db: Db, enterpriseId: number, f: TableFilters, req: KeysetRequest): Q<KeysetPage<StoredLearning>> {
  const where = tableWhere(enterpriseId, f)
  const total = yield * countLearning(db, enterpriseId, f)
  const k = keysetQuery(orderOf(f.sort).cols, req, f.desc)
  const rows = yield * all(db.select(columns).from(tl).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))
  return toPage(rows, req, total, (r) => learningKey(f.sort, r))
}

/** How many of the enterprise's stored rows pass the filters (one count over the same conditions as the pages). */
export function * countLearning (db: Db, enterpriseId: number, f: TableFilters): Q<number> {
  return (yield * one(db.select({ n: count() }).from(tl).where(tableWhere(enterpriseId, f))))?.n ?? 0
}

/** Up to `size` rows of the table after `after` in its order: what the CSV export streams in chunks. */
export function * learningRowsAfter (db: Db, enterpriseId: number, f: TableFilters, after: Key | undefined, size: number): Q<StoredLearning[]> {
  const k = keysetQuery(orderOf(f.sort).cols, after ? { size, after } : { size }, f.desc)
  return yield * all(db.select(columns).from(tl).where(and(tableWhere(enterpriseId, f), k.where)).orderBy(...k.orderBy).limit(size))
}

/** How many guards the enterprise employs now, and how many of them have a stored summary (fewer while the keeper fills new rows). */
export function * summaryCoverage (db: Db, enterpriseId: number): Q<{ employed: number, stored: number }> {
  const employed = (yield * one(db.select({ n: count() }).from(employments).where(and(eq(employments.enterpriseId, enterpriseId), isNull(employments.endedOn)))))?.n ?? 0
  const stored = (yield * one(db.select({ n: count() }).from(tl).where(eq(tl.enterpriseId, enterpriseId))))?.n ?? 0
  return { employed, stored }
}

export interface CohortFigures { members: number, percent: number, overdue: number }

/**
 * Per cohort of the enterprise: its members the enterprise employs now (those with a stored
 * summary of that enterprise), their average assignment progress (rounded down) and how many
 * of them have an overdue assignment. One grouped query over the cohorts' members.
 */
export function * cohortFigures (db: Db, enterpriseId: number, cohortIds: readonly number[]): Q<Map<number, CohortFigures>> {
  const out = new Map<number, CohortFigures>()
  for (const chunk of chunks([...cohortIds])) {
    // Sums as numbers on both engines (PostgreSQL's sum of integers is a bigint, read as text).
    const rows = yield * all(db.select({
      cohortId: cohortMembers.cohortId,
      n: count(),
      percent: sql<number>`sum(${tl.assignedPercent})`.mapWith(Number),
      overdue: sql<number>`sum(CASE WHEN ${tl.overdue} > 0 THEN 1 ELSE 0 END)`.mapWith(Number)
    }).from(cohortMembers).innerJoin(tl, eq(tl.traineeId, cohortMembers.traineeId))
      .where(and(inArray(cohortMembers.cohortId, chunk), eq(tl.enterpriseId, enterpriseId))).groupBy(cohortMembers.cohortId))
    for (const r of rows) out.set(r.cohortId, { members: r.n, percent: r.n > 0 ? Math.floor(r.percent / r.n) : 0, overdue: r.overdue })
  }
  return out
}
