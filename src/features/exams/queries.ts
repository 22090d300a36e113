import { and, asc, desc, eq, isNotNull, isNull, lt } from 'drizzle-orm'
import { readinessChanged } from '../../db/readiness-hook.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { Conflict } from '../../http/errors.js'
import { prepared } from '../../db/statements.js'
import { all, tryLock, type Q } from '../../db/engine.js'
import { LOCKS } from '../../db/postgres.js'
import { immutableCache } from '../../db/immutable-cache.js'
import { groupCommit, writeNow, kept, refused, type BatchWriter } from '../../db/group-commit.js'
import { recordAudit } from '../audit/index.js'
import { bankReleases, blueprintVersions, releaseBlueprints, questionVersions, releaseQuestions, attempts, attemptItems, encodeOptionOrder, decodeOptionOrder, type BlueprintBody, type QuestionBody, type FinishReason } from '../../db/schema.js'
import { latestReleaseId } from '../bank/index.js'
import { runSync } from '../../db/engine.js'
import { recordOutcomes } from '../practice/index.js'
import { gradeAttempt, GRACE_MS } from './grading.js'
import type { PoolQuestion, PaperItem } from './assembly.js'
import type { QuestionType } from '../bank/index.js'
import type { NewStep } from './answering.js'

export type Attempt = typeof attempts.$inferSelect

export interface ReleaseBlueprint { versionId: number, key: string, body: BlueprintBody }

// A release never changes once published: its blueprints are read once per connection.
const releaseBlueprintCache = immutableCache<number, ReleaseBlueprint[]>()

/** The blueprints of the current release, with their versions (every start reads them: cached per release). */
export function currentBlueprints (db: Db): { release: { id: number } | undefined, blueprints: ReleaseBlueprint[] } {
  const id = runSync(latestReleaseId(db))
  if (id === undefined) return { release: undefined, blueprints: [] }
  const release = { id }
  const blueprints = releaseBlueprintCache.get(db, release.id, () => db.select({ versionId: blueprintVersions.id, key: blueprintVersions.blueprintKey, body: blueprintVersions.body })
    .from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, release.id)).orderBy(asc(blueprintVersions.blueprintKey)).all() as ReleaseBlueprint[])
  return { release, blueprints }
}

// A release never changes once published, so its pool is read once per connection.
const pools = immutableCache<number, PoolQuestion[]>()

/** The active questions of a release, as the assembler needs them (cached: releases are immutable). */
export function questionPool (db: Db, releaseId: number): PoolQuestion[] {
  return pools.get(db, releaseId, () => readPool(db, releaseId))
}

function readPool (db: DbOrTx, releaseId: number): PoolQuestion[] {
  return db.select({ versionId: questionVersions.id, questionKey: questionVersions.questionKey, domain: questionVersions.domain, topic: questionVersions.topic, type: questionVersions.type, body: questionVersions.body })
    .from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, releaseId)).all()
    .map((q) => ({ versionId: q.versionId, questionKey: q.questionKey, domain: q.domain, topic: q.topic, type: q.type, optionKeys: q.body.options.map((o) => o.key) }))
}

/** How many of a trainee's latest finished attempts exposure control looks back on (and recent_papers keeps). */
export const RECENT_ATTEMPTS = 3

/** The question keys of the trainee's last few finished attempts (from recent_papers, not the attempts' items). */
export function recentlySeenKeys (db: Db, traineeId: number, lastAttempts = RECENT_ATTEMPTS): string[] {
  const rows = prepared(db, `SELECT DISTINCT q.question_key AS k FROM recent_papers r, json_each(r.question_version_ids) j JOIN question_versions q ON q.id = j.value
    WHERE r.trainee_id = ? AND r.attempt_id IN (SELECT id FROM attempts WHERE trainee_id = ? AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT ?)
    ORDER BY q.question_key`).all(traineeId, traineeId, lastAttempts) as Array<{ k: string }>
  return rows.map((r) => r.k)
}

