import { describe, test, expect } from 'vitest'
import type { Domain } from '../../../src/features/bank/format.js'
import { topicProgress, type ProgressRow } from '../../../src/features/learning/progress.js'
import {
  itemProgress, curriculumProgress, dueState, applicableAssignments, byDueDate, checkCurriculum, checkAssignment,
  type CurriculumItem, type AssignmentRow
} from '../../../src/features/learning/curriculum.js'
import { isLocalDay } from '../../../src/lib/time.js'

const t = (en: string) => ({ en })
const SYLLABUS: Domain[] = [
  { id: 'law', title: t('Law'), weight: 50, topics: [{ id: 'a', title: t('A'), weight: 1 }, { id: 'b', title: t('B'), weight: 1 }] },
  { id: 'skills', title: t('Skills'), weight: 50, topics: [{ id: 'c', title: t('C'), weight: 1 }] }
]
const LESSONS = new Map([['law/a', 1], ['law/b', 2], ['skills/c', 3]])
const CHECKABLE = new Set<string>()
const studied = (...keys: string[]) => topicProgress(SYLLABUS, LESSONS, CHECKABLE,
  new Map(keys.map((k): [string, ProgressRow] => [k, { lessonKey: k, lessonVersionId: LESSONS.get(k)!, studiedAt: new Date(0), checkPassedAt: null }])))

const course = (domain: string): CurriculumItem => ({ kind: 'course', domain, topic: null, blueprintKey: null, requiredPasses: null })
const topic = (domain: string, tp: string): CurriculumItem => ({ kind: 'topic', domain, topic: tp, blueprintKey: null, requiredPasses: null })
const mock = (key: string, n: number): CurriculumItem => ({ kind: 'mock', domain: null, topic: null, blueprintKey: key, requiredPasses: n })

describe('curriculum progress', () => {
  test('a course counts its topics, a topic itself, a mock its passes (capped)', () => {
    const topics = studied('law/a')
    expect(itemProgress(course('law'), topics, new Map())).toMatchObject({ done: 1, total: 2, complete: false })
    expect(itemProgress(topic('law', 'a'), topics, new Map())).toMatchObject({ done: 1, total: 1, complete: true })
    expect(itemProgress(mock('national', 2), topics, new Map([['national', 1]]))).toMatchObject({ done: 1, total: 2, complete: false })
    expect(itemProgress(mock('national', 2), topics, new Map([['national', 5]]))).toMatchObject({ done: 2, total: 2, complete: true })
  })

  test('the whole curriculum: units summed, complete only when every item is', () => {
    const items = [course('law'), topic('skills', 'c'), mock('national', 2)]
    const some = curriculumProgress(items, studied('law/a', 'law/b'), new Map([['national', 1]]))
    expect(some).toMatchObject({ done: 3, total: 5, percent: 60, complete: false })
    const all = curriculumProgress(items, studied('law/a', 'law/b', 'skills/c'), new Map([['national', 2]]))
    expect(all).toMatchObject({ done: 5, total: 5, percent: 100, complete: true })
  })

  test('a topic gone from the syllabus asks nothing; before any release nothing is complete', () => {
    expect(itemProgress(topic('law', 'gone'), studied(), new Map())).toMatchObject({ gone: true, complete: true, total: 0 })
    expect(curriculumProgress([topic('law', 'a')], [], new Map(), false)).toMatchObject({ complete: false })
  })
})

describe('practising a topic to 80% mastery', () => {
  const practise = (domain: string, tp: string): CurriculumItem => ({ kind: 'practice', domain, topic: tp, blueprintKey: null, requiredPasses: null })
  test('complete once the topic\'s peak mastery reached 80%, whatever it is now', () => {
    expect(itemProgress(practise('law', 'a'), studied(), new Map(), true, new Map([['law/a', 79]]))).toMatchObject({ done: 0, total: 1, complete: false })
    // The peak is what counts: mastery may have dropped since (readiness does not flicker).
    expect(itemProgress(practise('law', 'a'), studied(), new Map(), true, new Map([['law/a', 80]]))).toMatchObject({ done: 1, total: 1, complete: true, gone: false })
    expect(itemProgress(practise('law', 'gone'), studied(), new Map(), true, new Map())).toMatchObject({ gone: true })
  })

  test('the curriculum form takes topics to practise, in syllabus order, and refuses unknown ones', () => {
    const input = (practice: string[]) => ({ title: 'Basics', courses: [], topics: [], mocks: {}, practice })
    const r = checkCurriculum(input(['skills/c', 'law/a']), SYLLABUS, [])
    expect(r).toEqual({ ok: true, title: 'Basics', items: [practise('law', 'a'), practise('skills', 'c')] })
    expect(checkCurriculum(input(['law/nope']), SYLLABUS, [])).toEqual({ ok: false, errors: { practice: 'curriculum.unknown-topic' } })
  })
})

describe('due dates', () => {
  test.each([
    [null, false, '2026-03-01', 'open'],
    ['2026-03-01', false, '2026-03-01', 'open'], // the due day itself is still in time
    ['2026-03-01', false, '2026-03-02', 'overdue'],
    ['2026-03-01', true, '2026-04-01', 'complete'],
    ['2026-12-31', false, '2026-03-02', 'open']
  ] as const)('due %s, complete %s, today %s: %s', (due, complete, today, expected) => {
    expect(dueState(due, complete, today)).toBe(expected)
  })

  test('earliest due first, no due date last', () => {
    const list = [{ id: 1, dueOn: null }, { id: 2, dueOn: '2026-05-01' }, { id: 3, dueOn: '2026-04-01' }, { id: 4, dueOn: '2026-04-01' }]
    expect([...list].sort(byDueDate).map((a) => a.id)).toEqual([3, 4, 2, 1])
  })
})

