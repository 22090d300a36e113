import { Conflict, BadRequest } from '../../http/errors.js'
import type { QuestionType } from '../bank/index.js'
import { answerAccepted } from './grading.js'

/** What the server knows of one item when an answer arrives. */
export interface ItemState {
  type: QuestionType
  optionOrder: readonly string[]
  /** The values the page gave the options (option-codes.ts), in the order of optionOrder. */
  codes: readonly string[]
  /** How many steps the item has; the form posts the seq it was rendered with. */
  seq: number
  deadlineAt: Date
  finishedAt: Date | null
}

export interface NewStep { seq: number, response: string[], at: Date }

/**
 * Decides whether an answer is kept (pure; moodle's process_action). A finished
 * attempt, an answer past the deadline and its grace, or a stale page are refused.
 */
export function answerStep (item: ItemState, input: { choice: unknown, seq: unknown }, now: Date): NewStep {
  if (item.finishedAt) throw new Conflict('exam.attempt-finished')
  if (!answerAccepted(now, item.deadlineAt)) throw new Conflict('exam.deadline-passed')
  // A malformed answer is refused before the page's freshness is checked.
  const seq = typeof input.seq === 'string' && /^\d{1,6}$/.test(input.seq) ? Number(input.seq) : NaN
  if (Number.isNaN(seq)) throw new BadRequest('exam.bad-answer')
  const raw = input.choice === undefined ? [] : Array.isArray(input.choice) ? input.choice : [input.choice]
  // Each posted value must be one of this item's; it is kept as the bank's option key.
  const keys = raw.map((c) => (typeof c === 'string' ? item.optionOrder[item.codes.indexOf(c)] : undefined))
  if (keys.some((k) => k === undefined)) throw new BadRequest('exam.bad-answer')
  const response = [...new Set(keys as string[])].sort()
  if (item.type !== 'multi' && response.length > 1) throw new BadRequest('exam.bad-answer')
  if (seq !== item.seq) throw new Conflict('exam.stale-page')
  return { seq: seq + 1, response, at: now }
}

/** Minutes and seconds left, for the clock (never negative). */
export function secondsLeft (deadlineAt: Date, now: Date): number {
  return Math.max(0, Math.floor((deadlineAt.getTime() - now.getTime()) / 1000))
}
