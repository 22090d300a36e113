import { and, asc, desc, eq, inArray, isNull, isNotNull, lt } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { Conflict } from '../../http/errors.js'
import { prepared } from '../../db/statements.js'
import { recordAudit } from '../audit/index.js'
import { bankReleases, blueprintVersions, releaseBlueprints, questionVersions, releaseQuestions, type BlueprintBody, type QuestionBody } from '../bank/schema.js'
import { latestRelease } from '../bank/index.js'
import { attempts, attemptItems, type FinishReason } from './schema.js'
import { gradeAttempt, GRACE_MS } from './grading.js'
import type { PoolQuestion, PaperItem } from './assembly.js'
import type { QuestionType } from '../bank/format.js'
import type { NewStep } from './answering.js'

export type Attempt = typeof attempts.$inferSelect

/** The blueprints of the current release, with their versions. */
export function currentBlueprints (db: DbOrTx) {
  const release = latestRelease(db)
  if (!release) return { release: undefined, blueprints: [] }
  const blueprints = db.select({ versionId: blueprintVersions.id, key: blueprintVersions.blueprintKey, body: blueprintVersions.body })
    .from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, release.id)).orderBy(asc(blueprintVersions.blueprintKey)).all()
  return { release, blueprints }
}

// A release never changes once published, so its pool is read once per process.
const pools = new WeakMap<object, Map<number, PoolQuestion[]>>()

/** The active questions of a release, as the assembler needs them (cached: releases are immutable). */
export function questionPool (db: Db, releaseId: number): PoolQuestion[] {
  let byRelease = pools.get(db.$client)
  if (!byRelease) { byRelease = new Map(); pools.set(db.$client, byRelease) }
  const cached = byRelease.get(releaseId)
  if (cached) return cached
  const pool = readPool(db, releaseId)
  byRelease.set(releaseId, pool)
  return pool
}

function readPool (db: DbOrTx, releaseId: number): PoolQuestion[] {
  return db.select({ versionId: questionVersions.id, questionKey: questionVersions.questionKey, domain: questionVersions.domain, topic: questionVersions.topic, type: questionVersions.type, body: questionVersions.body })
    .from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, releaseId)).all()
    .map((q) => ({ versionId: q.versionId, questionKey: q.questionKey, domain: q.domain, topic: q.topic, type: q.type, optionKeys: q.body.options.map((o) => o.key) }))
}

/** The question keys of the trainee's last few finished attempts. */
export function recentlySeenKeys (db: DbOrTx, traineeId: number, lastAttempts = 3): string[] {
  const recent = db.select({ id: attempts.id }).from(attempts)
    .where(and(eq(attempts.traineeId, traineeId), isNotNull(attempts.finishedAt)))
    .orderBy(desc(attempts.startedAt)).limit(lastAttempts).all().map((a) => a.id)
  if (recent.length === 0) return []
  const rows = db.select({ key: questionVersions.questionKey }).from(attemptItems)
    .innerJoin(questionVersions, eq(questionVersions.id, attemptItems.questionVersionId))
    .where(inArray(attemptItems.attemptId, recent)).all()
  return [...new Set(rows.map((r) => r.key))].sort()
}

export function findOpenAttempt (db: DbOrTx, traineeId: number, blueprintKey: string): Attempt | undefined {
  return db.select().from(attempts).where(and(eq(attempts.traineeId, traineeId), eq(attempts.blueprintKey, blueprintKey), isNull(attempts.finishedAt))).get()
}

/** An attempt by id (every exam request: prepared). */
export function findAttempt (db: Db, id: number): Attempt | undefined {
  const r = prepared(db, 'SELECT * FROM attempts WHERE id = ?').get(id) as Record<string, unknown> | undefined
  if (!r) return undefined
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as number))
  return {
    id: r.id as number, traineeId: r.trainee_id as number, blueprintKey: r.blueprint_key as string, blueprintVersionId: r.blueprint_version_id as number,
    releaseId: r.release_id as number, seed: r.seed as string, recentlySeen: JSON.parse(r.recently_seen as string) as string[], passMark: r.pass_mark as number,
    maxScore: r.max_score as number, startedAt: new Date(r.started_at as number), deadlineAt: new Date(r.deadline_at as number), finishedAt: date(r.finished_at),
    finishReason: (r.finish_reason as Attempt['finishReason']) ?? null, score: (r.score as number | null) ?? null,
    passed: r.passed === null || r.passed === undefined ? null : r.passed === 1, breakdown: r.breakdown ? JSON.parse(r.breakdown as string) : null
  }
}

