import { and, asc, desc, eq, gte, inArray, lte, sql, count, isNotNull } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { chunks } from '../../lib/chunks.js'
import { prepared } from '../../db/statements.js'
import { immutableCache } from '../../db/immutable-cache.js'
import { groupCommit, writeNow, kept, refused, type BatchWriter } from '../../db/group-commit.js'
import { Conflict, NotFound } from '../../http/errors.js'
import { readinessChanged } from '../../db/readiness-hook.js'
import {
  bankReleases, questionVersions, releaseQuestions, practiceSets, practiceQuestions, practiceTopics, practiceDays,
  type PracticeMode, type QuestionBody
} from '../../db/schema.js'
import { latestReleaseId, type QuestionType, type Domain } from '../bank/index.js'
import { runSync } from '../../db/engine.js'
import { bookAfter, DEFAULT_BOOK_EXIT } from './book.js'
import { scheduleAfter, dayNumber, dayDate, UNSCHEDULED } from './schedule.js'
import { countsAfter, masteryPct, weekAccuracy, MASTERY_GOAL } from './mastery.js'
import type { PoolQuestion, QuestionState } from './sets.js'

export type PracticeSet = typeof practiceSets.$inferSelect

// ---------------------------------------------------------------- settings

export interface PracticeSettings { timeZone: string, bookExit: number }
const settings = new WeakMap<object, PracticeSettings>()

/** The app's practice settings for this database (set once when the routes register). */
export function configurePractice (db: Db, s: PracticeSettings): void {
  settings.set(db.$client, s)
}
const settingsOf = (db: Db): PracticeSettings => settings.get(db.$client) ?? { timeZone: 'Asia/Shanghai', bookExit: DEFAULT_BOOK_EXIT }

/** Today's local day number in the practice settings' zone. */
export function practiceToday (db: Db, now: Date): number {
  return dayNumber(now, settingsOf(db).timeZone)
}

// ---------------------------------------------------------------- the pool

/** A question's key id: the id of its key's first version (written out: drizzle leaves a lone table's columns unqualified). */
const KEY_ID = sql<number>`(SELECT min(k.id) FROM question_versions k WHERE k.question_key = question_versions.question_key)`

export interface Pool { releaseId: number, syllabus: Domain[], questions: PoolQuestion[], byId: Map<number, PoolQuestion>, topicTotals: Map<string, number> }
const pools = new Map<string, Pool>()

/**
 * The current release's questions in bank order (syllabus order of subjects and
 * topics, then key), each with its key id: the id of the key's first version.
 * Releases are immutable: cached per database file and release.
 */
export function currentPool (db: DbOrTx): Pool | undefined {
  // The newest release's id only (every answer asks: one prepared statement); the row carries the
  // whole syllabus, read when the pool is built. A transaction handle has no client of its own: it
  // reads through Drizzle and without the cache.
  const latest = '$client' in db
    ? (() => { const id = runSync(latestReleaseId(db as Db)); return id === undefined ? undefined : { id } })()
    : db.select({ id: bankReleases.id }).from(bankReleases).orderBy(desc(bankReleases.publishedAt), desc(bankReleases.id)).limit(1).get()
  if (!latest) return undefined
  const cacheKey = '$client' in db ? `${(db as Db).$client.name}|${latest.id}` : undefined
  const cached = cacheKey ? pools.get(cacheKey) : undefined
  if (cached) return cached
  const release = db.select({ id: bankReleases.id, syllabus: bankReleases.syllabus }).from(bankReleases).where(eq(bankReleases.id, latest.id)).get()!
  const rows = db.select({
    id: questionVersions.id, key: questionVersions.questionKey, domain: questionVersions.domain, topic: questionVersions.topic, type: questionVersions.type,
    keyId: KEY_ID
  }).from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, release.id)).orderBy(asc(questionVersions.questionKey)).all()
  const order = new Map<string, number>()
  for (const [i, d] of (release.syllabus ?? []).entries()) for (const [j, t] of d.topics.entries()) order.set(`${d.id}/${t.id}`, i * 1000 + j)
  const rank = (q: { domain: string, topic: string }) => order.get(`${q.domain}/${q.topic}`) ?? Number.MAX_SAFE_INTEGER
  const questions = rows.sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r): PoolQuestion => ({ id: r.id, keyId: r.keyId, domain: r.domain, topic: r.topic, type: r.type }))
  const topicTotals = new Map<string, number>()
  for (const q of questions) topicTotals.set(`${q.domain}/${q.topic}`, (topicTotals.get(`${q.domain}/${q.topic}`) ?? 0) + 1)
  const pool: Pool = { releaseId: release.id, syllabus: release.syllabus ?? [], questions, byId: new Map(questions.map((q) => [q.id, q])), topicTotals }
  if (pools.size > 20) pools.clear()
  if (cacheKey) pools.set(cacheKey, pool)
  return pool
}

