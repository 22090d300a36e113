import { describe, test, expect } from 'vitest'
import { blueprintTotals, finishReason, mayReadResult, resultOf, flagChange } from '../../../src/features/exams/rules.js'
import { Conflict } from '../../../src/http/errors.js'

const deadline = new Date('2026-03-01T10:00:00Z')
const at = (seconds: number) => new Date(deadline.getTime() + seconds * 1000)

describe('exam rules', () => {
  test('a blueprint adds up its cells', () => {
    expect(blueprintTotals([{ count: 40, points: 1 }, { count: 30, points: 1 }, { count: 10, points: 0.5 }])).toEqual({ questions: 80, points: 75 })
    expect(blueprintTotals([])).toEqual({ questions: 0, points: 0 })
  })

  test.each([
    [true, -6, 'submitted'], // the clock said zero too early to be believed
    [true, -5, 'timeout'],
    [true, 0, 'timeout'],
    [true, 30, 'timeout'],
    [false, -600, 'submitted'],
    [false, 3, 'submitted']
  ] as const)('auto=%s at %ss from the deadline finishes as %s', (auto, seconds, reason) => {
    expect(finishReason(auto, deadline, at(seconds))).toBe(reason)
  })

  test('a result is read by its trainee, or by someone whose scope holds the person', () => {
    const attempt = { traineeId: 7 }
    let asked = 0
    const inScope = (answer: boolean) => () => { asked++; return answer }
    expect(mayReadResult({ role: 'trainee', traineeId: 7 }, attempt, inScope(false))).toBe(true)
    expect(mayReadResult({ role: 'trainee', traineeId: 8 }, attempt, inScope(true))).toBe(false)
    expect(mayReadResult({ role: 'trainee', traineeId: null }, attempt, inScope(true))).toBe(false)
    expect(asked).toBe(0) // a trainee's own result needs no scope query
    for (const role of ['trainer', 'police', 'admin'] as const) {
      expect(mayReadResult({ role, traineeId: null }, attempt, inScope(true))).toBe(true)
      expect(mayReadResult({ role, traineeId: null }, attempt, inScope(false))).toBe(false)
    }
  })

  test('an unfinished attempt has nothing to review: its trainee goes back to it, others find nothing', () => {
    expect(resultOf({ role: 'trainee', traineeId: 7 }, { finishedAt: null })).toBe('continue')
    expect(resultOf({ role: 'trainer', traineeId: null }, { finishedAt: null })).toBe('none')
    expect(resultOf({ role: 'police', traineeId: null }, { finishedAt: deadline })).toBe('review')
  })

  test('a flag changes only while the attempt runs', () => {
    expect(flagChange({ finishedAt: null }, false)).toBe(true)
    expect(flagChange({ finishedAt: null }, true)).toBe(false)
    expect(() => flagChange({ finishedAt: deadline }, false)).toThrow(Conflict)
  })
})
