/**
 * The end-of-lesson check, pure. A few questions of the topic are drawn from
 * the current release; each answer gets its feedback at once; the check is
 * passed when the last answer to every question is right (answering again is
 * allowed). It is practice: nothing here touches exam attempts.
 */
import { BadRequest } from '../../http/errors.js'
import { seededRng, shuffle } from '../../lib/rng.js'
import type { QuestionType } from '../bank/index.js'
import { isCorrect } from '../exams/index.js'
import type { CheckAnswer } from '../../db/schema.js'

export const CHECK_SIZE = 3

/** Up to `size` question version ids of the topic, a different pick per seed. */
export function drawCheck (pool: readonly number[], seed: string, size = CHECK_SIZE): number[] {
  return shuffle([...pool].sort((a, b) => a - b), seededRng(seed)).slice(0, size)
}

export interface CheckQuestion { type: QuestionType, optionKeys: readonly string[], answer: readonly string[] }

/** Reads a submitted choice for a question; anything that is not one of its options is refused. */
export function readChoice (q: CheckQuestion, raw: unknown): string[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  const allowed = q.type === 'judge' ? ['true', 'false'] : q.optionKeys
  if (list.some((c) => typeof c !== 'string' || !allowed.includes(c))) throw new BadRequest('check.bad-answer')
  const response = [...new Set(list as string[])].sort()
  if (response.length === 0) throw new BadRequest('check.no-answer')
  if (q.type !== 'multi' && response.length > 1) throw new BadRequest('check.bad-answer')
  return response
}

export interface CheckState { questionVersionIds: readonly number[], answers: Readonly<Record<string, CheckAnswer>> }

/** Records one answer: the new per-question state, whether this answer was right, and whether the whole check is now passed. */
export function answerCheck (state: CheckState, questionVersionId: number, q: CheckQuestion, response: readonly string[]) {
  if (!state.questionVersionIds.includes(questionVersionId)) throw new BadRequest('check.bad-answer')
  const right = isCorrect(q.type, q.answer, response)
  const answers = { ...state.answers, [String(questionVersionId)]: { response: [...response], right } }
  return { answers, right, passed: checkPassed({ questionVersionIds: state.questionVersionIds, answers }) }
}

export function checkPassed (state: CheckState): boolean {
  return state.questionVersionIds.length > 0 && state.questionVersionIds.every((id) => state.answers[String(id)]?.right === true)
}
