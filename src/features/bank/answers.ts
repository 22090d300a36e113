import type { QuestionType } from './format.js'

/**
 * Whether a response is a question's key, pure. Single choice and true/false
 * by the one answer; multiple choice only when exactly the correct set is
 * chosen. Exams grade with it, and practice and lesson checks judge with it.
 */
export function isCorrect (type: QuestionType, answer: readonly string[], response: readonly string[]): boolean {
  if (response.length === 0) return false
  const chosen = [...new Set(response)]
  if (type !== 'multi') return chosen.length === 1 && answer.length === 1 && chosen[0] === answer[0]
  return chosen.length === answer.length && chosen.every((k) => answer.includes(k))
}
