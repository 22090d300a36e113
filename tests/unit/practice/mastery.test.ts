import { describe, test, expect } from 'vitest'
import { countsAfter, masteryOf, masteryPct } from '../../../src/features/practice/mastery.js'

describe('mastery', () => {
  test('the first answer to a question counts it seen; right counts only its latest answer', () => {
    let c = { seen: 0, right: 0 }
    c = countsAfter(c, null, true)
    expect(c).toEqual({ seen: 1, right: 1 })
    c = countsAfter(c, true, true)
    expect(c).toEqual({ seen: 1, right: 1 })
    c = countsAfter(c, true, false)
    expect(c).toEqual({ seen: 1, right: 0 })
    c = countsAfter(c, false, false)
    expect(c).toEqual({ seen: 1, right: 0 })
    c = countsAfter(c, null, false)
    expect(c).toEqual({ seen: 2, right: 0 })
  })

  test('mastery is the share of the topic\'s questions right at their latest answer', () => {
    expect(masteryOf({ seen: 4, right: 3 }, 10)).toBeCloseTo(0.3)
    expect(masteryOf({ seen: 0, right: 0 }, 0)).toBe(0)
    // A retired question still counted: never above 1.
    expect(masteryOf({ seen: 5, right: 5 }, 4)).toBe(1)
  })

  test('the percentage rounds down', () => {
    expect(masteryPct({ seen: 5, right: 4 }, 5)).toBe(80)
    expect(masteryPct({ seen: 10, right: 79 }, 99)).toBe(79)
    expect(masteryPct({ seen: 3, right: 1 }, 3)).toBe(33)
  })
})
