import { describe, test, expect } from 'vitest'
import { drawCheck, readChoice, answerCheck, checkPassed, CHECK_SIZE } from '../../../src/features/learning/check.js'
import { AppError } from '../../../src/http/errors.js'

const single = { type: 'single' as const, optionKeys: ['A', 'B', 'C', 'D'], answer: ['B'] }
const multi = { type: 'multi' as const, optionKeys: ['A', 'B', 'C', 'D'], answer: ['A', 'C'] }
const judge = { type: 'judge' as const, optionKeys: [], answer: ['false'] }

describe('drawing a check', () => {
  test('a few distinct questions of the pool, the same for the same seed', () => {
    const pool = [5, 3, 9, 1, 7]
    const a = drawCheck(pool, 'seed-1')
    expect(a).toHaveLength(CHECK_SIZE)
    expect(new Set(a).size).toBe(CHECK_SIZE)
    expect(a.every((id) => pool.includes(id))).toBe(true)
    expect(drawCheck([...pool].reverse(), 'seed-1')).toEqual(a)
    expect(drawCheck([4, 2], 'x').sort()).toEqual([2, 4])
  })
})

describe('reading a choice', () => {
  const code = (f: () => unknown) => { try { f(); return 'ok' } catch (e) { return e instanceof AppError ? e.code : String(e) } }
  test.each([
    [single, 'B', ['B']],
    [multi, ['C', 'A', 'A'], ['A', 'C']],
    [judge, 'false', ['false']]
  ] as const)('%j accepts %j', (q, raw, expected) => {
    expect(readChoice(q, raw)).toEqual(expected)
  })
  test.each([
    [single, undefined, 'check.no-answer'],
    [single, 'E', 'check.bad-answer'],
    [single, ['A', 'B'], 'check.bad-answer'],
    [judge, 'A', 'check.bad-answer'],
    [multi, [{}], 'check.bad-answer']
  ] as const)('%j refuses %j', (q, raw, expected) => {
    expect(code(() => readChoice(q, raw))).toBe(expected)
  })
})

describe('answering a check', () => {
  test('passed when the last answer to every question is right; retries allowed', () => {
    let state = { questionVersionIds: [1, 2], answers: {} }
    const r1 = answerCheck(state, 1, single, ['A'])
    expect(r1).toMatchObject({ right: false, passed: false })
    state = { ...state, answers: r1.answers }
    const r2 = answerCheck(state, 1, single, ['B'])
    expect(r2).toMatchObject({ right: true, passed: false })
    state = { ...state, answers: r2.answers }
    const r3 = answerCheck(state, 2, multi, ['A', 'C'])
    expect(r3).toMatchObject({ right: true, passed: true })
    expect(r3.answers).toEqual({ 1: { response: ['B'], right: true }, 2: { response: ['A', 'C'], right: true } })
    // A wrong answer afterwards takes the pass away from this check (the lesson keeps its recorded pass).
    expect(answerCheck({ ...state, answers: r3.answers }, 2, multi, ['A'])).toMatchObject({ right: false, passed: false })
  })

  test('only the questions of the check', () => {
    expect(() => answerCheck({ questionVersionIds: [1], answers: {} }, 2, single, ['B'])).toThrow(AppError)
    expect(checkPassed({ questionVersionIds: [], answers: {} })).toBe(false)
  })
})
