import { and, asc, between, desc, eq, inArray, isNotNull, isNull, lt, notInArray, sql } from 'drizzle-orm'
import { readinessChanged } from '../../db/readiness-hook.js'
import type { Db } from '../../db/connection.js'
import { Conflict } from '../../http/errors.js'
import { all, isPostgres, one, prepared, run, runsAt, tryLock, type Q } from '../../db/engine.js'
import { LOCKS } from '../../db/postgres.js'
import { immutableCache, type ImmutableCache } from '../../db/immutable-cache.js'
import { batchWriter, groupCommit, writeOne, kept, refused, type ItemOutcome } from '../../db/group-commit.js'
import { writeAudit } from '../audit/index.js'
import { bankReleases, blueprintVersions, releaseBlueprints, questionVersions, releaseQuestions, attempts, attemptItems, attemptSteps, recentPapers, type BlueprintBody, type QuestionBody, type FinishReason } from '../../db/schema.js'
import { latestReleaseId } from '../bank/index.js'
import { recordOutcomes } from '../practice/index.js'
import { gradeAttempt, GRACE_MS } from './grading.js'
import type { PoolQuestion, PaperItem } from './assembly.js'
import type { QuestionType } from '../bank/index.js'
import type { NewStep } from './answering.js'

export type Attempt = typeof attempts.$inferSelect

export interface ReleaseBlueprint { versionId: number, key: string, body: BlueprintBody }

const p = (name: string) => sql.placeholder(name)

/*
 * What never changes once published is read once per database (db/immutable-cache.ts), each
 * keyed by its immutable id: a release's blueprints and pool, a question version's body and key,
 * a blueprint version's body.
 */
const releaseBlueprintCache = immutableCache<number, ReleaseBlueprint[]>()
const pools = immutableCache<number, PoolQuestion[]>()
const questionBodies = immutableCache<number, QuestionBody>()
const questionKeys = immutableCache<number, string>()
const questionTypes = immutableCache<number, QuestionType>()
const blueprintBodies = immutableCache<number, BlueprintBody>()

/** The blueprints of the current release, with their versions (every start reads them: cached per release). */
export function * currentBlueprints (db: Db): Q<{ release: { id: number } | undefined, blueprints: ReleaseBlueprint[] }> {
  const id = yield * latestReleaseId(db)
  if (id === undefined) return { release: undefined, blueprints: [] }
  const blueprints = yield * releaseBlueprintCache.load(db, id, () => readBlueprints(db, id))
  return { release: { id }, blueprints }
}

function * readBlueprints (db: Db, releaseId: number): Q<ReleaseBlueprint[]> {
  return yield * all(db.select({ versionId: blueprintVersions.id, key: blueprintVersions.blueprintKey, body: blueprintVersions.body })
    .from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, releaseId)).orderBy(asc(blueprintVersions.blueprintKey)))
}

/** The active questions of a release, as the assembler needs them (cached: releases are immutable). */
export function * questionPool (db: Db, releaseId: number): Q<PoolQuestion[]> {
  return yield * pools.load(db, releaseId, () => readPool(db, releaseId))
}

function * readPool (db: Db, releaseId: number): Q<PoolQuestion[]> {
  const rows = yield * all(db.select({ versionId: questionVersions.id, questionKey: questionVersions.questionKey, domain: questionVersions.domain, topic: questionVersions.topic, type: questionVersions.type, body: questionVersions.body })
    .from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, releaseId)))
  return rows.map((q) => ({ versionId: q.versionId, questionKey: q.questionKey, domain: q.domain, topic: q.topic, type: q.type, optionKeys: q.body.options.map((o) => o.key) }))
}

/** How many of a trainee's latest finished attempts exposure control looks back on (and recent_papers keeps). */
export const RECENT_ATTEMPTS = 3

/** The ids of a trainee's latest finished attempts, as a subquery (placeholders `t` and `n`, or the values given). */
function latestFinished (db: Db, traineeId: number | ReturnType<typeof p>, count: number | ReturnType<typeof p>) {
  return db.select({ id: attempts.id }).from(attempts)
    .where(and(eq(attempts.traineeId, traineeId), isNotNull(attempts.finishedAt))).orderBy(desc(attempts.startedAt)).limit(count)
}