export interface PracticeQuestionRow { id: number, type: QuestionType, domain: string, topic: string, body: QuestionBody }

const questionRows = new Map<string, PracticeQuestionRow>()

/** A question version for a practice page (versions are immutable: cached per database file and id). */
export function questionRow (db: Db, id: number): PracticeQuestionRow | undefined {
  const key = `${db.$client.name}|${id}`
  let row = questionRows.get(key)
  if (!row) {
    const r = prepared(db, 'SELECT id, type, domain, topic, body FROM question_versions WHERE id = ?').get(id) as { id: number, type: QuestionType, domain: string, topic: string, body: string } | undefined
    if (!r) return undefined
    row = { ...r, body: JSON.parse(r.body) as QuestionBody }
    if (questionRows.size > 5000) questionRows.clear()
    questionRows.set(key, row)
  }
  return row
}

interface VersionKey { keyId: number, topicKey: string }
// A version's key id and topic never change (versions are immutable and a key's first version stays its first).
const versionKeys = immutableCache<number, VersionKey>()

/**
 * The key id (first version's id) and topic of each question version. Those of
 * the current release come from its pool; older ones (a set or a mock of an
 * earlier release) are read once and cached per connection.
 */
function keysOf (db: Db, pool: Pool | undefined, versionIds: readonly number[]): Map<number, VersionKey> {
  const out = new Map<number, VersionKey>()
  const missing: number[] = []
  for (const id of versionIds) {
    const q = pool?.byId.get(id)
    const k = q ? { keyId: q.keyId, topicKey: `${q.domain}/${q.topic}` } : versionKeys.peek(db, id)
    if (k) out.set(id, k)
    else missing.push(id)
  }
  if (missing.length > 0) {
    for (const [id, k] of keyIdsOf(db, missing)) {
      versionKeys.set(db, id, k)
      out.set(id, k)
    }
  }
  return out
}

/** The key id (first version's id) of each question version. */
function keyIdsOf (db: DbOrTx, versionIds: readonly number[]): Map<number, VersionKey> {
  const out = new Map<number, VersionKey>()
  for (const chunk of chunks(versionIds)) {
    const rows = db.select({
      id: questionVersions.id, domain: questionVersions.domain, topic: questionVersions.topic,
      keyId: KEY_ID
    }).from(questionVersions).where(inArray(questionVersions.id, chunk)).all()
    for (const r of rows) out.set(r.id, { keyId: r.keyId, topicKey: `${r.domain}/${r.topic}` })
  }
  return out
}

// ---------------------------------------------------------------- state

const stateColumns = {
  keyId: practiceQuestions.keyId, lastRight: practiceQuestions.lastRight, lastAt: practiceQuestions.lastAt, inBook: practiceQuestions.inBook,
  favourite: practiceQuestions.favourite, box: practiceQuestions.box, dueDay: practiceQuestions.dueDay
}

/** The trainee's state of every question he has answered or starred, by key id. */
export function questionStates (db: DbOrTx, traineeId: number): Map<number, QuestionState> {
  const rows = db.select(stateColumns).from(practiceQuestions).where(eq(practiceQuestions.traineeId, traineeId)).all()
  return new Map(rows.map((r) => [r.keyId, r]))
}

