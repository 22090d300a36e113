import { isCorrect, type QuestionType } from '../bank/index.js'

export { isCorrect }

/**
 * Grading, pure: a replay of the final responses against the answer keys, so a
 * regrade always gives the same result. Single choice and true/false score by
 * the one answer; multiple choice only when exactly the correct set is chosen.
 */
export interface GradableItem {
  slot: number
  domain: string
  type: QuestionType
  points: number
  /** The correct option keys; ['true'] or ['false'] for true/false. */
  answer: readonly string[]
  /** What the trainee chose last; empty when unanswered. */
  response: readonly string[]
}

export interface DomainResult { domain: string, score: number, max: number, correct: number, count: number }
export interface Grade {
  score: number
  max: number
  passed: boolean
  correct: number
  answered: number
  items: Array<{ slot: number, correct: boolean, awarded: number }>
  byDomain: DomainResult[]
}

export function gradeAttempt (items: readonly GradableItem[], passMark: number): Grade {
  const byDomain = new Map<string, DomainResult>()
  let score = 0
  let max = 0
  let correct = 0
  let answered = 0
  const out = items.map((it) => {
    const ok = isCorrect(it.type, it.answer, it.response)
    const awarded = ok ? it.points : 0
    score += awarded
    max += it.points
    if (ok) correct++
    if (it.response.length > 0) answered++
    const d = byDomain.get(it.domain) ?? { domain: it.domain, score: 0, max: 0, correct: 0, count: 0 }
    d.score += awarded; d.max += it.points; d.count++; if (ok) d.correct++
    byDomain.set(it.domain, d)
    return { slot: it.slot, correct: ok, awarded }
  })
  // Points may be fractional in a blueprint; keep sums exact to a thousandth.
  const round = (n: number) => Math.round(n * 1000) / 1000
  return {
    score: round(score),
    max: round(max),
    passed: round(score) >= passMark,
    correct,
    answered,
    items: out,
    byDomain: [...byDomain.values()].map((d) => ({ ...d, score: round(d.score), max: round(d.max) }))
  }
}

/** Answers are accepted until the deadline plus a few seconds' grace for network delay. */
export const GRACE_MS = 5_000

export function answerAccepted (now: Date, deadlineAt: Date, graceMs = GRACE_MS): boolean {
  return now.getTime() <= deadlineAt.getTime() + graceMs
}

/** An attempt past its deadline plus the grace is finalised on its next touch, with the deadline as its finish time. */
export function isOverdue (now: Date, deadlineAt: Date, graceMs = GRACE_MS): boolean {
  return !answerAccepted(now, deadlineAt, graceMs)
}