const ITEMS_SQL = `
    SELECT i.id, i.slot, i.points, i.flagged, i.option_order AS optionOrder, i.question_version_id AS questionVersionId,
      q.question_key AS questionKey, q.domain, q.type, q.body,
      s.seq, s.response, s.at
    FROM attempt_items i JOIN question_versions q ON q.id = i.question_version_id
    LEFT JOIN attempt_steps s ON s.attempt_item_id = i.id AND s.seq = (SELECT max(s2.seq) FROM attempt_steps s2 WHERE s2.attempt_item_id = i.id)
    WHERE i.attempt_id = ? AND i.slot BETWEEN ? AND ? ORDER BY i.slot`

function itemFromRow (r: Record<string, unknown>): ItemView {
  return {
    id: r.id as number, slot: r.slot as number, points: r.points as number, flagged: r.flagged === 1, optionOrder: JSON.parse(r.optionOrder as string) as string[],
    questionVersionId: r.questionVersionId as number, questionKey: r.questionKey as string, domain: r.domain as string, type: r.type as QuestionType,
    body: JSON.parse(r.body as string) as QuestionBody, seq: (r.seq as number | null) ?? 0, response: r.response ? JSON.parse(r.response as string) as string[] : [],
    savedAt: r.at === null || r.at === undefined ? null : new Date(r.at as number)
  }
}

/** The items of a range of slots (a page) with their questions and latest steps (prepared). */
export function itemsInRange (db: Db, attemptId: number, from: number, to: number): ItemView[] {
  return (prepared(db, ITEMS_SQL).all(attemptId, from, to) as Array<Record<string, unknown>>).map(itemFromRow)
}

export interface SaveTarget { id: number, slot: number, type: QuestionType, optionOrder: string[], flagged: boolean, seq: number, response: string[] }

/** What a save needs of an item: its type, options and latest step, without the question text (prepared). */
export function saveTarget (db: Db, attemptId: number, slot: number): SaveTarget | undefined {
  const r = prepared(db, `
    SELECT i.id, i.slot, i.flagged, i.option_order AS optionOrder, q.type,
      (SELECT s.seq FROM attempt_steps s WHERE s.attempt_item_id = i.id ORDER BY s.seq DESC LIMIT 1) AS seq,
      (SELECT s.response FROM attempt_steps s WHERE s.attempt_item_id = i.id ORDER BY s.seq DESC LIMIT 1) AS response
    FROM attempt_items i JOIN question_versions q ON q.id = i.question_version_id
    WHERE i.attempt_id = ? AND i.slot = ?`).get(attemptId, slot) as Record<string, unknown> | undefined
  if (!r) return undefined
  return { id: r.id as number, slot: r.slot as number, type: r.type as QuestionType, optionOrder: JSON.parse(r.optionOrder as string) as string[], flagged: r.flagged === 1, seq: (r.seq as number | null) ?? 0, response: r.response ? JSON.parse(r.response as string) as string[] : [] }
}

/** The clock and owner of an attempt, for the hot paths (prepared; no JSON columns). */
export function attemptClock (db: Db, id: number): { id: number, traineeId: number, deadlineAt: Date, finishedAt: Date | null } | undefined {
  const r = prepared(db, 'SELECT id, trainee_id AS t, deadline_at AS d, finished_at AS f FROM attempts WHERE id = ?').get(id) as { id: number, t: number, d: number, f: number | null } | undefined
  return r && { id: r.id, traineeId: r.t, deadlineAt: new Date(r.d), finishedAt: r.f === null ? null : new Date(r.f) }
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
  recentlySeen: string[]
  passMark: number
  startedAt: Date
  deadlineAt: Date
  items: PaperItem[]
}