/** Per topic (`domain/topic`): questions seen and right at their latest answer, and the peak mastery. */
export function topicCounts (db: DbOrTx, traineeId: number): Map<string, { seen: number, right: number, peakPct: number }> {
  const rows = db.select().from(practiceTopics).where(eq(practiceTopics.traineeId, traineeId)).all()
  return new Map(rows.map((r) => [r.topicKey, { seen: r.seen, right: r.right, peakPct: r.peakPct }]))
}

/** How many questions are due for review on local day `today` or before. */
export function dueCount (db: DbOrTx, traineeId: number, today: number): number {
  return db.select({ n: count() }).from(practiceQuestions)
    .where(and(eq(practiceQuestions.traineeId, traineeId), isNotNull(practiceQuestions.dueDay), lte(practiceQuestions.dueDay, today))).get()?.n ?? 0
}

export interface Outcome { questionVersionId: number, right: boolean }

interface StateRow { lastRight: boolean | null, lastMissAt: Date | null, streak: number, misses: number, inBook: boolean, box: number, dueDay: number | null }

function readState (db: Db, traineeId: number, keyId: number): StateRow | undefined {
  const r = prepared(db, 'SELECT last_right AS lastRight, last_miss_at AS lastMissAt, streak, misses, in_book AS inBook, box, due_day AS dueDay FROM practice_questions WHERE trainee_id = ? AND key_id = ?')
    .get(traineeId, keyId) as { lastRight: number | null, lastMissAt: number | null, streak: number, misses: number, inBook: number, box: number, dueDay: number | null } | undefined
  return r && { ...r, lastRight: r.lastRight === null ? null : r.lastRight === 1, lastMissAt: r.lastMissAt === null ? null : new Date(r.lastMissAt), inBook: r.inBook === 1 }
}

/**
 * Brings the book, the schedule and mastery in step with answers from any
 * source (practice, a lesson check, a finished mock). Runs inside the caller's
 * transaction: `db` is the connection it is open on; `pool`, the current
 * release's, when the caller has it. Says which topics first reached the
 * mastery goal with these answers.
 */
export function recordOutcomes (db: Db, traineeId: number, outcomes: readonly Outcome[], now: Date, pool: Pool | undefined = currentPool(db)): { reachedGoal: string[] } {
  const reachedGoal: string[] = []
  if (outcomes.length === 0) return { reachedGoal }
  const { bookExit, timeZone } = settingsOf(db)
  const today = dayNumber(now, timeZone)
  const totals = pool?.topicTotals ?? new Map<string, number>()
  const keys = keysOf(db, pool, outcomes.map((o) => o.questionVersionId))
  for (const o of outcomes) {
    const k = keys.get(o.questionVersionId)
    if (!k) continue
    const before = readState(db, traineeId, k.keyId)
    const book = bookAfter({ inBook: before?.inBook ?? false, streak: before?.streak ?? 0, misses: before?.misses ?? 0 }, o.right, bookExit)
    const schedule = book.left ? UNSCHEDULED : scheduleAfter({ box: before?.box ?? 0, dueDay: before?.dueDay ?? null }, o.right, today)
    const row = {
      lastRight: o.right, lastAt: now, streak: book.streak, misses: book.misses, lastMissAt: o.right ? before?.lastMissAt ?? null : now,
      inBook: book.inBook, box: schedule.box, dueDay: schedule.dueDay
    }
    prepared(db, `INSERT INTO practice_questions (trainee_id, key_id, last_right, last_at, streak, misses, last_miss_at, in_book, box, due_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (trainee_id, key_id) DO UPDATE SET last_right = excluded.last_right, last_at = excluded.last_at, streak = excluded.streak, misses = excluded.misses,
      last_miss_at = excluded.last_miss_at, in_book = excluded.in_book, box = excluded.box, due_day = excluded.due_day`)
      .run(traineeId, k.keyId, row.lastRight ? 1 : 0, now.getTime(), row.streak, row.misses, row.lastMissAt?.getTime() ?? null, row.inBook ? 1 : 0, row.box, row.dueDay)
    const t = prepared(db, 'SELECT seen, "right", peak_pct AS peakPct FROM practice_topics WHERE trainee_id = ? AND topic_key = ?').get(traineeId, k.topicKey) as { seen: number, right: number, peakPct: number } | undefined
    const counts = countsAfter({ seen: t?.seen ?? 0, right: t?.right ?? 0 }, before?.lastRight ?? null, o.right)
    const pct = masteryPct(counts, totals.get(k.topicKey) ?? 0)
    const peaked = pct > (t?.peakPct ?? 0)
    // A topic's mastery reaching the goal for the first time completes "practise to 80%" items: a readiness event.
    if ((t?.peakPct ?? 0) < MASTERY_GOAL && pct >= MASTERY_GOAL) reachedGoal.push(k.topicKey)
    prepared(db, `INSERT INTO practice_topics (trainee_id, topic_key, seen, "right", peak_pct, peak_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (trainee_id, topic_key) DO UPDATE SET seen = excluded.seen, "right" = excluded."right",
      peak_pct = CASE WHEN ? THEN excluded.peak_pct ELSE peak_pct END, peak_at = CASE WHEN ? THEN excluded.peak_at ELSE peak_at END`)
      .run(traineeId, k.topicKey, counts.seen, counts.right, peaked ? pct : 0, peaked ? now.getTime() : null, peaked ? 1 : 0, peaked ? 1 : 0)
  }
  // A "practise to 80%" item just completed: the person's stored readiness follows, in this transaction
  // (and their whole learning summary with it); else only the summary's practice figures move.
  if (reachedGoal.length > 0) runSync(readinessChanged(db, [traineeId], now))
  else storePracticeFigures(db, traineeId, today, pool)
  return { reachedGoal }
}

