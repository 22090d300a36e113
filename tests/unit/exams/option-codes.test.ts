import { describe, test, expect } from 'vitest'
import { optionCodes } from '../../../src/features/exams/option-codes.js'
import { answerStep, type ItemState } from '../../../src/features/exams/answering.js'

const KEYS = ['C', 'A', 'D', 'B']

describe('per-attempt option values', () => {
  test('the same inputs give the same values; another seed, attempt or slot gives others', () => {
    const codes = optionCodes('seed-1', 7, 3, KEYS)
    expect(optionCodes('seed-1', 7, 3, KEYS)).toEqual(codes)
    expect(new Set(codes).size).toBe(4)
    for (const other of [optionCodes('seed-2', 7, 3, KEYS), optionCodes('seed-1', 8, 3, KEYS), optionCodes('seed-1', 7, 4, KEYS)]) {
      for (const c of other) expect(codes).not.toContain(c)
    }
  })

  test('a value says nothing of its key: it is not the key, and keys in another order keep their values', () => {
    const codes = optionCodes('seed-1', 7, 3, KEYS)
    for (const c of codes) expect(['A', 'B', 'C', 'D', 'E', 'true', 'false']).not.toContain(c)
    const reordered = optionCodes('seed-1', 7, 3, ['A', 'B', 'C', 'D'])
    expect(reordered).toEqual(['A', 'B', 'C', 'D'].map((k) => codes[KEYS.indexOf(k)]))
  })
})

describe('answerStep maps posted values to bank keys', () => {
  const codes = optionCodes('s', 1, 1, KEYS)
  const item: ItemState = { type: 'multi', optionOrder: KEYS, codes, seq: 0, deadlineAt: new Date(Date.UTC(2030, 0, 1)), finishedAt: null }
  const now = new Date(Date.UTC(2029, 0, 1))
  test('values become keys, sorted and without repeats', () => {
    expect(answerStep(item, { choice: [codes[2]!, codes[0]!, codes[0]!], seq: '0' }, now).response).toEqual(['C', 'D'])
  })
  test('a bank key or another item\'s value is refused', () => {
    expect(() => answerStep(item, { choice: 'A', seq: '0' }, now)).toThrow('exam.bad-answer')
    expect(() => answerStep(item, { choice: optionCodes('s', 1, 2, KEYS)[0], seq: '0' }, now)).toThrow('exam.bad-answer')
  })
})