/**
 * The question keys of the trainee's last few finished attempts (from recent_papers, not the
 * attempts' items). The papers' JSON lists are read as they are and their version ids turned into
 * keys here, through the cache of versions' keys (one read of the ids not met yet).
 */
export function * recentlySeenKeys (db: Db, traineeId: number, lastAttempts = RECENT_ATTEMPTS): Q<string[]> {
  const papers = yield * all(prepared(db, 'exams.recentPapers', () => db.select({ ids: recentPapers.questionVersionIds }).from(recentPapers)
    .where(and(eq(recentPapers.traineeId, p('t')), inArray(recentPapers.attemptId, latestFinished(db, p('t'), p('n')))))), { t: traineeId, n: lastAttempts })
  const keys = yield * versionField(db, questionKeys, 'questionKey', papers.flatMap((r) => r.ids))
  return [...new Set(keys.values())].sort()
}

/** Keeps a finished attempt's paper for exposure control and drops the papers it no longer looks back on (inside the finishing transaction). */
function * rememberPaper (db: Db, attemptId: number, traineeId: number, questionVersionIds: readonly number[]): Q<void> {
  yield * run(db.insert(recentPapers).values({ attemptId, traineeId, questionVersionIds: [...questionVersionIds] }).onConflictDoNothing())
  yield * run(db.delete(recentPapers).where(and(eq(recentPapers.traineeId, traineeId), notInArray(recentPapers.attemptId, latestFinished(db, traineeId, RECENT_ATTEMPTS)))))
}

/** The open attempt of a trainee on a blueprint, if any (every start: prepared). */
export function * findOpenAttempt (db: Db, traineeId: number, blueprintKey: string): Q<Attempt | undefined> {
  return yield * one(prepared(db, 'exams.openAttempt', () => db.select().from(attempts)
    .where(and(eq(attempts.traineeId, p('t')), eq(attempts.blueprintKey, p('b')), isNull(attempts.finishedAt))).limit(1)), { t: traineeId, b: blueprintKey })
}

/** An attempt by id (every exam request: prepared). */
export function * findAttempt (db: Db, id: number): Q<Attempt | undefined> {
  return yield * one(prepared(db, 'exams.attempt', () => db.select().from(attempts).where(eq(attempts.id, p('id')))), { id })
}

/** The highest slot a range may name: within PostgreSQL's integer. */
const LAST_SLOT = 2_147_483_647

/**
 * One field of question versions, which never change: each version's value is read once per
 * database (an immutable cache per field), the ones not met yet in one read per 500. A page's
 * bodies, exposure control's keys, the grid's types.
 */
function * versionField<V> (db: Db, cache: ImmutableCache<number, V>, field: 'body' | 'questionKey' | 'type', versionIds: Iterable<number>): Q<Map<number, V>> {
  const found = new Map<number, V>()
  const missing = new Set<number>()
  for (const id of versionIds) {
    if (found.has(id)) continue
    const v = cache.peek(db, id)
    if (v === undefined) missing.add(id)
    else found.set(id, v)
  }
  const ids = [...missing]
  for (let i = 0; i < ids.length; i += 500) {
    const rows = yield * all(db.select({ id: questionVersions.id, value: questionVersions[field] }).from(questionVersions).where(inArray(questionVersions.id, ids.slice(i, i + 500))))
    for (const r of rows) { found.set(r.id, r.value as V); cache.set(db, r.id, r.value as V) }
  }
  return found
}

