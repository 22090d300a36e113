import { describe, test, expect } from 'vitest'
import { gradeAttempt, isCorrect, answerAccepted, isOverdue, GRACE_MS, type GradableItem } from '../../../src/features/exams/grading.js'

describe('scoring one question', () => {
  test.each([
    ['single', ['B'], ['B'], true],
    ['single', ['B'], ['C'], false],
    ['single', ['B'], [], false],
    ['single', ['B'], ['B', 'C'], false],
    ['judge', ['true'], ['true'], true],
    ['judge', ['true'], ['false'], false],
    ['judge', ['false'], [], false],
    ['multi', ['A', 'C', 'E'], ['E', 'A', 'C'], true],
    ['multi', ['A', 'C', 'E'], ['A', 'C'], false],
    ['multi', ['A', 'C', 'E'], ['A', 'B', 'C', 'E'], false],
    ['multi', ['A', 'C', 'E'], ['A', 'B', 'C', 'D', 'E'], false],
    ['multi', ['A', 'C', 'E'], [], false],
    ['multi', ['A', 'C'], ['A', 'A', 'C'], true]
  ] as const)('%s key %j, chosen %j: %s', (type, answer, response, expected) => {
    expect(isCorrect(type, answer, response)).toBe(expected)
  })
})

describe('grading an attempt', () => {
  const items: GradableItem[] = [
    { slot: 1, domain: 'law', type: 'single', points: 1, answer: ['A'], response: ['A'] },
    { slot: 2, domain: 'law', type: 'multi', points: 2, answer: ['A', 'B'], response: ['A'] },
    { slot: 3, domain: 'ethics', type: 'judge', points: 1, answer: ['false'], response: ['false'] },
    { slot: 4, domain: 'ethics', type: 'single', points: 1, answer: ['C'], response: [] }
  ]

  test('score, per-domain breakdown and pass mark', () => {
    const g = gradeAttempt(items, 2)
    expect(g).toMatchObject({ score: 2, max: 5, passed: true, correct: 2, answered: 3 })
    expect(g.byDomain).toEqual([
      { domain: 'law', score: 1, max: 3, correct: 1, count: 2 },
      { domain: 'ethics', score: 1, max: 2, correct: 1, count: 2 }
    ])
    expect(gradeAttempt(items, 3).passed).toBe(false)
  })

  test('regrading the same steps gives the same result', () => {
    expect(gradeAttempt(items, 2)).toEqual(gradeAttempt(items, 2))
  })

  test('an empty attempt scores nothing and fails', () => {
    const g = gradeAttempt(items.map((i) => ({ ...i, response: [] })), 1)
    expect(g).toMatchObject({ score: 0, passed: false, answered: 0 })
  })

  test('exactly the pass mark passes (60 of 100)', () => {
    const hundred = Array.from({ length: 100 }, (_, i): GradableItem => ({ slot: i + 1, domain: 'law', type: 'single', points: 1, answer: ['A'], response: i < 60 ? ['A'] : ['B'] }))
    expect(gradeAttempt(hundred, 60)).toMatchObject({ score: 60, passed: true })
    expect(gradeAttempt(hundred.map((x, i) => (i === 0 ? { ...x, response: ['B'] } : x)), 60)).toMatchObject({ score: 59, passed: false })
  })
})

describe('the deadline rule at its boundaries', () => {
  const deadline = new Date(Date.UTC(2026, 10, 27, 2, 0, 0))
  const at = (ms: number) => new Date(deadline.getTime() + ms)
  test.each([
    [-1, true, false],
    [0, true, false],
    [GRACE_MS, true, false],
    [GRACE_MS + 1, false, true],
    [60_000, false, true]
  ])('%d ms after the deadline: accepted %s, overdue %s', (ms, accepted, overdue) => {
    expect(answerAccepted(at(ms), deadline)).toBe(accepted)
    expect(isOverdue(at(ms), deadline)).toBe(overdue)
  })
})