/** Whether the trainee starred a question (by its key id). */
export function isFavourite (db: Db, traineeId: number, keyId: number): boolean {
  return (prepared(db, 'SELECT favourite FROM practice_questions WHERE trainee_id = ? AND key_id = ?').get(traineeId, keyId) as { favourite: number } | undefined)?.favourite === 1
}

/** Stars or unstars a question (by the key of the version shown). */
export function setFavourite (db: Db, traineeId: number, questionVersionId: number, on: boolean): void {
  const k = keysOf(db, currentPool(db), [questionVersionId]).get(questionVersionId)
  if (!k) return
  db.insert(practiceQuestions).values({ traineeId, keyId: k.keyId, favourite: on })
    .onConflictDoUpdate({ target: [practiceQuestions.traineeId, practiceQuestions.keyId], set: { favourite: on } }).run()
}

/** Takes a question out of the book by the trainee's choice; its review schedule ends with it. */
export function removeFromBook (db: Db, traineeId: number, keyId: number): boolean {
  return db.update(practiceQuestions).set({ inBook: false, box: 0, dueDay: null })
    .where(and(eq(practiceQuestions.traineeId, traineeId), eq(practiceQuestions.keyId, keyId), eq(practiceQuestions.inBook, true))).run().changes > 0
}

export interface BookEntry { keyId: number, misses: number, lastMissAt: Date | null, box: number, dueDay: number | null, favourite: boolean, inBook: boolean, lastRight: boolean | null }

/** The book, the favourites or the due reviews of a trainee (unordered; the caller orders by the pool). */
export function listEntries (db: DbOrTx, traineeId: number, which: 'wrong' | 'favourites' | 'review', today: number): BookEntry[] {
  const cond = which === 'wrong'
    ? eq(practiceQuestions.inBook, true)
    : which === 'favourites' ? eq(practiceQuestions.favourite, true) : and(isNotNull(practiceQuestions.dueDay), lte(practiceQuestions.dueDay, today))
  return db.select({
    keyId: practiceQuestions.keyId, misses: practiceQuestions.misses, lastMissAt: practiceQuestions.lastMissAt, box: practiceQuestions.box,
    dueDay: practiceQuestions.dueDay, favourite: practiceQuestions.favourite, inBook: practiceQuestions.inBook, lastRight: practiceQuestions.lastRight
  }).from(practiceQuestions).where(and(eq(practiceQuestions.traineeId, traineeId), cond)).all()
}

