/**
 * The exam's rules that are not about one answer (answering.ts) or the score
 * (grading.ts): what a blueprint adds up to, how a finish is recorded, who may
 * read a result, and when a flag may change. Pure; the routes call them.
 */
import { Conflict } from '../../http/errors.js'
import type { Cell } from '../bank/index.js'
import type { FinishReason } from '../../db/schema.js'
import { GRACE_MS } from './grading.js'

/** A paper's size: how many questions and points a blueprint's cells add up to. */
export function blueprintTotals (cells: readonly Pick<Cell, 'count' | 'points'>[]): { questions: number, points: number } {
  return cells.reduce((t, c) => ({ questions: t.questions + c.count, points: t.points + c.count * c.points }), { questions: 0, points: 0 })
}

/**
 * How a finish is recorded. The page's clock submits by itself at zero (`auto`); that
 * finish is the time running out when it arrives no earlier than the grace before the
 * deadline (the device's clock may run a little fast). Anything else was submitted.
 */
export function finishReason (auto: boolean, deadlineAt: Date, now: Date): FinishReason {
  return auto && now.getTime() >= deadlineAt.getTime() - GRACE_MS ? 'timeout' : 'submitted'
}

export interface ResultReader {
  role: 'trainee' | 'trainer' | 'police' | 'admin'
  /** A trainee's own person record. */
  traineeId: number | null
}

/**
 * Who may read an attempt's result: the trainee who sat it; a trainer, police officer
 * or administrator when the person is in their scope (asked only for them: `inScope`
 * reads the database). Anyone else gets 404, so an attempt's existence is not revealed.
 */
export function mayReadResult (reader: ResultReader, attempt: { traineeId: number }, inScope: () => boolean): boolean {
  if (reader.role === 'trainee') return reader.traineeId !== null && reader.traineeId === attempt.traineeId
  return inScope()
}

/**
 * What a reader who may read it gets of an attempt: its review once finished; before
 * that, its trainee goes back to answering and everyone else finds nothing to review.
 */
export function resultOf (reader: ResultReader, attempt: { finishedAt: Date | null }): 'review' | 'continue' | 'none' {
  if (attempt.finishedAt) return 'review'
  return reader.role === 'trainee' ? 'continue' : 'none'
}

/** A question's flag (marked for review) changes only while the attempt runs. */
export function flagChange (attempt: { finishedAt: Date | null }, flagged: boolean): boolean {
  if (attempt.finishedAt) throw new Conflict('exam.attempt-finished')
  return !flagged
}
