import { describe, test, expect } from 'vitest'
import { purposeProblem } from '../../../src/features/readiness/lookup.js'

describe('the purpose of a police look-up', () => {
  test.each(['现场检查', '核查', '审核考试报名', 'site check', 'Check', '核查 2026-03'])('%s is accepted', (p) => {
    expect(purposeProblem(p)).toBeNull()
  })
  test.each(['查', '123456', '2026-03-01', '...!?', 'abc', '查 1'])('%s is refused', (p) => {
    expect(purposeProblem(p)).toBe('lookup.purpose-short')
  })
})