/** Keeps a finished attempt's paper for exposure control and drops the papers it no longer looks back on (inside the finishing transaction). */
function rememberPaper (db: Db, attemptId: number, traineeId: number, questionVersionIds: readonly number[]): void {
  prepared(db, 'INSERT OR IGNORE INTO recent_papers (attempt_id, trainee_id, question_version_ids) VALUES (?, ?, ?)').run(attemptId, traineeId, JSON.stringify(questionVersionIds))
  prepared(db, `DELETE FROM recent_papers WHERE trainee_id = ? AND attempt_id NOT IN
    (SELECT id FROM attempts WHERE trainee_id = ? AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT ?)`).run(traineeId, traineeId, RECENT_ATTEMPTS)
}

/** The open attempt of a trainee on a blueprint, if any (every start: prepared). */
export function findOpenAttempt (db: Db, traineeId: number, blueprintKey: string): Attempt | undefined {
  const r = prepared(db, 'SELECT * FROM attempts WHERE trainee_id = ? AND blueprint_key = ? AND finished_at IS NULL').get(traineeId, blueprintKey) as Record<string, unknown> | undefined
  return r && attemptFromRow(r)
}

/** An attempt by id (every exam request: prepared). */
export function findAttempt (db: Db, id: number): Attempt | undefined {
  const r = prepared(db, 'SELECT * FROM attempts WHERE id = ?').get(id) as Record<string, unknown> | undefined
  return r && attemptFromRow(r)
}

function attemptFromRow (r: Record<string, unknown>): Attempt {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as number))
  return {
    id: r.id as number, traineeId: r.trainee_id as number, blueprintKey: r.blueprint_key as string, blueprintVersionId: r.blueprint_version_id as number,
    releaseId: r.release_id as number, seed: r.seed as string, passMark: r.pass_mark as number,
    maxScore: r.max_score as number, startedAt: new Date(r.started_at as number), deadlineAt: new Date(r.deadline_at as number), finishedAt: date(r.finished_at),
    finishReason: (r.finish_reason as Attempt['finishReason']) ?? null, score: (r.score as number | null) ?? null,
    passed: r.passed === null || r.passed === undefined ? null : r.passed === 1, breakdown: r.breakdown ? JSON.parse(r.breakdown as string) : null
  }
}

const ITEMS_SQL = `
    SELECT i.id, i.slot, i.points, i.flagged, i.option_order AS optionOrder, i.question_version_id AS questionVersionId,
      q.question_key AS questionKey, q.domain, q.type,
      s.seq, s.response, s.at
    FROM attempt_items i JOIN question_versions q ON q.id = i.question_version_id
    LEFT JOIN attempt_steps s ON s.attempt_item_id = i.id AND s.seq = (SELECT max(s2.seq) FROM attempt_steps s2 WHERE s2.attempt_item_id = i.id)
    WHERE i.attempt_id = ? AND i.slot BETWEEN ? AND ? ORDER BY i.slot`

// Question versions never change once published: each body is parsed once per connection.
const questionBodies = immutableCache<number, QuestionBody>()

/** The body of a question version (cached: versions are immutable). */
export function questionBody (db: Db, versionId: number): QuestionBody {
  return questionBodies.get(db, versionId, () => JSON.parse((prepared(db, 'SELECT body FROM question_versions WHERE id = ?').get(versionId) as { body: string }).body) as QuestionBody)
}

function itemFromRow (db: Db, r: Record<string, unknown>): ItemView {
  return {
    id: r.id as number, slot: r.slot as number, points: r.points as number, flagged: r.flagged === 1, optionOrder: decodeOptionOrder(r.optionOrder as string),
    questionVersionId: r.questionVersionId as number, questionKey: r.questionKey as string, domain: r.domain as string, type: r.type as QuestionType,
    body: questionBody(db, r.questionVersionId as number), seq: (r.seq as number | null) ?? 0, response: r.response ? JSON.parse(r.response as string) as string[] : [],
    savedAt: r.at === null || r.at === undefined ? null : new Date(r.at as number)
  }
}