/** The items of a range of slots (a page) with their questions and latest steps (prepared). */
export function * itemsInRange (db: Db, attemptId: number, from: number, to: number): Q<ItemView[]> {
  const rows = yield * all(prepared(db, 'exams.itemsInRange', () => db.select({
    id: attemptItems.id, slot: attemptItems.slot, points: attemptItems.points, flagged: attemptItems.flagged, optionOrder: attemptItems.optionOrder,
    questionVersionId: attemptItems.questionVersionId, questionKey: questionVersions.questionKey, domain: questionVersions.domain, type: questionVersions.type,
    seq: attemptSteps.seq, response: attemptSteps.response, savedAt: attemptSteps.at
  }).from(attemptItems)
    .innerJoin(questionVersions, eq(questionVersions.id, attemptItems.questionVersionId))
    .leftJoin(attemptSteps, and(eq(attemptSteps.attemptItemId, attemptItems.id),
      eq(attemptSteps.seq, sql`(SELECT max(s2.seq) FROM attempt_steps s2 WHERE s2.attempt_item_id = ${attemptItems.id})`)))
    .where(and(eq(attemptItems.attemptId, p('a')), between(attemptItems.slot, p('from'), p('to')))).orderBy(asc(attemptItems.slot))),
  { a: attemptId, from, to: Math.min(to, LAST_SLOT) })
  const bodies = yield * versionField(db, questionBodies, 'body', rows.map((r) => r.questionVersionId))
  // Built field by field, not spread: a page's rows are read on every exam request.
  return rows.map((r) => ({
    id: r.id, slot: r.slot, points: r.points, flagged: r.flagged, optionOrder: r.optionOrder, questionVersionId: r.questionVersionId, questionKey: r.questionKey,
    domain: r.domain, type: r.type, body: bodies.get(r.questionVersionId)!, seq: r.seq ?? 0, response: r.response ?? [], savedAt: r.savedAt ?? null
  }))
}

export interface SaveTarget {
  attempt: { id: number, traineeId: number, seed: string, deadlineAt: Date, finishedAt: Date | null }
  item: { id: number, slot: number, type: QuestionType, optionOrder: string[], flagged: boolean, seq: number }
}

/**
 * What a save needs, in one prepared query: the attempt's owner and clock, and
 * the item's type, options and latest seq (no question text). Undefined when
 * the attempt or the slot does not exist.
 */
export function * saveTarget (db: Db, attemptId: number, slot: number): Q<SaveTarget | undefined> {
  const r = yield * one(prepared(db, 'exams.saveTarget', () => db.select({
    traineeId: attempts.traineeId, seed: attempts.seed, deadlineAt: attempts.deadlineAt, finishedAt: attempts.finishedAt,
    id: attemptItems.id, flagged: attemptItems.flagged, optionOrder: attemptItems.optionOrder, type: questionVersions.type,
    seq: sql<number | null>`(SELECT s.seq FROM attempt_steps s WHERE s.attempt_item_id = ${attemptItems.id} ORDER BY s.seq DESC LIMIT 1)`.mapWith(Number)
  }).from(attempts)
    .innerJoin(attemptItems, and(eq(attemptItems.attemptId, attempts.id), eq(attemptItems.slot, p('slot'))))
    .innerJoin(questionVersions, eq(questionVersions.id, attemptItems.questionVersionId))
    .where(eq(attempts.id, p('id')))), { id: attemptId, slot })
  if (!r) return undefined
  return {
    attempt: { id: attemptId, traineeId: r.traineeId, seed: r.seed, deadlineAt: r.deadlineAt, finishedAt: r.finishedAt },
    item: { id: r.id, slot, type: r.type, optionOrder: r.optionOrder, flagged: r.flagged, seq: r.seq ?? 0 }
  }
}

/** One item with its question and latest step, for a save or a flag (prepared). */
export function * findItem (db: Db, attemptId: number, slot: number): Q<ItemView | undefined> {
  return (yield * itemsInRange(db, attemptId, slot, slot))[0]
}

export interface NewAttempt {
  traineeId: number
  blueprintKey: string
  blueprintVersionId: number
  releaseId: number
  seed: string
  passMark: number
  startedAt: Date
  deadlineAt: Date
  items: PaperItem[]
}

const ITEM_ROWS = 100

/**
 * A prepared multi-row insert of `n` items of one attempt (placeholders `a`, and `s`, `q`, `o`,
 * `p` with each row's number): a paper is a hundred rows, written in one statement, and the
 * statement is built once per size, not for every start.
 */
function insertItems (db: Db, n: number) {
  return prepared(db, `exams.insertItems.${n}`, () => db.insert(attemptItems).values(Array.from({ length: n }, (_, k) => ({
    attemptId: p('a'), slot: p(`s${k}`), questionVersionId: p(`q${k}`), optionOrder: p(`o${k}`), points: p(`p${k}`), flagged: false
  }))))
}

