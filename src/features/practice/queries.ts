import { and, asc, desc, eq, gte, inArray, lte, sql, count, isNotNull, Param, type SQL } from 'drizzle-orm'
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { Db } from '../../db/connection.js'
import { chunks } from '../../lib/chunks.js'
import { all, one, run, prepared, isPostgres, databaseOf, type Q } from '../../db/engine.js'
import { immutableCache } from '../../db/immutable-cache.js'
import { groupCommit, writeOne, kept, refused, type BatchWriter } from '../../db/group-commit.js'
import { Conflict, NotFound } from '../../http/errors.js'
import { readinessChanged } from '../../db/readiness-hook.js'
import {
  bankReleases, questionVersions, releaseQuestions, practiceSets, practiceAnswers, practiceQuestions, practiceTopics, practiceDays, traineeLearning,
  type PracticeMode, type QuestionBody
} from '../../db/schema.js'
import { latestReleaseId, type QuestionType, type Domain } from '../bank/index.js'
import { bookAfter, DEFAULT_BOOK_EXIT } from './book.js'
import { scheduleAfter, dayNumber, dayDate, UNSCHEDULED } from './schedule.js'
import { countsAfter, masteryPct, weekAccuracy, MASTERY_GOAL } from './mastery.js'
import type { PoolQuestion, QuestionState } from './sets.js'

export type PracticeSet = typeof practiceSets.$inferSelect

/** A placeholder of a prepared query (engine.ts `prepared`): its value is given when the query runs. */
const p = (name: string) => sql.placeholder(name)
/**
 * A prepared query on the database (engine.ts `prepared`: compiled once per SQLite connection, a
 * named statement on PostgreSQL).
 */
function statement<P> (db: Db, key: string, build: () => P & { prepare(): unknown }): P {
  return prepared(db, key, build) as P
}
/** The row an upsert would have inserted, for its DO UPDATE (both engines call it `excluded`). */
const excluded = (column: AnySQLiteColumn): SQL => sql`excluded.${sql.identifier(column.name)}`
/**
 * A placeholder for a nullable column whose values the column encodes (a time): a plain one would
 * be encoded by the column even when null (Drizzle's fillPlaceholders does not skip null, and a
 * time's encoder calls getTime), so null is passed as null and anything else through the column.
 */
const pNullable = (name: string, column: AnySQLiteColumn): SQL =>
  sql`${new Param(sql.placeholder(name), { mapToDriverValue: (v: unknown) => (v === null ? null : column.mapToDriverValue(v)) })}`

// ---------------------------------------------------------------- settings

export interface PracticeSettings { timeZone: string, bookExit: number }
/**
 * The node's practice settings (TZ_DISPLAY and PRACTICE_BOOK_EXIT from its environment), by the
 * database the app serves (engine.ts `databaseOf`: a PostgreSQL transaction's handle carries its
 * pool, so its bodies find them too). Configuration, not data: nothing another node does changes
 * them, and every node of a deployment is started with the same environment.
 */
const settings = new WeakMap<object, PracticeSettings>()

/** The app's practice settings for this database (set once when the routes register). */
export function configurePractice (db: Db, s: PracticeSettings): void {
  const owner = databaseOf(db)
  if (owner) settings.set(owner, s)
}
const settingsOf = (db: Db): PracticeSettings => {
  const owner = databaseOf(db)
  return (owner && settings.get(owner)) ?? { timeZone: 'Asia/Shanghai', bookExit: DEFAULT_BOOK_EXIT }
}

/** Today's local day number in the practice settings' zone. */
export function practiceToday (db: Db, now: Date): number {
  return dayNumber(now, settingsOf(db).timeZone)
}

// ---------------------------------------------------------------- the pool

/** A question's key id: the id of its key's first version (written out: drizzle leaves a lone table's columns unqualified). */
const KEY_ID = sql<number>`(SELECT min(k.id) FROM question_versions k WHERE k.question_key = question_versions.question_key)`.mapWith(Number)

export interface Pool { releaseId: number, syllabus: Domain[], questions: PoolQuestion[], byId: Map<number, PoolQuestion>, topicTotals: Map<string, number> }
// A release never changes once published: its pool is read once per database and release.
const pools = immutableCache<number, Pool>()