/** The items of a range of slots (a page) with their questions and latest steps (prepared). */
export function itemsInRange (db: Db, attemptId: number, from: number, to: number): ItemView[] {
  return (prepared(db, ITEMS_SQL).all(attemptId, from, to) as Array<Record<string, unknown>>).map((r) => itemFromRow(db, r))
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
export function saveTarget (db: Db, attemptId: number, slot: number): SaveTarget | undefined {
  const r = prepared(db, `
    SELECT a.trainee_id AS t, a.seed, a.deadline_at AS d, a.finished_at AS f, i.id, i.flagged, i.option_order AS optionOrder, q.type,
      (SELECT s.seq FROM attempt_steps s WHERE s.attempt_item_id = i.id ORDER BY s.seq DESC LIMIT 1) AS seq
    FROM attempts a JOIN attempt_items i ON i.attempt_id = a.id AND i.slot = ? JOIN question_versions q ON q.id = i.question_version_id
    WHERE a.id = ?`).get(slot, attemptId) as Record<string, unknown> | undefined
  if (!r) return undefined
  return {
    attempt: { id: attemptId, traineeId: r.t as number, seed: r.seed as string, deadlineAt: new Date(r.d as number), finishedAt: r.f === null ? null : new Date(r.f as number) },
    item: { id: r.id as number, slot, type: r.type as QuestionType, optionOrder: decodeOptionOrder(r.optionOrder as string), flagged: r.flagged === 1, seq: (r.seq as number | null) ?? 0 }
  }
}

/** One item with its question and latest step, for a save or a flag (prepared). */
export function findItem (db: Db, attemptId: number, slot: number): ItemView | undefined {
  return itemsInRange(db, attemptId, slot, slot)[0]
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

/** Stores a new attempt and its paper; if one is already open for this blueprint (a double click, two tabs), that one is returned. */
export function insertAttempt (db: Db, a: NewAttempt, audit: { actorId: number, clientIp: string }): { attempt: Attempt, created: boolean } {
  return db.transaction((tx) => {
    // Prepared statements run on the same connection, inside this transaction.
    const open = findOpenAttempt(db, a.traineeId, a.blueprintKey)
    if (open) return { attempt: open, created: false }
    const maxScore = a.items.reduce((s, i) => s + i.points, 0)
    const attempt = attemptFromRow(prepared(db, `INSERT INTO attempts (trainee_id, blueprint_key, blueprint_version_id, release_id, seed, pass_mark, max_score, started_at, deadline_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`).get(a.traineeId, a.blueprintKey, a.blueprintVersionId, a.releaseId, a.seed,
      a.passMark, maxScore, a.startedAt.getTime(), a.deadlineAt.getTime()) as Record<string, unknown>)
    // A paper is a hundred rows: prepared multi-row inserts, not a hundred built queries.
    for (let i = 0; i < a.items.length; i += ITEM_ROWS) {
      const chunk = a.items.slice(i, i + ITEM_ROWS)
      const sql = `INSERT INTO attempt_items (attempt_id, slot, question_version_id, option_order, points, flagged) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, 0)').join(', ')}`
      prepared(db, sql).run(chunk.flatMap((it) => [attempt.id, it.slot, it.versionId, encodeOptionOrder(it.optionOrder), it.points]))
    }
    recordAudit(tx, { ...audit, action: 'attempt.started', subjectType: 'attempt', subjectId: attempt.id, details: { blueprint: a.blueprintKey, items: a.items.length } }, a.startedAt)
    return { attempt, created: true }
  }, { behavior: 'immediate' })
}

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
export function attemptItemsWithState (db: Db, attemptId: number): ItemView[] {
  return itemsInRange(db, attemptId, 1, Number.MAX_SAFE_INTEGER)
}

const TYPE_OF_INITIAL: Record<string, QuestionType> = { s: 'single', m: 'multi', j: 'judge' }

/** The question grid of an attempt: per slot, answered, flagged and the question's type, without loading any question. */
export function attemptGrid (db: Db, attemptId: number): Array<{ slot: number, flagged: boolean, answered: boolean, type: QuestionType }> {
  // Every page shows the whole grid: the database folds it into one string ("slot:FA,…", F flagged,
  // A answered), which costs half as much as a hundred rows.
  // Each cell names its slot, so the order comes from sorting here (usually already in order).
  // The type's initial (s, m, j) comes along: a phone's screens are cut by question type (screens.ts).
  const r = prepared(db, `SELECT group_concat(i.slot || ':' || i.flagged || i.answered || substr(q.type, 1, 1), ',') AS g
    FROM attempt_items i JOIN question_versions q ON q.id = i.question_version_id WHERE i.attempt_id = ?`).get(attemptId) as { g: string | null }
  if (!r.g) return []
  const cells = r.g.split(',').map((cell) => {
    const colon = cell.indexOf(':')
    return { slot: Number(cell.slice(0, colon)), flagged: cell[colon + 1] === '1', answered: cell[colon + 2] === '1', type: TYPE_OF_INITIAL[cell[colon + 3]!] ?? 'single' }
  })
  return cells.sort((x, y) => x.slot - y.slot)
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

/** Keeps one answer at once, outside the request path (the demo seed, tools): the same checks, no group commit. */
export function appendStepNow (db: Db, attemptId: number, itemId: number, expectedSeq: number, step: NewStep): void {
  writeNow(db, writeSteps, { attemptId, itemId, expectedSeq, step })
}

/**
 * The batch writer of autosaves, inside the group commit's transaction: each
 * step kept, or refused with the Conflict that says why.
 * (Prepared statements: this is the hottest write of the system.)
 */
const writeSteps: BatchWriter<StepWrite, void> = function * (db, batch) {
  // Not moved yet: synchronous statements inside the body (the SQLite bridge).
  const finished = prepared(db, 'SELECT finished_at AS f FROM attempts WHERE id = ?')
  const current = prepared(db, 'SELECT coalesce(max(seq), 0) AS seq FROM attempt_steps WHERE attempt_item_id = ?')
  const insert = prepared(db, 'INSERT INTO attempt_steps (attempt_item_id, seq, response, at) VALUES (?, ?, ?, ?)')
  const mark = prepared(db, 'UPDATE attempt_items SET answered = ? WHERE id = ?')
  return batch.map((s) => {
    const a = finished.get(s.attemptId) as { f: number | null } | undefined
    if (!a || a.f !== null) return refused(new Conflict('exam.attempt-finished'))
    if ((current.get(s.itemId) as { seq: number }).seq !== s.expectedSeq) return refused(new Conflict('exam.stale-page'))
    insert.run(s.itemId, s.step.seq, JSON.stringify(s.step.response), s.step.at.getTime())
    mark.run(s.step.response.length > 0 ? 1 : 0, s.itemId)
    return kept(undefined)
  })
}

export function setFlag (db: DbOrTx, itemId: number, flagged: boolean): void {
  db.update(attemptItems).set({ flagged }).where(eq(attemptItems.id, itemId)).run()
}

/**
 * Grades and closes an attempt, once: a second call (two tabs, a double click, a
 * submit racing the sweep) finds it finished and changes nothing.
 */
export function finalizeAttempt (db: Db, attemptId: number, reason: FinishReason, finishedAt: Date, audit: { actorId: number | null, clientIp?: string | null }): Attempt {
  return db.transaction((tx) => {
    const a = tx.select().from(attempts).where(eq(attempts.id, attemptId)).get()
    if (!a) throw new Conflict('exam.attempt-finished')
    if (a.finishedAt) return a
    // Prepared statements run on the same connection, so this read sees the transaction.
    const items = attemptItemsWithState(db, attemptId)
    const grade = gradeAttempt(items.map((i) => ({ slot: i.slot, domain: i.domain, type: i.type, points: i.points, answer: i.body.answer, response: i.response })), a.passMark)
    // A finish after the deadline counts as at the deadline.
    const at = finishedAt.getTime() > a.deadlineAt.getTime() ? a.deadlineAt : finishedAt
    const done = tx.update(attempts).set({ finishedAt: at, finishReason: reason, score: grade.score, passed: grade.passed, breakdown: grade.byDomain })
      .where(and(eq(attempts.id, attemptId), isNull(attempts.finishedAt))).returning().get()!
    rememberPaper(db, attemptId, a.traineeId, items.map((i) => i.questionVersionId))
    // The wrong-answer book, the review schedule and mastery take the answered questions (practice/index.ts).
    runSync(recordOutcomes(db, a.traineeId, items.flatMap((i, n) => (i.response.length > 0 ? [{ questionVersionId: i.questionVersionId, right: grade.items[n]!.correct }] : [])), at))
    recordAudit(tx, { actorId: audit.actorId, clientIp: audit.clientIp ?? null, action: 'attempt.finished', subjectType: 'attempt', subjectId: attemptId, details: { reason, score: grade.score, max: grade.max, passed: grade.passed } }, finishedAt)
    // A finished mock counts for the mock rules, any passed attempt for a curriculum's mock items.
    runSync(readinessChanged(db, [a.traineeId], finishedAt))
    return done
  }, { behavior: 'immediate' })
}

/**
 * Finalises every attempt past its deadline plus the grace, with the deadline as its finish time:
 * a transaction body (the app's timer runs it with `transaction`). With several app nodes, the one
 * whose transaction takes the overdue-sweep lock does the pass and the others find it held and do
 * nothing (0); on SQLite the lock is always granted.
 */
export function * sweepOverdue (db: Db, now: Date): Q<number> {
  if (!(yield * tryLock(db, LOCKS.overdueSweep))) return 0
  const due = yield * all(db.select({ id: attempts.id, deadlineAt: attempts.deadlineAt }).from(attempts)
    .where(and(isNull(attempts.finishedAt), lt(attempts.deadlineAt, new Date(now.getTime() - GRACE_MS)))))
  // exams has not moved to both engines yet: finalizeAttempt's own transaction nests as a
  // savepoint inside this one on SQLite (the bridge).
  for (const a of due) finalizeAttempt(db, a.id, 'timeout', a.deadlineAt, { actorId: null })
  return due.length
}

/**
 * A trainee's attempts, newest first; `finished` keeps the finished ones and `limit` the first
 * few, in SQL, so a page that shows the latest reads those rows only, whatever the history.
 */
export function listAttempts (db: DbOrTx, traineeId: number, opts: { finished?: boolean, limit?: number } = {}) {
  return db.select({
    id: attempts.id, blueprintKey: attempts.blueprintKey, startedAt: attempts.startedAt, deadlineAt: attempts.deadlineAt, finishedAt: attempts.finishedAt,
    finishReason: attempts.finishReason, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, passMark: attempts.passMark,
    title: blueprintVersions.body, release: bankReleases.label
  }).from(attempts)
    .innerJoin(blueprintVersions, eq(blueprintVersions.id, attempts.blueprintVersionId))
    .innerJoin(bankReleases, eq(bankReleases.id, attempts.releaseId))
    .where(and(eq(attempts.traineeId, traineeId), opts.finished ? isNotNull(attempts.finishedAt) : undefined)).orderBy(desc(attempts.startedAt))
    .limit(opts.limit ?? -1).all()
    .map((r) => ({ ...r, title: (r.title as BlueprintBody).title }))
}

const blueprintBodies = immutableCache<number, BlueprintBody>()

/** The blueprint an attempt was assembled from (versions are immutable: cached per connection and id). */
export function blueprintOfAttempt (db: Db, a: Attempt): BlueprintBody {
  return blueprintBodies.get(db, a.blueprintVersionId, () => db.select({ body: blueprintVersions.body }).from(blueprintVersions).where(eq(blueprintVersions.id, a.blueprintVersionId)).get()!.body)
}