/**
 * Stores a new attempt and its paper; if one is already open for this blueprint (a double click,
 * two tabs), that one is returned. A transaction body (the route runs it with app.transaction).
 * The open attempt's unique index decides between two starts at once: the insert does nothing
 * when another open attempt holds the key, and the next read returns that one. On PostgreSQL the
 * body runs at READ COMMITTED (runsAt), where an insert that meets another start's uncommitted row
 * waits for it and the next statement sees it committed; at SERIALIZABLE a thousand synchronized
 * starts had a retry for every one or two (the audit scope statement's reads). On SQLite the
 * transaction holds the write lock throughout. The conflict is not named: the table's only other
 * unique key is its generated id, and drizzle-orm 0.45 writes a partial index's WHERE after
 * DO NOTHING for SQLite.
 */
export const insertAttempt = runsAt('read committed', function * insertAttempt (db: Db, a: NewAttempt, audit: { actorId: number, clientIp: string }): Q<{ attempt: Attempt, created: boolean }> {
  const maxScore = a.items.reduce((s, i) => s + i.points, 0)
  let attempt: Attempt | undefined
  // The open one, or a new one; the open one can be finished between the two (its deadline
  // swept), so a few turns.
  for (let turn = 0; !attempt; turn++) {
    const open = yield * findOpenAttempt(db, a.traineeId, a.blueprintKey)
    if (open) return { attempt: open, created: false }
    if (turn === 3) throw new Error(`no open attempt and none could be inserted for trainee ${a.traineeId}`)
    attempt = yield * one(prepared(db, 'exams.insertAttempt', () => db.insert(attempts).values({
      traineeId: p('traineeId'), blueprintKey: p('blueprintKey'), blueprintVersionId: p('blueprintVersionId'), releaseId: p('releaseId'), seed: p('seed'),
      passMark: p('passMark'), maxScore: p('maxScore'), startedAt: p('startedAt'), deadlineAt: p('deadlineAt')
    }).onConflictDoNothing().returning()), {
      traineeId: a.traineeId, blueprintKey: a.blueprintKey, blueprintVersionId: a.blueprintVersionId, releaseId: a.releaseId, seed: a.seed,
      passMark: a.passMark, maxScore, startedAt: a.startedAt, deadlineAt: a.deadlineAt
    })
  }
  for (let i = 0; i < a.items.length; i += ITEM_ROWS) {
    const chunk = a.items.slice(i, i + ITEM_ROWS)
    const params: Record<string, unknown> = { a: attempt.id }
    chunk.forEach((it, k) => { params[`s${k}`] = it.slot; params[`q${k}`] = it.versionId; params[`o${k}`] = it.optionOrder; params[`p${k}`] = it.points })
    yield * run(insertItems(db, chunk.length), params)
  }
  yield * writeAudit(db, { ...audit, action: 'attempt.started', subjectType: 'attempt', subjectId: attempt.id, details: { blueprint: a.blueprintKey, items: a.items.length } }, a.startedAt)
  return { attempt, created: true }
})

export interface ItemView {
  id: number
  slot: number
  points: number
  flagged: boolean
  optionOrder: string[]
  questionVersionId: number
  questionKey: string
  domain: string
  type: QuestionType
  body: QuestionBody
  seq: number
  response: string[]
  savedAt: Date | null
}

/** Every item of an attempt with its question and latest step (for grading and the review). */
export function * attemptItemsWithState (db: Db, attemptId: number): Q<ItemView[]> {
  return yield * itemsInRange(db, attemptId, 1, LAST_SLOT)
}

