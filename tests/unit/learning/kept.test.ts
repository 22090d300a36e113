import { describe, test, expect } from 'vitest'
import { learningSummary, learningNextChange } from '../../../src/features/learning/kept.js'
import { traineeRow } from '../../../src/features/learning/view.js'
import type { AssignmentStatus, TraineeLearning } from '../../../src/features/learning/summary.js'

const day = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / 86_400_000)

const status = (id: number, dueOn: string | null, complete: boolean, state: AssignmentStatus['state']): AssignmentStatus => ({
  assignment: { id, curriculumId: id, enterpriseId: 1, traineeId: 1, cohortId: null, dueOn, mandatory: true, assignedAt: new Date(0), curriculumTitle: `C${id}`, traineeName: null, cohortName: null },
  items: [],
  progress: { items: [], done: complete ? 2 : 1, total: 2, percent: complete ? 100 : 50, complete },
  state
})

const learning = (assignments: AssignmentStatus[], firstDay: number | null, over: Partial<TraineeLearning> = {}): TraineeLearning => ({
  traineeId: 1,
  topics: [],
  courses: [],
  overall: { done: 3, total: 10, percent: 30 },
  passes: new Map([['national-mock', 2], ['starter-mock', 1]]),
  assignments,
  assigned: { done: 3, total: 4, percent: 75 },
  overdue: assignments.filter((a) => a.state === 'overdue').length,
  practice: { topics: new Map(), masteryPct: 12, seen: 40, due: 3, week: { answered: 20, right: 15, accuracyPct: 75, firstDay } },
  ...over
})

describe('the stored learning summary', () => {
  test('holds the table\'s figures of the learning record and the latest finished mock', () => {
    const l = learning([status(1, '2026-05-01', true, 'complete'), status(2, '2026-04-01', false, 'overdue')], null)
    const finishedAt = new Date(Date.UTC(2026, 3, 3))
    const s = learningSummary({ id: 7, enterpriseId: 3, fullName: '王伟' }, l, { score: 82, maxScore: 100, passed: true, finishedAt, blueprintKey: 'national-mock' }, '2026-04-10')
    expect(s).toEqual({
      traineeId: 7, enterpriseId: 3, fullName: '王伟', assignedCount: 2, completeCount: 1, assignedDone: 3, assignedTotal: 4, assignedPercent: 75, overdue: 1, coursesPercent: 30,
      passes: 3, latestScore: 82, latestMaxScore: 100, latestPassed: true, latestFinishedAt: finishedAt, masteryPct: 12, weekAnswered: 20, weekRight: 15, nextChangeOn: null
    })
    // Without a finished mock the score sorts first (-1) and the row shows none.
    const none = learningSummary({ id: 7, enterpriseId: null, fullName: 'x' }, l, undefined, '2026-04-10')
    expect(none).toMatchObject({ latestScore: -1, latestMaxScore: null, latestPassed: null, latestFinishedAt: null })
    expect(traineeRow(none, []).latest).toBeUndefined()
    expect(traineeRow(s, [{ id: 1, name: 'March' }])).toMatchObject({ id: 7, latest: { score: 82, maxScore: 100, passed: true, finishedAt }, passes: 3, weekAccuracy: 75, cohorts: [{ id: 1, name: 'March' }] })
  })

  test('changes by date the day after an open assignment is due, or when a practised day leaves the week', () => {
    const today = '2026-04-10'
    // Due today: still in time today, overdue tomorrow.
    expect(learningNextChange(learning([status(1, today, false, 'open')], null), today)).toBe('2026-04-11')
    // The earliest of several; complete, undated and overdue assignments change nothing by date.
    expect(learningNextChange(learning([status(1, '2026-04-20', false, 'open'), status(2, '2026-04-15', false, 'open'), status(3, '2026-04-12', true, 'complete'), status(4, null, false, 'open'), status(5, '2026-04-01', false, 'overdue')], null), today)).toBe('2026-04-16')
    // Practice on the 5th counts in the weeks ending the 5th to the 11th: on the 12th it has left.
    expect(learningNextChange(learning([], day('2026-04-05')), today)).toBe('2026-04-12')
    expect(learningNextChange(learning([status(1, '2026-04-10', false, 'open')], day('2026-04-05')), today)).toBe('2026-04-11')
    expect(learningNextChange(learning([], null), today)).toBeNull()
  })
})
