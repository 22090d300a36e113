import { describe, test, expect } from 'vitest'
import { sprintShares, sprintPick } from '../../../src/features/practice/sprint.js'
import { seededRng } from '../../../src/lib/rng.js'

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)

describe('the pre-exam sprint', () => {
  test('shares follow (1 - mastery) + 0.05', () => {
    // Weights 1.05, 0.55, 0.05 (sum 1.65): of 50, 31.8, 16.7, 1.5.
    const s = sprintShares([{ key: 'a', mastery: 0, available: 100 }, { key: 'b', mastery: 0.5, available: 100 }, { key: 'c', mastery: 1, available: 100 }], 50)
    expect(sum(s)).toBe(50)
    expect(s.get('a')).toBe(32)
    expect(s.get('b')).toBe(17)
    expect(s.get('c')).toBe(1)
  })

  test('a fully mastered topic still gets a share; an unseen one (mastery 0) gets the most', () => {
    const s = sprintShares([{ key: 'seen', mastery: 1, available: 100 }, { key: 'unseen', mastery: 0, available: 100 }], 50)
    expect(s.get('seen')).toBeGreaterThan(0)
    expect(s.get('unseen')).toBeGreaterThan(s.get('seen')!)
  })

  test('a topic never gives more than it has; the others make up the rest', () => {
    const s = sprintShares([{ key: 'small', mastery: 0, available: 3 }, { key: 'big', mastery: 0.9, available: 100 }], 50)
    expect(s.get('small')).toBe(3)
    expect(s.get('big')).toBe(47)
  })

  test('a bank smaller than the sprint gives every question', () => {
    const s = sprintShares([{ key: 'a', mastery: 0.2, available: 10 }, { key: 'b', mastery: 0.7, available: 5 }], 50)
    expect(sum(s)).toBe(15)
  })

  test('within a topic the questions not yet answered right come first', () => {
    const qs = [{ id: 1, right: true }, { id: 2, right: false }, { id: 3, right: true }, { id: 4, right: false }]
    const picked = sprintPick(qs, (q) => q.right, 3, seededRng('x'))
    expect(picked.slice(0, 2).map((q) => q.id).sort()).toEqual([2, 4])
    expect(picked[2]!.right).toBe(true)
  })
})