/** The question grid of an attempt: per slot, answered, flagged and the question's type, without loading any question. */
export function * attemptGrid (db: Db, attemptId: number): Q<Array<{ slot: number, flagged: boolean, answered: boolean, type: QuestionType }>> {
  // Every page shows the whole grid: the database folds it into one string ("slot:FA:version,…",
  // F flagged, A answered, 1 or 0), which costs half as much as a hundred rows. Each engine has its
  // own aggregate (SQLite's group_concat, PostgreSQL's string_agg); the cell is written the same on
  // both (CASE, not a boolean's own text, which is 1/0 on SQLite and true/false on PostgreSQL).
  // Each cell names its slot, so the order comes from sorting here (usually already in order).
  // A phone's screens are cut by question type (screens.ts): the types come from the cache of
  // versions' types, not from a join to question_versions, which made the query ten times dearer
  // on PostgreSQL (0.39 against 0.04 ms of execution for 100 items, EXPLAIN ANALYZE).
  // SQLite-only: group_concat; PostgreSQL's string_agg is chosen beside it (isPostgres).
  const pg = isPostgres(db)
  const cell = sql`${attemptItems.slot} || ':' || (CASE WHEN ${attemptItems.flagged} THEN '1' ELSE '0' END) || (CASE WHEN ${attemptItems.answered} THEN '1' ELSE '0' END) || ':' || ${attemptItems.questionVersionId}`
  const r = yield * one(prepared(db, pg ? 'exams.grid.pg' : 'exams.grid', () => db.select({ g: pg ? sql<string | null>`string_agg(${cell}, ',')` : sql<string | null>`group_concat(${cell}, ',')` })
    .from(attemptItems).where(eq(attemptItems.attemptId, p('a')))), { a: attemptId })
  if (!r?.g) return []
  const cells = r.g.split(',').map((c) => {
    const [slot, marks, version] = c.split(':') as [string, string, string]
    return { slot: Number(slot), flagged: marks[0] === '1', answered: marks[1] === '1', version: Number(version) }
  })
  const types = yield * versionField(db, questionTypes, 'type', cells.map((c) => c.version))
  return cells.map((c) => ({ slot: c.slot, flagged: c.flagged, answered: c.answered, type: types.get(c.version)! })).sort((x, y) => x.slot - y.slot)
}

/** One autosave for the group commit: the step to append and the seq the page showed. */
interface StepWrite { attemptId: number, itemId: number, expectedSeq: number, step: NewStep }

/**
 * Keeps one answer, acknowledged only once it is committed. Saves that arrive
 * together (a class answering at once) are written in one transaction, a group
 * commit (db/group-commit.ts): the commit is the dearest part of a save, and
 * one commit for many saves is what lets a whole class save at once. Inside the
 * transaction each save reads its attempt again, so an answer racing the
 * finalise is never written after the result, and a stale seq (another tab
 * saved first) is refused for that save alone.
 */
export function appendStep (db: Db, attemptId: number, itemId: number, expectedSeq: number, step: NewStep): Promise<void> {
  return groupCommit(db, writeSteps, { attemptId, itemId, expectedSeq, step })
}

/** Keeps one answer inside the caller's transaction body (yield* it), with the same checks as the group commit; a refusal is thrown. */
export function * keepStep (db: Db, attemptId: number, itemId: number, expectedSeq: number, step: NewStep): Q<void> {
  yield * writeOne(db, writeSteps, { attemptId, itemId, expectedSeq, step })
}

/**
 * The batch writer of autosaves, inside the group commit's transaction: each
 * step kept, or refused with the Conflict that says why.
 * (Prepared queries: this is the hottest write of the system.)
 *
 * A save checks that its attempt is open and that its seq is the item's latest,
 * then writes; the check must hold until the commit. On SQLite the batch holds
 * the write lock, so one read of both is enough. On PostgreSQL the batch runs at
 * READ COMMITTED (a SERIALIZABLE batch was refused thousands of times a minute
 * in the bench: the predicate locks on attempt_steps' index made the batches of
 * different trainees look dependent) and takes the lock itself: an UPDATE of
 * the open attempt's row, which changes no value. It holds the row until the
 * commit, so the saves of one attempt take turns and the latest seq read after
 * it is the latest; and being an update, not only a lock, it also stops a
 * finish (finalizeAttempt, SERIALIZABLE) that read the steps before this save
 * committed: its own update of the row is refused as a concurrent update and it
 * runs again, reading this save. A finish that updates the row first makes this
 * update wait and then find the attempt finished. So a save is either in the
 * grade or refused. The attempts are locked in the order of their ids, as the
 * overdue sweep finishes them, so two batches never wait for each other.
 */
