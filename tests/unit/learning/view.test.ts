import { describe, test, expect } from 'vitest'
import { nextStep, checkQuestionView, withoutTitle } from '../../../src/features/learning/view.js'
import { mandatoryFrom, type AssignmentStatus, type TraineeLearning } from '../../../src/features/learning/summary.js'
import type { TopicProgress } from '../../../src/features/learning/progress.js'

const topic = (key: string, complete: boolean): TopicProgress => {
  const [domain = '', tp = ''] = key.split('/')
  return { domain, topic: tp, lessonKey: key, title: { en: key }, hasLesson: true, hasCheck: true, studied: complete, updated: false, checkPassed: complete, complete }
}
const status = (id: number, title: string, items: AssignmentStatus['progress']['items'], over: Partial<AssignmentStatus['assignment']> = {}, state: AssignmentStatus['state'] = 'open'): AssignmentStatus => ({
  assignment: { id, curriculumId: id * 10, enterpriseId: 1, traineeId: 1, cohortId: null, dueOn: '2026-04-01', mandatory: true, assignedAt: new Date(0), curriculumTitle: title, traineeName: null, cohortName: null, ...over },
  items: items.map((i) => i.item),
  progress: { items, done: 0, total: 1, percent: 0, complete: items.every((i) => i.complete) },
  state
})

describe('the next step', () => {
  const learning = (assignments: AssignmentStatus[], topics: TopicProgress[]) => ({ topics, assignments } as unknown as TraineeLearning)
  const topics = [topic('law/a', true), topic('law/b', false), topic('skills/c', false)]

  test('the first unfinished item of the assignment due first', () => {
    const mockItem = { item: { kind: 'mock' as const, domain: null, topic: null, blueprintKey: 'national', requiredPasses: 1 }, done: 0, total: 1, complete: false, gone: false }
    const topicItem = { item: { kind: 'topic' as const, domain: 'skills', topic: 'c', blueprintKey: null, requiredPasses: null }, done: 0, total: 1, complete: false, gone: false }
    expect(nextStep(learning([status(1, 'Skills', [topicItem]), status(2, 'Mock', [mockItem])], topics))).toMatchObject({ kind: 'topic', topic: 'c', curriculum: 'Skills' })
    expect(nextStep(learning([status(2, 'Mock', [mockItem])], topics))).toMatchObject({ kind: 'mock', blueprintKey: 'national' })
  })

  test('without assignments, the first unfinished topic; null when all is done', () => {
    expect(nextStep(learning([], topics))).toMatchObject({ kind: 'topic', topic: 'b', curriculum: null })
    expect(nextStep(learning([], [topic('law/a', true)]))).toBeNull()
  })
})

describe('mandatory assignments for readiness', () => {
  test('only mandatory ones, with completion and overdue', () => {
    const done = { item: { kind: 'topic' as const, domain: 'law', topic: 'a', blueprintKey: null, requiredPasses: null }, done: 1, total: 1, complete: true, gone: false }
    const open = { ...done, done: 0, complete: false }
    expect(mandatoryFrom([
      status(1, 'Done', [done], {}, 'complete'),
      status(2, 'Late', [open], { dueOn: '2026-01-01' }, 'overdue'),
      status(3, 'Optional', [open], { mandatory: false })
    ])).toEqual([
      { assignmentId: 1, curriculumId: 10, title: 'Done', dueOn: '2026-04-01', complete: true, overdue: false },
      { assignmentId: 2, curriculumId: 20, title: 'Late', dueOn: '2026-01-01', complete: false, overdue: true }
    ])
  })
})

describe('a check question', () => {
  const q = { id: 4, type: 'single' as const, body: { stem: { en: 'Stem', zh: '题干' }, options: [{ key: 'A', text: { en: 'Yes' } }, { key: 'B', text: { en: 'No' } }], answer: ['B'], explanation: { en: 'Because.' }, source: 'Reg. art. 16', tags: [] } }
  test('no key or explanation before it is answered', () => {
    const v = checkQuestionView(q, undefined, 'zh')
    expect(v).toMatchObject({ stem: '题干', answered: null })
    expect(JSON.stringify(v)).not.toContain('Because')
  })
  test('feedback with the answer letter, explanation and source once answered', () => {
    expect(checkQuestionView(q, { response: ['A'], right: false }, 'en').answered).toEqual({ response: ['A'], right: false, answer: ['B'], explanation: 'Because.', source: 'Reg. art. 16' })
  })
})

describe('a lesson body', () => {
  test('loses its leading title only', () => {
    expect(withoutTitle('# Title\n\n## What it is\n\nText.')).toBe('## What it is\n\nText.')
    expect(withoutTitle('## Not a title\n\n# Later')).toBe('## Not a title\n\n# Later')
  })
})