// ---------------------------------------------------------------- sets and answers

export interface NewSet { traineeId: number, mode: PracticeMode, domain: string | null, topic: string | null, itemType: string | null, releaseId: number, seed: string, questionVersionIds: number[] }

export function insertSet (db: DbOrTx, s: NewSet, now: Date): PracticeSet {
  return db.insert(practiceSets).values({ ...s, createdAt: now }).returning().get()
}

export function findSet (db: Db, id: number): PracticeSet | undefined {
  const r = prepared(db, `SELECT id, trainee_id AS traineeId, mode, domain, topic, item_type AS itemType, release_id AS releaseId, seed,
    question_version_ids AS questionVersionIds, answered, "right", created_at AS createdAt FROM practice_sets WHERE id = ?`).get(id) as (Omit<PracticeSet, 'questionVersionIds' | 'createdAt'> & { questionVersionIds: string, createdAt: number }) | undefined
  return r && { ...r, questionVersionIds: JSON.parse(r.questionVersionIds) as number[], createdAt: new Date(r.createdAt) }
}

/** The trainee's latest sequential set of a scope on this release that still has questions to answer: where he left off. */
export function openSequentialSet (db: DbOrTx, traineeId: number, releaseId: number, domain: string | null, topic: string | null): PracticeSet | undefined {
  return db.select().from(practiceSets)
    .where(and(eq(practiceSets.traineeId, traineeId), eq(practiceSets.mode, 'sequential'), eq(practiceSets.releaseId, releaseId),
      domain === null ? sql`${practiceSets.domain} IS NULL` : eq(practiceSets.domain, domain),
      topic === null ? sql`${practiceSets.topic} IS NULL` : eq(practiceSets.topic, topic),
      sql`${practiceSets.answered} < json_array_length(${practiceSets.questionVersionIds})`))
    .orderBy(desc(practiceSets.createdAt), desc(practiceSets.id)).limit(1).get()
}

/** A trainee's recent sets, newest first. */
export function recentSets (db: DbOrTx, traineeId: number, limit = 5): PracticeSet[] {
  return db.select().from(practiceSets).where(eq(practiceSets.traineeId, traineeId)).orderBy(desc(practiceSets.createdAt), desc(practiceSets.id)).limit(limit).all()
}

export interface SetAnswer { position: number, answer: number, right: boolean }

export function setAnswers (db: Db, setId: number): Map<number, SetAnswer> {
  const rows = prepared(db, 'SELECT position, answer, "right" FROM practice_answers WHERE set_id = ? ORDER BY position').all(setId) as Array<{ position: number, answer: number, right: number }>
  return new Map(rows.map((r) => [r.position, { position: r.position, answer: r.answer, right: r.right === 1 }]))
}

/** One practice answer as the route read it: the set, the position and its question version, the encoded answer. */
export interface PracticeAnswer { traineeId: number, setId: number, position: number, questionVersionId: number, answer: number, right: boolean, now: Date }

/**
 * Records a practice answer, acknowledged once committed: answers that arrive
 * together (a floor of trainees drilling at once) share one transaction, a group
 * commit (db/group-commit.ts). Rejects with NotFound when the set is not the
 * trainee's or the position is not that question, and with a Conflict when the
 * position was answered already (it keeps its first answer).
 */
export function recordPracticeAnswer (db: Db, a: PracticeAnswer): Promise<void> {
  return groupCommit(db, writePracticeAnswers, a)
}

/** The same at once, in a transaction of its own (tools, tests): a refusal is thrown. */
export function recordPracticeAnswerNow (db: Db, a: PracticeAnswer): void {
  writeNow(db, writePracticeAnswers, a)
}

/**
 * The batch writer of practice answers, inside the group commit's transaction.
 * Each answer is checked against the current state (earlier answers of the
 * batch included) before it writes anything, then: the insert-only row, the
 * set's counts, the day's counts, and the book, schedule and mastery
 * (recordOutcomes), in arrival order, so two answers of one trainee in a batch
 * end as they would one after the other.
 */