const writeSteps = batchWriter<StepWrite, void>('read committed', function * (db, batch) {
  const outcomes: Array<ItemOutcome<void>> = []
  const pg = isPostgres(db)
  const open = new Set<number>()
  if (pg) {
    for (const id of [...new Set(batch.map((s) => s.attemptId))].sort((x, y) => x - y)) {
      const held = yield * one(prepared(db, 'exams.holdAttempt', () => db.update(attempts).set({ finishedAt: null })
        .where(and(eq(attempts.id, p('id')), isNull(attempts.finishedAt))).returning({ id: attempts.id })), { id })
      if (held) open.add(id)
    }
  }
  for (const s of batch) {
    let seq: number
    if (pg) {
      if (!open.has(s.attemptId)) { outcomes.push(refused(new Conflict('exam.attempt-finished'))); continue }
      // Read after the attempt's lock (a statement of its own: READ COMMITTED reads what is committed when it starts).
      const latest = yield * one(prepared(db, 'exams.latestSeq', () => db.select({ seq: sql<number>`coalesce(max(${attemptSteps.seq}), 0)`.mapWith(Number) })
        .from(attemptSteps).where(eq(attemptSteps.attemptItemId, p('item')))), { item: s.itemId })
      seq = latest?.seq ?? 0
    } else {
      // One read for both checks: the attempt's finish and the item's latest seq.
      const now = yield * one(prepared(db, 'exams.saveState', () => db.select({
        finishedAt: attempts.finishedAt,
        seq: sql<number>`(SELECT coalesce(max(s.seq), 0) FROM attempt_steps s WHERE s.attempt_item_id = ${p('item')})`.mapWith(Number)
      }).from(attempts).where(eq(attempts.id, p('id')))), { id: s.attemptId, item: s.itemId })
      if (!now || now.finishedAt !== null) { outcomes.push(refused(new Conflict('exam.attempt-finished'))); continue }
      seq = now.seq
    }
    if (seq !== s.expectedSeq) { outcomes.push(refused(new Conflict('exam.stale-page'))); continue }
    yield * run(prepared(db, 'exams.insertStep', () => db.insert(attemptSteps).values({ attemptItemId: p('item'), seq: p('seq'), response: p('response'), at: p('at') })),
      { item: s.itemId, seq: s.step.seq, response: s.step.response, at: s.step.at })
    yield * run(prepared(db, 'exams.markAnswered', () => db.update(attemptItems).set({ answered: p('answered') as unknown as boolean }).where(eq(attemptItems.id, p('item')))),
      { answered: s.step.response.length > 0, item: s.itemId })
    outcomes.push(kept(undefined))
  }
  return outcomes
})

export function * setFlag (db: Db, itemId: number, flagged: boolean): Q<void> {
  yield * run(db.update(attemptItems).set({ flagged }).where(eq(attemptItems.id, itemId)))
}

/**
 * Grades and closes an attempt, once: a transaction body (routes run it with app.transaction, the
 * sweep yield*s it). It reads the attempt inside the transaction, so a second call (two tabs, a
 * double click, a submit racing the sweep or another node) finds it finished and changes nothing:
 * SQLite's write lock, PostgreSQL's SERIALIZABLE (and the update's `finished_at IS NULL`).
 */
