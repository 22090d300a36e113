import { describe, test, expect } from 'vitest'
import type { Domain } from '../../../src/features/bank/format.js'
import { topicProgress, courseProgress, tally, nextTopic, changedBlocks, type ProgressRow } from '../../../src/features/learning/progress.js'

const t = (en: string) => ({ en })
const SYLLABUS: Domain[] = [
  { id: 'law', title: t('Law'), weight: 50, topics: [{ id: 'a', title: t('A'), weight: 1 }, { id: 'b', title: t('B'), weight: 1 }] },
  { id: 'skills', title: t('Skills'), weight: 50, topics: [{ id: 'c', title: t('C'), weight: 1 }, { id: 'd', title: t('D'), weight: 1 }] }
]
// Current release: lesson versions by key; skills/d has no lesson; law/b has no check questions.
const LESSONS = new Map([['law/a', 11], ['law/b', 12], ['skills/c', 13]])
const CHECKABLE = new Set(['law/a', 'skills/c', 'skills/d'])
const at = new Date(Date.UTC(2026, 0, 5))
const row = (lessonKey: string, lessonVersionId: number | null, studied: boolean, checkPassed: boolean): ProgressRow =>
  ({ lessonKey, lessonVersionId, studiedAt: studied ? at : null, checkPassedAt: checkPassed ? at : null })
const rows = (...r: ProgressRow[]) => new Map(r.map((x) => [x.lessonKey, x]))

describe('topic progress', () => {
  test('nothing done: every topic open, in syllabus order', () => {
    const topics = topicProgress(SYLLABUS, LESSONS, CHECKABLE, new Map())
    expect(topics.map((x) => x.lessonKey)).toEqual(['law/a', 'law/b', 'skills/c', 'skills/d'])
    expect(topics.every((x) => !x.complete && !x.studied && !x.updated)).toBe(true)
    expect(tally(topics)).toEqual({ done: 0, total: 3, percent: 0 })
  })

  test.each([
    ['studied, check not passed', row('law/a', 11, true, false), { studied: true, checkPassed: false, complete: false }],
    ['check passed, not marked studied', row('law/a', null, false, true), { studied: false, checkPassed: true, complete: false }],
    ['studied and check passed', row('law/a', 11, true, true), { studied: true, checkPassed: true, complete: true }]
  ])('%s', (_name, r, expected) => {
    const a = topicProgress(SYLLABUS, LESSONS, CHECKABLE, rows(r))[0]!
    expect({ studied: a.studied, checkPassed: a.checkPassed, complete: a.complete }).toEqual(expected)
  })

  test('a topic without check questions is complete once studied', () => {
    const b = topicProgress(SYLLABUS, LESSONS, CHECKABLE, rows(row('law/b', 12, true, false)))[1]!
    expect(b).toMatchObject({ hasCheck: false, complete: true })
  })

  test('a topic without a lesson in the release is left out of the counts and never complete', () => {
    const topics = topicProgress(SYLLABUS, LESSONS, CHECKABLE, rows(row('skills/d', 99, true, true)))
    expect(topics[3]).toMatchObject({ hasLesson: false, complete: false })
    expect(tally(topics).total).toBe(3)
  })

  test('a lesson updated by a new release still counts as studied, and shows as updated', () => {
    const before = topicProgress(SYLLABUS, LESSONS, CHECKABLE, rows(row('law/a', 11, true, true)))[0]!
    expect(before).toMatchObject({ studied: true, updated: false, complete: true })
    // Release 2 carries version 21 of law/a.
    const after = topicProgress(SYLLABUS, new Map([...LESSONS, ['law/a', 21]]), CHECKABLE, rows(row('law/a', 11, true, true)))[0]!
    expect(after).toMatchObject({ studied: true, updated: true, complete: true })
    // Marked studied again in the new version: no longer flagged.
    const again = topicProgress(SYLLABUS, new Map([...LESSONS, ['law/a', 21]]), CHECKABLE, rows(row('law/a', 21, true, true)))[0]!
    expect(again.updated).toBe(false)
  })

  test('courses and the overall tally', () => {
    const topics = topicProgress(SYLLABUS, LESSONS, CHECKABLE, rows(row('law/a', 11, true, true), row('law/b', 12, true, false)))
    const courses = courseProgress(SYLLABUS, topics)
    expect(courses.map((c) => [c.domain, c.done, c.total, c.percent])).toEqual([['law', 2, 2, 100], ['skills', 0, 1, 0]])
    expect(tally(topics)).toEqual({ done: 2, total: 3, percent: 66 })
    expect(nextTopic(topics)?.lessonKey).toBe('skills/c')
  })
})

describe('what changed in a lesson', () => {
  test('blocks that are new or changed, ignoring whitespace', () => {
    const before = '# Title\n\nFirst  paragraph.\n\nSecond paragraph.\n'
    const after = '# Title\n\nFirst paragraph.\n\nSecond paragraph, now longer.\n\n- a new list\n- of things\n'
    expect(changedBlocks(before, after)).toEqual(['Second paragraph, now longer.', '- a new list\n- of things'])
  })

  test('a removal alone changes nothing that is shown', () => {
    expect(changedBlocks('A.\n\nB.', 'A.')).toEqual([])
  })
})