describe('which assignments apply to a trainee', () => {
  const a = (id: number, over: Partial<AssignmentRow>): AssignmentRow => ({ id, curriculumId: 1, enterpriseId: 10, traineeId: null, cohortId: null, dueOn: null, mandatory: true, ...over })
  const all = [a(1, { traineeId: 5 }), a(2, { cohortId: 7 }), a(3, { cohortId: 8 }), a(4, { traineeId: 6 }), a(5, { traineeId: 5, enterpriseId: 11 })]

  test('direct ones and those of their cohorts, from the current employer only', () => {
    expect(applicableAssignments(all, { id: 5, enterpriseId: 10, cohortIds: new Set([7]) }).map((x) => x.id)).toEqual([1, 2])
    expect(applicableAssignments(all, { id: 5, enterpriseId: 11, cohortIds: new Set([7]) }).map((x) => x.id)).toEqual([5])
    expect(applicableAssignments(all, { id: 5, enterpriseId: null, cohortIds: new Set([7]) })).toEqual([])
  })

  test('a trainee added to a cohort after the assignment receives it', () => {
    // The cohort 8 assignment was made before trainee 6 joined: membership is read now.
    expect(applicableAssignments(all, { id: 6, enterpriseId: 10, cohortIds: new Set() }).map((x) => x.id)).toEqual([4])
    expect(applicableAssignments(all, { id: 6, enterpriseId: 10, cohortIds: new Set([8]) }).map((x) => x.id)).toEqual([3, 4])
  })
})

describe('checking a curriculum form', () => {
  const keys = ['national', 'practice']
  const input = (over: Partial<Parameters<typeof checkCurriculum>[0]>) => ({ title: 'Induction', courses: [], topics: [], mocks: {}, ...over })

  test('a good one: items in syllabus order, mocks by key', () => {
    const r = checkCurriculum(input({ courses: ['skills'], topics: ['law/b'], mocks: { practice: '1', national: '2' } }), SYLLABUS, keys)
    expect(r).toEqual({
      ok: true,
      title: 'Induction',
      items: [course('skills'), topic('law', 'b'), mock('national', 2), mock('practice', 1)]
    })
  })

  test.each([
    ['no title', input({ title: '  ', courses: ['law'] }), { title: 'form.required' }],
    ['a long title', input({ title: 'x'.repeat(101), courses: ['law'] }), { title: 'form.too-long' }],
    ['nothing chosen', input({ mocks: { national: '0', practice: '' } }), { items: 'curriculum.no-items' }],
    ['an unknown course', input({ courses: ['cooking'] }), { courses: 'curriculum.unknown-course' }],
    ['an unknown topic', input({ topics: ['law/zzz'] }), { topics: 'curriculum.unknown-topic' }],
    ['a topic inside a chosen course', input({ courses: ['law'], topics: ['law/a'] }), { topics: 'curriculum.topic-in-course' }],
    ['an unknown mock', input({ mocks: { secret: '1' } }), { mocks: 'curriculum.unknown-mock' }],
    ['too many passes', input({ mocks: { national: '21' } }), { 'mock-national': 'curriculum.bad-passes' }],
    ['passes not a number', input({ mocks: { national: 'two' } }), { 'mock-national': 'curriculum.bad-passes' }]
  ])('refuses %s', (_name, given, errors) => {
    expect(checkCurriculum(given, SYLLABUS, keys)).toEqual({ ok: false, errors })
  })
})

describe('checking an assignment form', () => {
  const mine = new Set([1, 2])
  const cohorts = new Set([9])
  const form = (over: Partial<Parameters<typeof checkAssignment>[0]>) => ({ trainees: [], cohorts: [], dueOn: '', mandatory: 'yes', ...over })

  test('a good one', () => {
    expect(checkAssignment(form({ trainees: ['1', '2', '2'], cohorts: ['9'], dueOn: '2026-03-01' }), '2026-03-01', mine, cohorts))
      .toEqual({ ok: true, traineeIds: [1, 2], cohortIds: [9], dueOn: '2026-03-01', mandatory: true })
    expect(checkAssignment(form({ cohorts: ['9'], mandatory: 'no' }), '2026-03-01', mine, cohorts)).toMatchObject({ ok: true, dueOn: null, mandatory: false })
  })

  test.each([
    ['nobody', form({}), { targets: 'assignment.no-target' }],
    ['a trainee of another enterprise', form({ trainees: ['3'] }), { trainees: 'assignment.unknown-trainee' }],
    ['a malformed id', form({ trainees: ['1x'] }), { trainees: 'assignment.unknown-trainee' }],
    ['a cohort of another enterprise', form({ cohorts: ['10'] }), { cohorts: 'assignment.unknown-cohort' }],
    ['a date that does not exist', form({ trainees: ['1'], dueOn: '2026-02-30' }), { dueOn: 'assignment.bad-date' }],
    ['a date in the past', form({ trainees: ['1'], dueOn: '2026-02-28' }), { dueOn: 'assignment.past-date' }],
    ['no kind', form({ trainees: ['1'], mandatory: '' }), { mandatory: 'form.required' }]
  ])('refuses %s', (_name, given, errors) => {
    expect(checkAssignment(given, '2026-03-01', mine, cohorts)).toEqual({ ok: false, errors })
  })

  test('local dates', () => {
    expect(['2026-01-31', '2028-02-29'].every(isLocalDay)).toBe(true)
    expect(['2026-1-31', '2026-02-29', '2026-13-01', ''].some(isLocalDay)).toBe(false)
  })
})