export function * finalizeAttempt (db: Db, attemptId: number, reason: FinishReason, finishedAt: Date, audit: { actorId: number | null, clientIp?: string | null }): Q<Attempt> {
  const a = yield * findAttempt(db, attemptId)
  if (!a) throw new Conflict('exam.attempt-finished')
  if (a.finishedAt) return a
  const items = yield * attemptItemsWithState(db, attemptId)
  const grade = gradeAttempt(items.map((i) => ({ slot: i.slot, domain: i.domain, type: i.type, points: i.points, answer: i.body.answer, response: i.response })), a.passMark)
  // A finish after the deadline counts as at the deadline.
  const at = finishedAt.getTime() > a.deadlineAt.getTime() ? a.deadlineAt : finishedAt
  const done = yield * one(db.update(attempts).set({ finishedAt: at, finishReason: reason, score: grade.score, passed: grade.passed, breakdown: grade.byDomain })
    .where(and(eq(attempts.id, attemptId), isNull(attempts.finishedAt))).returning())
  if (!done) return (yield * findAttempt(db, attemptId))!
  yield * rememberPaper(db, attemptId, a.traineeId, items.map((i) => i.questionVersionId))
  // The wrong-answer book, the review schedule and mastery take the answered questions (practice/index.ts).
  yield * recordOutcomes(db, a.traineeId, items.flatMap((i, n) => (i.response.length > 0 ? [{ questionVersionId: i.questionVersionId, right: grade.items[n]!.correct }] : [])), at)
  yield * writeAudit(db, { actorId: audit.actorId, clientIp: audit.clientIp ?? null, action: 'attempt.finished', subjectType: 'attempt', subjectId: attemptId, details: { reason, score: grade.score, max: grade.max, passed: grade.passed } }, finishedAt)
  // A finished mock counts for the mock rules, any passed attempt for a curriculum's mock items.
  yield * readinessChanged(db, [a.traineeId], finishedAt)
  return done
}

/**
 * Finalises every attempt past its deadline plus the grace, with the deadline as its finish time:
 * a transaction body (the app's timer runs it with `transaction`). With several app nodes, the one
 * whose transaction takes the overdue-sweep lock does the pass and the others find it held and do
 * nothing (0); on SQLite the lock is always granted.
 */
export function * sweepOverdue (db: Db, now: Date): Q<number> {
  if (!(yield * tryLock(db, LOCKS.overdueSweep))) return 0
  // In the order of their ids, the order autosave batches lock attempts in (writeSteps): no two wait for each other.
  const due = yield * all(db.select({ id: attempts.id, deadlineAt: attempts.deadlineAt }).from(attempts)
    .where(and(isNull(attempts.finishedAt), lt(attempts.deadlineAt, new Date(now.getTime() - GRACE_MS)))).orderBy(asc(attempts.id)))
  for (const a of due) yield * finalizeAttempt(db, a.id, 'timeout', a.deadlineAt, { actorId: null })
  return due.length
}

/**
 * A trainee's attempts, newest first; `finished` keeps the finished ones and `limit` the first
 * few, in SQL, so a page that shows the latest reads those rows only, whatever the history.
 */
export interface AttemptSummary {
  id: number
  blueprintKey: string
  startedAt: Date
  deadlineAt: Date
  finishedAt: Date | null
  finishReason: FinishReason | null
  score: number | null
  maxScore: number
  passed: boolean | null
  passMark: number
  title: BlueprintBody['title']
  release: string
}

export function * listAttempts (db: Db, traineeId: number, opts: { finished?: boolean, limit?: number } = {}): Q<AttemptSummary[]> {
  const q = db.select({
    id: attempts.id, blueprintKey: attempts.blueprintKey, startedAt: attempts.startedAt, deadlineAt: attempts.deadlineAt, finishedAt: attempts.finishedAt,
    finishReason: attempts.finishReason, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, passMark: attempts.passMark,
    title: blueprintVersions.body, release: bankReleases.label
  }).from(attempts)
    .innerJoin(blueprintVersions, eq(blueprintVersions.id, attempts.blueprintVersionId))
    .innerJoin(bankReleases, eq(bankReleases.id, attempts.releaseId))
    .where(and(eq(attempts.traineeId, traineeId), opts.finished ? isNotNull(attempts.finishedAt) : undefined)).orderBy(desc(attempts.startedAt))
    .$dynamic()
  // No LIMIT at all without one (PostgreSQL refuses SQLite's LIMIT -1).
  const rows = yield * all(opts.limit === undefined ? q : q.limit(opts.limit))
  return rows.map((r) => ({ ...r, title: (r.title as BlueprintBody).title }))
}

/** The blueprint an attempt was assembled from (versions are immutable: cached per database and id). */
export function * blueprintOfAttempt (db: Db, a: Attempt): Q<BlueprintBody> {
  return yield * blueprintBodies.load(db, a.blueprintVersionId, function * () {
    return (yield * one(db.select({ body: blueprintVersions.body }).from(blueprintVersions).where(eq(blueprintVersions.id, a.blueprintVersionId))))!.body
  })
}