/** Stores a new attempt and its paper; if one is already open for this blueprint (a double click, two tabs), that one is returned. */
export function insertAttempt (db: Db, a: NewAttempt, audit: { actorId: number, clientIp: string }): { attempt: Attempt, created: boolean } {
  return db.transaction((tx) => {
    const open = findOpenAttempt(tx, a.traineeId, a.blueprintKey)
    if (open) return { attempt: open, created: false }
    const maxScore = a.items.reduce((s, i) => s + i.points, 0)
    const attempt = tx.insert(attempts).values({
      traineeId: a.traineeId, blueprintKey: a.blueprintKey, blueprintVersionId: a.blueprintVersionId, releaseId: a.releaseId, seed: a.seed,
      recentlySeen: a.recentlySeen, passMark: a.passMark, maxScore, startedAt: a.startedAt, deadlineAt: a.deadlineAt
    }).returning().get()
    // A paper is a hundred rows: one prepared statement, not a hundred built queries.
    const insertItem = prepared(db, 'INSERT INTO attempt_items (attempt_id, slot, question_version_id, option_order, points, flagged) VALUES (?, ?, ?, ?, ?, 0)')
    for (const it of a.items) insertItem.run(attempt.id, it.slot, it.versionId, JSON.stringify(it.optionOrder), it.points)
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

/** The question grid of an attempt: per slot, answered and flagged, without loading any question. */
export function attemptGrid (db: Db, attemptId: number): Array<{ slot: number, flagged: boolean, answered: boolean }> {
  const rows = prepared(db, `
    SELECT i.slot AS slot, i.flagged AS flagged,
      coalesce((SELECT s.response FROM attempt_steps s WHERE s.attempt_item_id = i.id ORDER BY s.seq DESC LIMIT 1), '[]') AS response
    FROM attempt_items i WHERE i.attempt_id = ? ORDER BY i.slot`).all(attemptId) as Array<{ slot: number, flagged: number, response: string }>
  return rows.map((r) => ({ slot: r.slot, flagged: r.flagged === 1, answered: r.response !== '[]' }))
}

/**
 * Keeps one answer. Inside the transaction the attempt is read again, so an
 * answer racing the finalise cannot be written after the result; a concurrent
 * save of the same seq hits the unique (item, seq) and is refused as stale.
 * (Prepared statements: this is the hottest write of the system.)
 */
export function appendStep (db: Db, attemptId: number, itemId: number, expectedSeq: number, step: NewStep): void {
  const finished = prepared(db, 'SELECT finished_at AS f FROM attempts WHERE id = ?')
  const current = prepared(db, 'SELECT coalesce(max(seq), 0) AS seq FROM attempt_steps WHERE attempt_item_id = ?')
  const insert = prepared(db, 'INSERT INTO attempt_steps (attempt_item_id, seq, response, at) VALUES (?, ?, ?, ?)')
  db.$client.transaction(() => {
    const a = finished.get(attemptId) as { f: number | null } | undefined
    if (!a || a.f !== null) throw new Conflict('exam.attempt-finished')
    if ((current.get(itemId) as { seq: number }).seq !== expectedSeq) throw new Conflict('exam.stale-page')
    insert.run(itemId, step.seq, JSON.stringify(step.response), step.at.getTime())
  }).immediate()
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
    recordAudit(tx, { actorId: audit.actorId, clientIp: audit.clientIp ?? null, action: 'attempt.finished', subjectType: 'attempt', subjectId: attemptId, details: { reason, score: grade.score, max: grade.max, passed: grade.passed } }, finishedAt)
    return done
  }, { behavior: 'immediate' })
}

/** Finalises every attempt past its deadline plus the grace, with the deadline as its finish time. */
export function sweepOverdue (db: Db, now: Date): number {
  const due = db.select({ id: attempts.id, deadlineAt: attempts.deadlineAt }).from(attempts)
    .where(and(isNull(attempts.finishedAt), lt(attempts.deadlineAt, new Date(now.getTime() - GRACE_MS)))).all()
  for (const a of due) finalizeAttempt(db, a.id, 'timeout', a.deadlineAt, { actorId: null })
  return due.length
}

export function listAttempts (db: DbOrTx, traineeId: number) {
  return db.select({
    id: attempts.id, blueprintKey: attempts.blueprintKey, startedAt: attempts.startedAt, deadlineAt: attempts.deadlineAt, finishedAt: attempts.finishedAt,
    finishReason: attempts.finishReason, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, passMark: attempts.passMark,
    title: blueprintVersions.body, release: bankReleases.label
  }).from(attempts)
    .innerJoin(blueprintVersions, eq(blueprintVersions.id, attempts.blueprintVersionId))
    .innerJoin(bankReleases, eq(bankReleases.id, attempts.releaseId))
    .where(eq(attempts.traineeId, traineeId)).orderBy(desc(attempts.startedAt)).all()
    .map((r) => ({ ...r, title: (r.title as BlueprintBody).title }))
}

const blueprintBodies = new Map<string, BlueprintBody>()

/** The blueprint an attempt was assembled from (versions are immutable: cached per database file and id). */
export function blueprintOfAttempt (db: Db, a: Attempt): BlueprintBody {
  const key = `${db.$client.name}|${a.blueprintVersionId}`
  let body = blueprintBodies.get(key)
  if (!body) {
    body = db.select({ body: blueprintVersions.body }).from(blueprintVersions).where(eq(blueprintVersions.id, a.blueprintVersionId)).get()!.body
    if (blueprintBodies.size > 1000) blueprintBodies.clear()
    blueprintBodies.set(key, body)
  }
  return body
}