/**
 * The current release's questions in bank order (syllabus order of subjects and
 * topics, then key), each with its key id: the id of the key's first version.
 * Every answer asks: the newest release's id is one prepared query (bank), the
 * pool itself is cached per database and release.
 */
export function * currentPool (db: Db): Q<Pool | undefined> {
  const id = yield * latestReleaseId(db)
  if (id === undefined) return undefined
  return yield * pools.load(db, id, () => readPool(db, id))
}

function * readPool (db: Db, releaseId: number): Q<Pool> {
  const release = (yield * one(db.select({ id: bankReleases.id, syllabus: bankReleases.syllabus }).from(bankReleases).where(eq(bankReleases.id, releaseId))))!
  const rows = yield * all(db.select({
    id: questionVersions.id, key: questionVersions.questionKey, domain: questionVersions.domain, topic: questionVersions.topic, type: questionVersions.type,
    keyId: KEY_ID
  }).from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, release.id)).orderBy(asc(questionVersions.questionKey)))
  const order = new Map<string, number>()
  for (const [i, d] of (release.syllabus ?? []).entries()) for (const [j, t] of d.topics.entries()) order.set(`${d.id}/${t.id}`, i * 1000 + j)
  const rank = (q: { domain: string, topic: string }) => order.get(`${q.domain}/${q.topic}`) ?? Number.MAX_SAFE_INTEGER
  const questions = rows.sort((a, b) => rank(a) - rank(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r): PoolQuestion => ({ id: r.id, keyId: r.keyId, domain: r.domain, topic: r.topic, type: r.type }))
  const topicTotals = new Map<string, number>()
  for (const q of questions) topicTotals.set(`${q.domain}/${q.topic}`, (topicTotals.get(`${q.domain}/${q.topic}`) ?? 0) + 1)
  return { releaseId: release.id, syllabus: release.syllabus ?? [], questions, byId: new Map(questions.map((q) => [q.id, q])), topicTotals }
}

export interface PracticeQuestionRow { id: number, type: QuestionType, domain: string, topic: string, body: QuestionBody }

// Question versions never change: each is read once per database.
const questionRows = immutableCache<number, PracticeQuestionRow>()

/** A question version for a practice page (one prepared query the first time, then cached). */
export function * questionRow (db: Db, id: number): Q<PracticeQuestionRow | undefined> {
  const cached = questionRows.peek(db, id)
  if (cached) return cached
  const row = yield * one(statement(db, 'practice.questionRow', () => db.select({
    id: questionVersions.id, type: questionVersions.type, domain: questionVersions.domain, topic: questionVersions.topic, body: questionVersions.body
  }).from(questionVersions).where(eq(questionVersions.id, p('id')))), { id })
  // A missing id is not remembered (it is not a version, so nothing immutable to keep).
  if (row) questionRows.set(db, id, row)
  return row
}

interface VersionKey { keyId: number, topicKey: string }
// A version's key id and topic never change (versions are immutable and a key's first version stays its first).
const versionKeys = immutableCache<number, VersionKey>()

/**
 * The key id (first version's id) and topic of each question version. Those of
 * the current release come from its pool; older ones (a set or a mock of an
 * earlier release) are read once and cached per database.
 */
function * keysOf (db: Db, pool: Pool | undefined, versionIds: readonly number[]): Q<Map<number, VersionKey>> {
  const out = new Map<number, VersionKey>()
  const missing: number[] = []
  for (const id of versionIds) {
    const q = pool?.byId.get(id)
    const k = q ? { keyId: q.keyId, topicKey: `${q.domain}/${q.topic}` } : versionKeys.peek(db, id)
    if (k) out.set(id, k)
    else missing.push(id)
  }
  if (missing.length > 0) {
    for (const [id, k] of yield * keyIdsOf(db, missing)) {
      versionKeys.set(db, id, k)
      out.set(id, k)
    }
  }
  return out
}

