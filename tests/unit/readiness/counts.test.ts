import { describe, test, expect } from 'vitest'
import { countsOf, countChanges, noCounts, type Counted } from '../../../src/features/readiness/counts.js'

const row = (over: Partial<Counted> = {}): Counted => ({ enterpriseId: 1, dutyStatus: 'in-training', certified: false, status: 'not-yet', ...over })

describe('what a readiness row counts for in its enterprise', () => {
  test('duty, certificate and status each count where they belong', () => {
    expect(countsOf(row())).toEqual({ ...noCounts(), people: 1, inTraining: 1 })
    expect(countsOf(row({ dutyStatus: 'on-duty' }))).toEqual({ ...noCounts(), people: 1, onDuty: 1, onDutyUncertified: 1 })
    expect(countsOf(row({ dutyStatus: 'on-duty', certified: true }))).toEqual({ ...noCounts(), people: 1, onDuty: 1, certified: 1 })
    expect(countsOf(row({ status: 'eligible' }))).toEqual({ ...noCounts(), people: 1, inTraining: 1, eligible: 1, eligibleUncertified: 1 })
    expect(countsOf(row({ status: 'eligible', certified: true, dutyStatus: 'released' }))).toEqual({ ...noCounts(), people: 1, eligible: 1, certified: 1 })
  })
})

describe('the changes a write makes to the counts', () => {
  test('a new row adds to its enterprise; a row without an enterprise counts nowhere', () => {
    expect(countChanges([{ traineeId: 1, before: undefined, after: row() }])).toEqual(new Map([[1, { ...noCounts(), people: 1, inTraining: 1 }]]))
    expect(countChanges([{ traineeId: 1, before: undefined, after: row({ enterpriseId: null }) }])).toEqual(new Map())
  })

  test('a move takes every count from the old enterprise to the new one', () => {
    const before = row({ enterpriseId: 1, dutyStatus: 'on-duty', status: 'eligible' })
    const after = row({ enterpriseId: 2, dutyStatus: 'in-training', status: 'eligible' })
    expect(countChanges([{ traineeId: 7, before, after }])).toEqual(new Map([
      [1, { ...noCounts(), people: -1, onDuty: -1, onDutyUncertified: -1, eligible: -1, eligibleUncertified: -1 }],
      [2, { ...noCounts(), people: 1, inTraining: 1, eligible: 1, eligibleUncertified: 1 }]
    ]))
  })

  test('a change inside one enterprise moves only what changed; no change leaves it out', () => {
    expect(countChanges([{ traineeId: 7, before: row({ dutyStatus: 'on-duty' }), after: row({ dutyStatus: 'on-duty', certified: true }) }]))
      .toEqual(new Map([[1, { ...noCounts(), onDutyUncertified: -1, certified: 1 }]]))
    expect(countChanges([{ traineeId: 7, before: row(), after: row() }])).toEqual(new Map())
  })

  test('a person written twice in one batch counts from the first write\'s result', () => {
    const changes = countChanges([
      { traineeId: 7, before: row(), after: row({ status: 'eligible' }) },
      { traineeId: 7, before: row(), after: row({ enterpriseId: 2, status: 'eligible' }) }
    ])
    expect(changes).toEqual(new Map([
      [1, { ...noCounts(), people: -1, inTraining: -1 }],
      [2, { ...noCounts(), people: 1, inTraining: 1, eligible: 1, eligibleUncertified: 1 }]
    ]))
  })
})
