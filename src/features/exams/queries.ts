import { and, asc, desc, eq, inArray, isNull, isNotNull, lt, max } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { Conflict } from '../../http/errors.js'
import { recordAudit } from '../audit/index.js'
import { bankReleases, blueprintVersions, releaseBlueprints, questionVersions, releaseQuestions, type BlueprintBody, type QuestionBody } from '../bank/schema.js'
import { latestRelease } from '../bank/index.js'
import { attempts, attemptItems, attemptSteps, type FinishReason } from './schema.js'
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

/** The active questions of a release, as the assembler needs them. */
export function questionPool (db: DbOrTx, releaseId: number): PoolQuestion[] {
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

export function findAttempt (db: DbOrTx, id: number): Attempt | undefined {
  return db.select().from(attempts).where(eq(attempts.id, id)).get()
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
    for (const it of a.items) {
      tx.insert(attemptItems).values({ attemptId: attempt.id, slot: it.slot, questionVersionId: it.versionId, optionOrder: it.optionOrder, points: it.points }).run()
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

/** The items of an attempt with each one's latest step. The body includes the key: pages must pass only stem and options on. */
export function attemptItemsWithState (db: DbOrTx, attemptId: number): ItemView[] {
  const items = db.select({
    id: attemptItems.id, slot: attemptItems.slot, points: attemptItems.points, flagged: attemptItems.flagged, optionOrder: attemptItems.optionOrder,
    questionVersionId: attemptItems.questionVersionId, questionKey: questionVersions.questionKey, domain: questionVersions.domain, type: questionVersions.type, body: questionVersions.body
  }).from(attemptItems).innerJoin(questionVersions, eq(questionVersions.id, attemptItems.questionVersionId))
    .where(eq(attemptItems.attemptId, attemptId)).orderBy(asc(attemptItems.slot)).all()
  if (items.length === 0) return []
  const last = db.select({ itemId: attemptSteps.attemptItemId, seq: max(attemptSteps.seq) }).from(attemptSteps)
    .where(inArray(attemptSteps.attemptItemId, items.map((i) => i.id))).groupBy(attemptSteps.attemptItemId).all()
  const lastSeq = new Map(last.map((l) => [l.itemId, l.seq ?? 0]))
  const steps = new Map<number, { response: string[], at: Date }>()
  for (const l of last) {
    const s = db.select({ response: attemptSteps.response, at: attemptSteps.at }).from(attemptSteps).where(and(eq(attemptSteps.attemptItemId, l.itemId), eq(attemptSteps.seq, l.seq!))).get()
    if (s) steps.set(l.itemId, s)
  }
  return items.map((i) => ({ ...i, seq: lastSeq.get(i.id) ?? 0, response: steps.get(i.id)?.response ?? [], savedAt: steps.get(i.id)?.at ?? null }))
}

/**
 * Keeps one answer. Inside the transaction the attempt is read again, so an
 * answer racing the finalise cannot be written after the result; a concurrent
 * save of the same seq hits the unique (item, seq) and is refused as stale.
 */
export function appendStep (db: Db, attemptId: number, itemId: number, expectedSeq: number, step: NewStep): void {
  db.transaction((tx) => {
    const a = tx.select({ finishedAt: attempts.finishedAt }).from(attempts).where(eq(attempts.id, attemptId)).get()
    if (!a || a.finishedAt) throw new Conflict('exam.attempt-finished')
    const cur = tx.select({ seq: max(attemptSteps.seq) }).from(attemptSteps).where(eq(attemptSteps.attemptItemId, itemId)).get()?.seq ?? 0
    if (cur !== expectedSeq) throw new Conflict('exam.stale-page')
    tx.insert(attemptSteps).values({ attemptItemId: itemId, seq: step.seq, response: step.response, at: step.at }).run()
  }, { behavior: 'immediate' })
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
    const items = attemptItemsWithState(tx, attemptId)
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

export function blueprintOfAttempt (db: DbOrTx, a: Attempt): BlueprintBody {
  return db.select({ body: blueprintVersions.body }).from(blueprintVersions).where(eq(blueprintVersions.id, a.blueprintVersionId)).get()!.body
}
