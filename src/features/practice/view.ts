/**
 * View models of the practice pages, pure. Before a question is answered its
 * view carries stem and options only (values are the set's option codes); the
 * key, explanation and source come with the answer, or at once in 背题模式.
 */
import { localText } from '../../lib/text.js'
import { optionCodes } from '../../lib/option-codes.js'
import { sourceText } from '../bank/index.js'
import type { PracticeQuestionRow, PracticeSet, SetAnswer } from './queries.js'
import { optionOrder, decodeAnswer } from './answering.js'

const LETTERS = 'ABCDEFGH'

export interface PracticeQuestionView {
  position: number
  questionId: number
  type: 'single' | 'multi' | 'judge'
  stem: string
  /** `bankLetter`: once the feedback shows, the bank's letter of an option shown under another (the explanation names options by it). */
  options: Array<{ value: string, letter: string, bankLetter: string, text: string | null, truth: boolean, chosen: boolean, key: boolean }>
  /** The feedback: set once answered (or at once when reciting). */
  feedback: { right: boolean | null, answer: string, explanation: string, source: string } | null
}

/** The order, codes and letters of a question's options in a set. */
export function shownOptions (set: Pick<PracticeSet, 'id' | 'seed'>, position: number, q: Pick<PracticeQuestionRow, 'type' | 'body'>) {
  const keys = q.body.options.map((o) => o.key)
  const order = optionOrder(set.seed, position, q.type, keys)
  return { keys, order, codes: optionCodes(set.seed, set.id, position, order) }
}

export type ShownOptions = ReturnType<typeof shownOptions>

/** `shown`: the question's shownOptions when the caller has them already (an answer reads its choice with them). */
export function questionView (set: PracticeSet, position: number, q: PracticeQuestionRow, answer: SetAnswer | undefined, locale: string, shown: ShownOptions = shownOptions(set, position, q)): PracticeQuestionView {
  const { keys, order, codes } = shown
  const texts = new Map(q.body.options.map((o) => [o.key, localText(o.text, locale)]))
  const reveal = answer !== undefined || set.mode === 'recite'
  const chosen = answer ? decodeAnswer(q.type, keys, answer.answer) : []
  const options = order.map((key, i) => ({
    value: codes[i]!,
    letter: q.type === 'judge' ? '' : LETTERS[i]!,
    bankLetter: reveal && q.type !== 'judge' && key !== LETTERS[i] ? key : '',
    text: q.type === 'judge' ? null : texts.get(key) ?? '',
    truth: key === 'true',
    chosen: chosen.includes(key),
    key: reveal && q.body.answer.includes(key)
  }))
  const keyText = options.filter((o) => o.key).map((o) => o.letter || (o.truth ? 'true' : 'false'))
  return {
    position,
    questionId: q.id,
    type: q.type,
    stem: localText(q.body.stem, locale),
    options,
    feedback: reveal
      ? { right: answer ? answer.right : null, answer: keyText.join(''), explanation: localText(q.body.explanation, locale), source: sourceText(q.body.source, locale) }
      : null
  }
}

export type SheetCell = { position: number, state: 'right' | 'wrong' | 'open', current: boolean }

/** The answer sheet (答题卡): every position with its state. */
export function answerSheet (size: number, answers: ReadonlyMap<number, SetAnswer>, current: number): SheetCell[] {
  return Array.from({ length: size }, (_, i) => {
    const a = answers.get(i + 1)
    return { position: i + 1, state: a ? (a.right ? 'right' : 'wrong') : 'open', current: i + 1 === current }
  })
}

/** Where to resume: the first unanswered position after the last answered one, else the first unanswered, else the last. */
export function resumePosition (size: number, answers: ReadonlyMap<number, SetAnswer>): number {
  const last = Math.max(0, ...answers.keys())
  for (let p = last + 1; p <= size; p++) if (!answers.has(p)) return p
  for (let p = 1; p <= size; p++) if (!answers.has(p)) return p
  return Math.max(1, size)
}