const writePracticeAnswers: BatchWriter<PracticeAnswer, void> = function * (db, batch) {
  // Not moved yet: synchronous statements inside the body (the SQLite bridge).
  // The hot path: prepared statements (drizzle builds and prepares each query anew).
  // The set's owner and mode, and the question at the position (json_extract: the list stays in SQLite).
  const target = prepared(db, 'SELECT trainee_id AS traineeId, mode, json_extract(question_version_ids, ?) AS questionVersionId FROM practice_sets WHERE id = ?')
  const insert = prepared(db, 'INSERT INTO practice_answers (set_id, position, trainee_id, question_version_id, answer, "right", at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
  const setCounts = prepared(db, 'UPDATE practice_sets SET answered = answered + 1, "right" = "right" + ? WHERE id = ?')
  const dayCounts = prepared(db, 'INSERT INTO practice_days (trainee_id, day, answered, "right") VALUES (?, ?, 1, ?) ON CONFLICT (trainee_id, day) DO UPDATE SET answered = answered + 1, "right" = "right" + excluded."right"')
  // The current release's pool, once for the batch (nothing in it publishes a release).
  const pool = currentPool(db)
  return batch.map((a) => {
    const set = target.get(`$[${a.position - 1}]`, a.setId) as { traineeId: number, mode: PracticeMode, questionVersionId: number | null } | undefined
    if (!set || set.traineeId !== a.traineeId || set.mode === 'recite' || set.questionVersionId !== a.questionVersionId) return refused(new NotFound())
    // A position keeps its first answer: a second (a double submit, another tab) is refused before anything is written.
    const inserted = insert.run(a.setId, a.position, a.traineeId, a.questionVersionId, a.answer, a.right ? 1 : 0, a.now.getTime()).changes > 0
    if (!inserted) return refused(new Conflict('practice.answered'))
    setCounts.run(a.right ? 1 : 0, a.setId)
    dayCounts.run(a.traineeId, practiceToday(db, a.now), a.right ? 1 : 0)
    recordOutcomes(db, a.traineeId, [{ questionVersionId: a.questionVersionId, right: a.right }], a.now, pool)
    return kept(undefined)
  })
}

/** Practice answers and right ones of each trainee from local day `fromDay` on (this week), and the first of those days. */
export function practisedSince (db: DbOrTx, traineeIds: readonly number[], fromDay: number): Map<number, { answered: number, right: number, firstDay: number }> {
  const out = new Map<number, { answered: number, right: number, firstDay: number }>()
  for (const chunk of chunks(traineeIds)) {
    const rows = db.select({ t: practiceDays.traineeId, answered: sql<number>`sum(${practiceDays.answered})`, right: sql<number>`sum(${practiceDays.right})`, firstDay: sql<number>`min(${practiceDays.day})` })
      .from(practiceDays).where(and(inArray(practiceDays.traineeId, chunk), gte(practiceDays.day, fromDay))).groupBy(practiceDays.traineeId).all()
    for (const r of rows) out.set(r.t, { answered: r.answered, right: r.right, firstDay: r.firstDay })
  }
  return out
}

/** The days a practice week counts: the local day and the six before it. */
export const WEEK_DAYS = 7

/**
 * Brings the practice figures of the trainee's stored learning summary (trainee_learning, written
 * whole by the readiness keeper's pass) up to date after answers, inside the caller's transaction:
 * mastery over the bank from the trainee's topic counts, this week's answers from the day counts,
 * and the day the week next changes by itself. A few rows by primary key and one update of the
 * row by its key, so the answer stays fast; a trainee without a row yet is left to the keeper.
 */
function storePracticeFigures (db: Db, traineeId: number, today: number, pool: Pool | undefined): void {
  const totals = pool?.topicTotals ?? new Map<string, number>()
  const topics = prepared(db, 'SELECT topic_key AS topicKey, "right" FROM practice_topics WHERE trainee_id = ?').all(traineeId) as Array<{ topicKey: string, right: number }>
  const right = topics.reduce((n, t) => n + Math.min(t.right, totals.get(t.topicKey) ?? 0), 0)
  const mastery = masteryPct({ seen: 0, right }, pool?.questions.length ?? 0)
  const week = prepared(db, 'SELECT coalesce(sum(answered), 0) AS answered, coalesce(sum("right"), 0) AS "right", min(day) AS firstDay FROM practice_days WHERE trainee_id = ? AND day >= ?')
    .get(traineeId, today - (WEEK_DAYS - 1)) as { answered: number, right: number, firstDay: number | null }
  // The week's figures change by themselves on the day its first practised day leaves it.
  const changes = week.firstDay === null ? null : dayDate(week.firstDay + WEEK_DAYS)
  prepared(db, `UPDATE trainee_learning SET mastery_pct = ?, week_answered = ?, week_right = ?,
    next_change_on = CASE WHEN ? IS NOT NULL AND (next_change_on IS NULL OR next_change_on > ?) THEN ? ELSE next_change_on END WHERE trainee_id = ?`)
    .run(mastery, week.answered, week.right, changes, changes, changes, traineeId)
}

// ---------------------------------------------------------------- summaries

export interface TopicMastery { seen: number, right: number, total: number, pct: number, peakPct: number }
export interface PracticeSummary {
  /** Per topic of the current release (`domain/topic`), practised or not. */
  topics: Map<string, TopicMastery>
  /** Over the whole bank: questions right at their latest answer out of all of its questions. */
  masteryPct: number
  seen: number
  due: number
  /** Practice answers in the last 7 local days (today included) and the share right; null accuracy when none; the first of those days practised (null: none). */
  week: { answered: number, right: number, accuracyPct: number | null, firstDay: number | null }
}

/** Where each trainee stands in practice, read in a few batched queries. `today` is the local day number. */
export function practiceSummaries (db: DbOrTx, traineeIds: readonly number[], today: number): Map<number, PracticeSummary> {
  const pool = currentPool(db)
  const totals = pool?.topicTotals ?? new Map<string, number>()
  const bankTotal = pool?.questions.length ?? 0
  const counts = new Map<number, Map<string, { seen: number, right: number, peakPct: number }>>()
  const due = new Map<number, number>()
  for (const chunk of chunks(traineeIds)) {
    for (const r of db.select().from(practiceTopics).where(inArray(practiceTopics.traineeId, chunk)).all()) {
      const m = counts.get(r.traineeId) ?? new Map()
      m.set(r.topicKey, { seen: r.seen, right: r.right, peakPct: r.peakPct })
      counts.set(r.traineeId, m)
    }
    const rows = db.select({ t: practiceQuestions.traineeId, n: count() }).from(practiceQuestions)
      .where(and(inArray(practiceQuestions.traineeId, chunk), isNotNull(practiceQuestions.dueDay), lte(practiceQuestions.dueDay, today))).groupBy(practiceQuestions.traineeId).all()
    for (const r of rows) due.set(r.t, r.n)
  }
  const week = practisedSince(db, traineeIds, today - (WEEK_DAYS - 1))
  return new Map(traineeIds.map((id) => {
    const mine = counts.get(id) ?? new Map<string, { seen: number, right: number, peakPct: number }>()
    const topics = new Map<string, TopicMastery>()
    let right = 0
    let seen = 0
    for (const [key, total] of totals) {
      const c = mine.get(key) ?? { seen: 0, right: 0, peakPct: 0 }
      topics.set(key, { seen: c.seen, right: c.right, total, pct: masteryPct(c, total), peakPct: c.peakPct })
      right += Math.min(c.right, total)
      seen += Math.min(c.seen, total)
    }
    const w = week.get(id) ?? { answered: 0, right: 0, firstDay: null }
    return [id, {
      topics,
      masteryPct: masteryPct({ seen, right }, bankTotal),
      seen,
      due: due.get(id) ?? 0,
      week: { answered: w.answered, right: w.right, accuracyPct: weekAccuracy(w.answered, w.right), firstDay: w.firstDay }
    }]
  }))
}
