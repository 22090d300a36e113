/**
 * One practice answer, pure: the order a set shows a question's options in,
 * reading the posted values back to the bank's keys, and the integer the
 * answer row stores.
 */
import { BadRequest } from '../../http/errors.js'
import { seededRng, shuffle } from '../../lib/rng.js'
import type { QuestionType } from '../bank/index.js'

const JUDGE = ['true', 'false'] as const

/** The bank's option keys in the order this set shows them at this position (true/false keeps its order). */
export function optionOrder (seed: string, position: number, type: QuestionType, keys: readonly string[]): string[] {
  if (type === 'judge') return [...JUDGE]
  return shuffle([...keys], seededRng(`${seed}\u0000${position}`))
}

/** The bank's keys of a posted choice (values are the set's option codes); refuses anything else. */
export function readResponse (type: QuestionType, order: readonly string[], codes: readonly string[], raw: unknown): string[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  if (list.length === 0) throw new BadRequest('practice.no-answer')
  const keys = list.map((c) => (typeof c === 'string' ? order[codes.indexOf(c)] : undefined))
  if (keys.some((k) => k === undefined)) throw new BadRequest('practice.bad-answer')
  const response = [...new Set(keys as string[])].sort()
  if (type !== 'multi' && response.length > 1) throw new BadRequest('practice.bad-answer')
  return response
}

/** The answer as a bit mask of the options' indexes in the question version (true/false: 1 true, 2 false). */
export function encodeAnswer (type: QuestionType, keys: readonly string[], response: readonly string[]): number {
  const all = type === 'judge' ? JUDGE : keys
  return response.reduce((mask, k) => mask | (1 << all.indexOf(k)), 0)
}

export function decodeAnswer (type: QuestionType, keys: readonly string[], mask: number): string[] {
  const all = type === 'judge' ? JUDGE : keys
  return all.filter((_, i) => (mask & (1 << i)) !== 0)
}