/** The key id (first version's id) of each question version. */
function * keyIdsOf (db: Db, versionIds: readonly number[]): Q<Map<number, VersionKey>> {
  const out = new Map<number, VersionKey>()
  for (const chunk of chunks(versionIds)) {
    const rows = yield * all(db.select({
      id: questionVersions.id, domain: questionVersions.domain, topic: questionVersions.topic,
      keyId: KEY_ID
    }).from(questionVersions).where(inArray(questionVersions.id, chunk)))
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
export function * questionStates (db: Db, traineeId: number): Q<Map<number, QuestionState>> {
  const rows = yield * all(db.select(stateColumns).from(practiceQuestions).where(eq(practiceQuestions.traineeId, traineeId)))
  return new Map(rows.map((r) => [r.keyId, r]))
}

/** Per topic (`domain/topic`): questions seen and right at their latest answer, and the peak mastery. */
export function * topicCounts (db: Db, traineeId: number): Q<Map<string, { seen: number, right: number, peakPct: number }>> {
  const rows = yield * all(db.select().from(practiceTopics).where(eq(practiceTopics.traineeId, traineeId)))
  return new Map(rows.map((r) => [r.topicKey, { seen: r.seen, right: r.right, peakPct: r.peakPct }]))
}

/** How many questions are due for review on local day `today` or before. */
export function * dueCount (db: Db, traineeId: number, today: number): Q<number> {
  const r = yield * one(db.select({ n: count() }).from(practiceQuestions)
    .where(and(eq(practiceQuestions.traineeId, traineeId), isNotNull(practiceQuestions.dueDay), lte(practiceQuestions.dueDay, today))))
  return r?.n ?? 0
}

export interface Outcome { questionVersionId: number, right: boolean }

interface StateRow { lastRight: boolean | null, lastMissAt: Date | null, streak: number, misses: number, inBook: boolean, box: number, dueDay: number | null }

/** A question's state before an answer (every answer reads it: prepared). */
function * readState (db: Db, traineeId: number, keyId: number): Q<StateRow | undefined> {
  return yield * one(statement(db, 'practice.readState', () => db.select({
    lastRight: practiceQuestions.lastRight, lastMissAt: practiceQuestions.lastMissAt, streak: practiceQuestions.streak, misses: practiceQuestions.misses,
    inBook: practiceQuestions.inBook, box: practiceQuestions.box, dueDay: practiceQuestions.dueDay
  }).from(practiceQuestions).where(and(eq(practiceQuestions.traineeId, p('traineeId')), eq(practiceQuestions.keyId, p('keyId'))))), { traineeId, keyId })
}

/**
 * Brings the book, the schedule and mastery in step with answers from any
 * source (practice, a lesson check, a finished mock), inside the caller's
 * transaction; `pool` is the current release's when the caller has it. Says
 * which topics first reached the mastery goal with these answers.
 */
export function * recordOutcomes (db: Db, traineeId: number, outcomes: readonly Outcome[], now: Date, given?: Pool): Q<{ reachedGoal: string[] }> {
  const reachedGoal: string[] = []
  if (outcomes.length === 0) return { reachedGoal }
  const pool = given ?? (yield * currentPool(db))
  const { bookExit, timeZone } = settingsOf(db)
  const today = dayNumber(now, timeZone)
  const totals = pool?.topicTotals ?? new Map<string, number>()
  const keys = yield * keysOf(db, pool, outcomes.map((o) => o.questionVersionId))
  for (const o of outcomes) {
    const k = keys.get(o.questionVersionId)
    if (!k) continue
    const before = yield * readState(db, traineeId, k.keyId)
    const book = bookAfter({ inBook: before?.inBook ?? false, streak: before?.streak ?? 0, misses: before?.misses ?? 0 }, o.right, bookExit)
    const schedule = book.left ? UNSCHEDULED : scheduleAfter({ box: before?.box ?? 0, dueDay: before?.dueDay ?? null }, o.right, today)
    yield * run(statement(db, 'practice.saveState', () => db.insert(practiceQuestions).values({
      traineeId: p('traineeId'), keyId: p('keyId'), lastRight: p('lastRight'), lastAt: p('lastAt'), streak: p('streak'), misses: p('misses'),
      lastMissAt: pNullable('lastMissAt', practiceQuestions.lastMissAt), inBook: p('inBook'), box: p('box'), dueDay: p('dueDay')
    }).onConflictDoUpdate({
      target: [practiceQuestions.traineeId, practiceQuestions.keyId],
      // Everything but the star, which only the trainee sets.
      set: {
        lastRight: excluded(practiceQuestions.lastRight), lastAt: excluded(practiceQuestions.lastAt), streak: excluded(practiceQuestions.streak),
        misses: excluded(practiceQuestions.misses), lastMissAt: excluded(practiceQuestions.lastMissAt), inBook: excluded(practiceQuestions.inBook),
        box: excluded(practiceQuestions.box), dueDay: excluded(practiceQuestions.dueDay)
      }
    })), {
      traineeId, keyId: k.keyId, lastRight: o.right, lastAt: now, streak: book.streak, misses: book.misses,
      lastMissAt: o.right ? before?.lastMissAt ?? null : now, inBook: book.inBook, box: schedule.box, dueDay: schedule.dueDay
    })
    const t = yield * one(statement(db, 'practice.readTopic', () => db.select({ seen: practiceTopics.seen, right: practiceTopics.right, peakPct: practiceTopics.peakPct, peakAt: practiceTopics.peakAt })
      .from(practiceTopics).where(and(eq(practiceTopics.traineeId, p('traineeId')), eq(practiceTopics.topicKey, p('topicKey'))))), { traineeId, topicKey: k.topicKey })
    const counts = countsAfter({ seen: t?.seen ?? 0, right: t?.right ?? 0 }, before?.lastRight ?? null, o.right)
    const pct = masteryPct(counts, totals.get(k.topicKey) ?? 0)
    const peaked = pct > (t?.peakPct ?? 0)
    // A topic's mastery reaching the goal for the first time completes "practise to 80%" items: a readiness event.
    if ((t?.peakPct ?? 0) < MASTERY_GOAL && pct >= MASTERY_GOAL) reachedGoal.push(k.topicKey)
    // The row was read above in this transaction: the peak it keeps is worked out here, not in SQL.
    yield * run(statement(db, 'practice.saveTopic', () => db.insert(practiceTopics).values({
      traineeId: p('traineeId'), topicKey: p('topicKey'), seen: p('seen'), right: p('right'), peakPct: p('peakPct'), peakAt: pNullable('peakAt', practiceTopics.peakAt)
    }).onConflictDoUpdate({
      target: [practiceTopics.traineeId, practiceTopics.topicKey],
      set: { seen: excluded(practiceTopics.seen), right: excluded(practiceTopics.right), peakPct: excluded(practiceTopics.peakPct), peakAt: excluded(practiceTopics.peakAt) }
    })), {
      traineeId, topicKey: k.topicKey, seen: counts.seen, right: counts.right,
      peakPct: peaked ? pct : t?.peakPct ?? 0, peakAt: peaked ? now : t?.peakAt ?? null
    })
  }
  // A "practise to 80%" item just completed: the person's stored readiness follows, in this transaction
  // (and their whole learning summary with it); else only the summary's practice figures move.
  if (reachedGoal.length > 0) yield * readinessChanged(db, [traineeId], now)
  else yield * storePracticeFigures(db, traineeId, today, pool)
  return { reachedGoal }
}

/** Whether the trainee starred a question (by its key id). */
export function * isFavourite (db: Db, traineeId: number, keyId: number): Q<boolean> {
  const r = yield * one(statement(db, 'practice.isFavourite', () => db.select({ favourite: practiceQuestions.favourite }).from(practiceQuestions)
    .where(and(eq(practiceQuestions.traineeId, p('traineeId')), eq(practiceQuestions.keyId, p('keyId'))))), { traineeId, keyId })
  return r?.favourite === true
}

/** Stars or unstars a question (by the key of the version shown). */
export function * setFavourite (db: Db, traineeId: number, questionVersionId: number, on: boolean): Q<void> {
  const k = (yield * keysOf(db, yield * currentPool(db), [questionVersionId])).get(questionVersionId)
  if (!k) return
  yield * run(db.insert(practiceQuestions).values({ traineeId, keyId: k.keyId, favourite: on })
    .onConflictDoUpdate({ target: [practiceQuestions.traineeId, practiceQuestions.keyId], set: { favourite: on } }))
}

/** Takes a question out of the book by the trainee's choice; its review schedule ends with it. */
export function * removeFromBook (db: Db, traineeId: number, keyId: number): Q<boolean> {
  const r = yield * run(db.update(practiceQuestions).set({ inBook: false, box: 0, dueDay: null })
    .where(and(eq(practiceQuestions.traineeId, traineeId), eq(practiceQuestions.keyId, keyId), eq(practiceQuestions.inBook, true))))
  return r.changes > 0
}

export interface BookEntry { keyId: number, misses: number, lastMissAt: Date | null, box: number, dueDay: number | null, favourite: boolean, inBook: boolean, lastRight: boolean | null }

/** The book, the favourites or the due reviews of a trainee (unordered; the caller orders by the pool). */
export function * listEntries (db: Db, traineeId: number, which: 'wrong' | 'favourites' | 'review', today: number): Q<BookEntry[]> {
  const cond = which === 'wrong'
    ? eq(practiceQuestions.inBook, true)
    : which === 'favourites' ? eq(practiceQuestions.favourite, true) : and(isNotNull(practiceQuestions.dueDay), lte(practiceQuestions.dueDay, today))
  return yield * all(db.select({
    keyId: practiceQuestions.keyId, misses: practiceQuestions.misses, lastMissAt: practiceQuestions.lastMissAt, box: practiceQuestions.box,
    dueDay: practiceQuestions.dueDay, favourite: practiceQuestions.favourite, inBook: practiceQuestions.inBook, lastRight: practiceQuestions.lastRight
  }).from(practiceQuestions).where(and(eq(practiceQuestions.traineeId, traineeId), cond)))
}

// ---------------------------------------------------------------- sets and answers

export interface NewSet { traineeId: number, mode: PracticeMode, domain: string | null, topic: string | null, itemType: string | null, releaseId: number, seed: string, questionVersionIds: number[] }

export function * insertSet (db: Db, s: NewSet, now: Date): Q<PracticeSet> {
  return (yield * one(db.insert(practiceSets).values({ ...s, createdAt: now }).returning()))!
}

/** A set by id (every answer and page of a set asks: prepared). */
export function * findSet (db: Db, id: number): Q<PracticeSet | undefined> {
  return yield * one(statement(db, 'practice.findSet', () => db.select().from(practiceSets).where(eq(practiceSets.id, p('id')))), { id })
}

/** The trainee's latest sequential set of a scope on this release that still has questions to answer: where he left off. */
export function * openSequentialSet (db: Db, traineeId: number, releaseId: number, domain: string | null, topic: string | null): Q<PracticeSet | undefined> {
  // The length of the set's JSON list: each engine's function of its JSON type (text in SQLite, jsonb in PostgreSQL).
  const size = isPostgres(db) ? sql`jsonb_array_length(${practiceSets.questionVersionIds})` : sql`json_array_length(${practiceSets.questionVersionIds})`
  return yield * one(db.select().from(practiceSets)
    .where(and(eq(practiceSets.traineeId, traineeId), eq(practiceSets.mode, 'sequential'), eq(practiceSets.releaseId, releaseId),
      domain === null ? sql`${practiceSets.domain} IS NULL` : eq(practiceSets.domain, domain),
      topic === null ? sql`${practiceSets.topic} IS NULL` : eq(practiceSets.topic, topic),
      sql`${practiceSets.answered} < ${size}`))
    .orderBy(desc(practiceSets.createdAt), desc(practiceSets.id)).limit(1))
}

/** A trainee's recent sets, newest first. */
export function * recentSets (db: Db, traineeId: number, limit = 5): Q<PracticeSet[]> {
  return yield * all(db.select().from(practiceSets).where(eq(practiceSets.traineeId, traineeId)).orderBy(desc(practiceSets.createdAt), desc(practiceSets.id)).limit(limit))
}

export interface SetAnswer { position: number, answer: number, right: boolean }

/** A set's answers by position (every page of a set: prepared). */
export function * setAnswers (db: Db, setId: number): Q<Map<number, SetAnswer>> {
  const rows = yield * all(statement(db, 'practice.setAnswers', () => db.select({ position: practiceAnswers.position, answer: practiceAnswers.answer, right: practiceAnswers.right })
    .from(practiceAnswers).where(eq(practiceAnswers.setId, p('setId'))).orderBy(asc(practiceAnswers.position))), { setId })
  return new Map(rows.map((r) => [r.position, r]))
}

export interface SetPage { answers: Map<number, SetAnswer>, q: PracticeQuestionRow | undefined, pool: Pool | undefined, favourite: boolean }

/**
 * What a set's page at one position reads (its answers, the question version, the current pool and
 * whether the trainee starred the question): one call for the route, each read prepared or cached.
 */
export function * setPage (db: Db, setId: number, traineeId: number, questionVersionId: number): Q<SetPage> {
  const answers = yield * setAnswers(db, setId)
  const q = yield * questionRow(db, questionVersionId)
  const pool = yield * currentPool(db)
  const keyId = q ? pool?.byId.get(q.id)?.keyId : undefined
  const favourite = keyId === undefined ? false : yield * isFavourite(db, traineeId, keyId)
  return { answers, q, pool, favourite }
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

/** The same inside the caller's transaction (a body; tools, tests): a refusal is thrown. */
export function * writePracticeAnswer (db: Db, a: PracticeAnswer): Q<void> {
  yield * writeOne(db, writePracticeAnswers, a)
}

/**
 * The batch writer of practice answers, inside the group commit's transaction.
 * Each answer is checked against the current state (earlier answers of the
 * batch included) before it writes anything, then: the insert-only row, the
 * set's counts, the day's counts, and the book, schedule and mastery
 * (recordOutcomes), in arrival order, so two answers of one trainee in a batch
 * end as they would one after the other. The hot path: every statement is a
 * prepared query (engine.ts `prepared`), compiled once per connection.
 */
const writePracticeAnswers: BatchWriter<PracticeAnswer, void> = function * (db, batch) {
  // The current release's pool, once for the batch (nothing in it publishes a release).
  const pool = yield * currentPool(db)
  const outcomes = []
  for (const a of batch) {
    // The set's owner and mode, and its list of questions (Drizzle reads the JSON; indexed here, the same on both engines).
    const set = yield * one(statement(db, 'practice.answerTarget', () => db.select({ traineeId: practiceSets.traineeId, mode: practiceSets.mode, questionVersionIds: practiceSets.questionVersionIds })
      .from(practiceSets).where(eq(practiceSets.id, p('setId')))), { setId: a.setId })
    if (!set || set.traineeId !== a.traineeId || set.mode === 'recite' || set.questionVersionIds[a.position - 1] !== a.questionVersionId) {
      outcomes.push(refused(new NotFound()))
      continue
    }
    // A position keeps its first answer: a second (a double submit, another tab) is refused before anything is written.
    const inserted = yield * run(statement(db, 'practice.insertAnswer', () => db.insert(practiceAnswers).values({
      setId: p('setId'), position: p('position'), traineeId: p('traineeId'), questionVersionId: p('questionVersionId'), answer: p('answer'), right: p('right'), at: p('at')
    }).onConflictDoNothing()), { setId: a.setId, position: a.position, traineeId: a.traineeId, questionVersionId: a.questionVersionId, answer: a.answer, right: a.right, at: a.now })
    if (inserted.changes === 0) {
      outcomes.push(refused(new Conflict('practice.answered')))
      continue
    }
    const right = a.right ? 1 : 0
    yield * run(statement(db, 'practice.setCounts', () => db.update(practiceSets)
      .set({ answered: sql`${practiceSets.answered} + 1`, right: sql`${practiceSets.right} + ${p('right')}` })
      .where(eq(practiceSets.id, p('setId')))), { right, setId: a.setId })
    yield * run(statement(db, 'practice.dayCounts', () => db.insert(practiceDays).values({ traineeId: p('traineeId'), day: p('day'), answered: 1, right: p('right') })
      .onConflictDoUpdate({
        target: [practiceDays.traineeId, practiceDays.day],
        set: { answered: sql`${practiceDays.answered} + 1`, right: sql`${practiceDays.right} + ${excluded(practiceDays.right)}` }
      })), { traineeId: a.traineeId, day: practiceToday(db, a.now), right })
    yield * recordOutcomes(db, a.traineeId, [{ questionVersionId: a.questionVersionId, right: a.right }], a.now, pool)
    outcomes.push(kept(undefined))
  }
  return outcomes
}

/** Practice answers and right ones of each trainee from local day `fromDay` on (this week), and the first of those days. */
export function * practisedSince (db: Db, traineeIds: readonly number[], fromDay: number): Q<Map<number, { answered: number, right: number, firstDay: number }>> {
  const out = new Map<number, { answered: number, right: number, firstDay: number }>()
  for (const chunk of chunks(traineeIds)) {
    // Sums read as numbers: PostgreSQL's sum of integers is a bigint, which node-postgres gives as text.
    const rows = yield * all(db.select({
      t: practiceDays.traineeId,
      answered: sql<number>`sum(${practiceDays.answered})`.mapWith(Number),
      right: sql<number>`sum(${practiceDays.right})`.mapWith(Number),
      firstDay: sql<number>`min(${practiceDays.day})`.mapWith(Number)
    }).from(practiceDays).where(and(inArray(practiceDays.traineeId, chunk), gte(practiceDays.day, fromDay))).groupBy(practiceDays.traineeId))
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
 * row by its key, so the answer stays fast (prepared); a trainee without a row yet is left to the keeper.
 */
function * storePracticeFigures (db: Db, traineeId: number, today: number, pool: Pool | undefined): Q<void> {
  const totals = pool?.topicTotals ?? new Map<string, number>()
  const topics = yield * all(statement(db, 'practice.figuresTopics', () => db.select({ topicKey: practiceTopics.topicKey, right: practiceTopics.right })
    .from(practiceTopics).where(eq(practiceTopics.traineeId, p('traineeId')))), { traineeId })
  const right = topics.reduce((n, t) => n + Math.min(t.right, totals.get(t.topicKey) ?? 0), 0)
  const mastery = masteryPct({ seen: 0, right }, pool?.questions.length ?? 0)
  const week = (yield * one(statement(db, 'practice.figuresWeek', () => db.select({
    answered: sql<number>`coalesce(sum(${practiceDays.answered}), 0)`.mapWith(Number),
    right: sql<number>`coalesce(sum(${practiceDays.right}), 0)`.mapWith(Number),
    firstDay: sql<number | null>`min(${practiceDays.day})`
  }).from(practiceDays).where(and(eq(practiceDays.traineeId, p('traineeId')), gte(practiceDays.day, p('fromDay'))))), { traineeId, fromDay: today - (WEEK_DAYS - 1) }))!
  const firstDay = week.firstDay === null ? null : Number(week.firstDay)
  const figures = { traineeId, mastery, answered: week.answered, right: week.right }
  if (firstDay === null) {
    yield * run(statement(db, 'practice.figures', () => db.update(traineeLearning)
      .set({ masteryPct: sql`${p('mastery')}`, weekAnswered: sql`${p('answered')}`, weekRight: sql`${p('right')}` })
      .where(eq(traineeLearning.traineeId, p('traineeId')))), figures)
    return
  }
  // The week's figures change by themselves on the day its first practised day leaves it: that day, unless an earlier change is due.
  yield * run(statement(db, 'practice.figuresChange', () => db.update(traineeLearning)
    .set({
      masteryPct: sql`${p('mastery')}`, weekAnswered: sql`${p('answered')}`, weekRight: sql`${p('right')}`,
      nextChangeOn: sql`CASE WHEN ${traineeLearning.nextChangeOn} IS NULL OR ${traineeLearning.nextChangeOn} > ${p('changes')} THEN ${p('changes')} ELSE ${traineeLearning.nextChangeOn} END`
    })
    .where(eq(traineeLearning.traineeId, p('traineeId')))), { ...figures, changes: dayDate(firstDay + WEEK_DAYS) })
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
export function * practiceSummaries (db: Db, traineeIds: readonly number[], today: number): Q<Map<number, PracticeSummary>> {
  const pool = yield * currentPool(db)
  const totals = pool?.topicTotals ?? new Map<string, number>()
  const bankTotal = pool?.questions.length ?? 0
  const counts = new Map<number, Map<string, { seen: number, right: number, peakPct: number }>>()
  const due = new Map<number, number>()
  for (const chunk of chunks(traineeIds)) {
    for (const r of yield * all(db.select().from(practiceTopics).where(inArray(practiceTopics.traineeId, chunk)))) {
      const m = counts.get(r.traineeId) ?? new Map()
      m.set(r.topicKey, { seen: r.seen, right: r.right, peakPct: r.peakPct })
      counts.set(r.traineeId, m)
    }
    const rows = yield * all(db.select({ t: practiceQuestions.traineeId, n: count() }).from(practiceQuestions)
      .where(and(inArray(practiceQuestions.traineeId, chunk), isNotNull(practiceQuestions.dueDay), lte(practiceQuestions.dueDay, today))).groupBy(practiceQuestions.traineeId))
    for (const r of rows) due.set(r.t, r.n)
  }
  const week = yield * practisedSince(db, traineeIds, today - (WEEK_DAYS - 1))
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
