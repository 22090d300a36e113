/**
 * Curricula and assignments, pure: what a curriculum asks, how far a trainee
 * is, which assignments apply to a trainee, and when one is overdue.
 */
import type { Domain } from '../bank/index.js'
import type { CurriculumItemKind } from '../../db/schema.js'
import { lessonKeyOf, percent, type TopicProgress } from './progress.js'
import { isLocalDay } from '../../lib/time.js'
import { MASTERY_GOAL } from '../practice/index.js'

export interface CurriculumItem {
  kind: CurriculumItemKind
  domain: string | null
  topic: string | null
  blueprintKey: string | null
  requiredPasses: number | null
}

export interface ItemProgress {
  item: CurriculumItem
  done: number
  total: number
  complete: boolean
  /** The topic or course is no longer in the current syllabus: it asks nothing. */
  gone: boolean
}

export interface CurriculumProgress { items: ItemProgress[], done: number, total: number, percent: number, complete: boolean }

/**
 * How far a trainee is with each item: a course by its topics, a topic by
 * itself, a mock requirement by the trainee's passed attempts of that blueprint.
 * `topics` is the trainee's topicProgress over the current syllabus.
 */
export function itemProgress (item: CurriculumItem, topics: readonly TopicProgress[], passes: ReadonlyMap<string, number>, bankPublished = true, masteryPeaks: ReadonlyMap<string, number> = new Map()): ItemProgress {
  if (item.kind === 'practice') {
    // Complete once the topic's mastery first reaches the goal; the peak never falls, so neither does this.
    const key = lessonKeyOf(item.domain ?? '', item.topic ?? '')
    const reached = (masteryPeaks.get(key) ?? 0) >= MASTERY_GOAL
    return { item, done: reached ? 1 : 0, total: 1, complete: reached, gone: bankPublished && !topics.some((t) => t.lessonKey === key) }
  }
  if (item.kind === 'mock') {
    const need = Math.max(1, item.requiredPasses ?? 1)
    const have = Math.min(need, passes.get(item.blueprintKey ?? '') ?? 0)
    return { item, done: have, total: need, complete: have >= need, gone: false }
  }
  const own = item.kind === 'course'
    ? topics.filter((t) => t.domain === item.domain && t.hasLesson)
    : topics.filter((t) => t.lessonKey === lessonKeyOf(item.domain ?? '', item.topic ?? '') && t.hasLesson)
  const done = own.filter((t) => t.complete).length
  // Before the first release nothing can be studied, so nothing is complete yet.
  if (!bankPublished) return { item, done: 0, total: 1, complete: false, gone: false }
  return { item, done, total: own.length, complete: done === own.length, gone: own.length === 0 }
}

export function curriculumProgress (items: readonly CurriculumItem[], topics: readonly TopicProgress[], passes: ReadonlyMap<string, number>, bankPublished = true, masteryPeaks: ReadonlyMap<string, number> = new Map()): CurriculumProgress {
  const each = items.map((i) => itemProgress(i, topics, passes, bankPublished, masteryPeaks))
  const done = each.reduce((s, i) => s + i.done, 0)
  const total = each.reduce((s, i) => s + i.total, 0)
  return { items: each, done, total, percent: total === 0 ? 100 : percent(done, total), complete: each.every((i) => i.complete) }
}

export type DueState = 'complete' | 'overdue' | 'open'

/** Overdue: not complete and the local due date has passed (the due day itself is still in time). */
export function dueState (dueOn: string | null, complete: boolean, today: string): DueState {
  if (complete) return 'complete'
  return dueOn !== null && today > dueOn ? 'overdue' : 'open'
}

export interface AssignmentRow {
  id: number
  curriculumId: number
  enterpriseId: number
  traineeId: number | null
  cohortId: number | null
  dueOn: string | null
  mandatory: boolean
}

/**
 * The assignments that apply to a trainee now: those of the enterprise that
 * currently employs them, given to them directly or to a cohort they are a
 * member of now (however late they joined). None without a current employer.
 */
export function applicableAssignments<A extends AssignmentRow> (all: readonly A[], trainee: { id: number, enterpriseId: number | null, cohortIds: ReadonlySet<number> }): A[] {
  if (trainee.enterpriseId === null) return []
  return all.filter((a) => a.enterpriseId === trainee.enterpriseId &&
    (a.traineeId === trainee.id || (a.cohortId !== null && trainee.cohortIds.has(a.cohortId))))
}

/** Earliest due first (no due date last), then by id. */
export function byDueDate<A extends { dueOn: string | null, id: number }> (a: A, b: A): number {
  if (a.dueOn !== b.dueOn) {
    if (a.dueOn === null) return 1
    if (b.dueOn === null) return -1
    return a.dueOn < b.dueOn ? -1 : 1
  }
  return a.id - b.id
}

export const MAX_PASSES = 20
export const TITLE_MAX = 100

export interface CurriculumInput { title: string, courses: string[], topics: string[], mocks: Record<string, string>, /** Topics to practise to 80% mastery (`domain/topic`). */ practice?: string[] }

export type CurriculumCheck =
  | { ok: true, title: string, items: CurriculumItem[] }
  | { ok: false, errors: Record<string, string> }

/**
 * Checks a curriculum form against the current syllabus and blueprints.
 * Courses are domain ids, topics `domain/topic` keys, mocks a number of passes
 * per blueprint key ('' or '0' for none). Errors are message keys per field.
 */
export function checkCurriculum (input: CurriculumInput, syllabus: readonly Domain[], blueprintKeys: readonly string[]): CurriculumCheck {
  const errors: Record<string, string> = {}
  const title = input.title.trim()
  if (title === '') errors.title = 'form.required'
  else if ([...title].length > TITLE_MAX) errors.title = 'form.too-long'

  const domains = new Set(syllabus.map((d) => d.id))
  const topicKeys = new Set(syllabus.flatMap((d) => d.topics.map((t) => lessonKeyOf(d.id, t.id))))
  const courses = [...new Set(input.courses)]
  const topics = [...new Set(input.topics)]
  if (courses.some((c) => !domains.has(c))) errors.courses = 'curriculum.unknown-course'
  if (topics.some((t) => !topicKeys.has(t))) errors.topics = 'curriculum.unknown-topic'
  else if (topics.some((t) => courses.includes(t.split('/')[0]!))) errors.topics = 'curriculum.topic-in-course'
  const practice = [...new Set(input.practice ?? [])]
  if (practice.some((t) => !topicKeys.has(t))) errors.practice = 'curriculum.unknown-topic'

  const mocks: CurriculumItem[] = []
  for (const [key, raw] of Object.entries(input.mocks)) {
    const text = raw.trim()
    if (text === '' || text === '0') continue
    if (!blueprintKeys.includes(key)) { errors.mocks = 'curriculum.unknown-mock'; continue }
    if (!/^\d{1,3}$/.test(text) || Number(text) > MAX_PASSES) { errors[`mock-${key}`] = 'curriculum.bad-passes'; continue }
    mocks.push({ kind: 'mock', domain: null, topic: null, blueprintKey: key, requiredPasses: Number(text) })
  }

  const items: CurriculumItem[] = [
    // In syllabus order, whatever order the form sent them in.
    ...syllabus.filter((d) => courses.includes(d.id)).map((d): CurriculumItem => ({ kind: 'course', domain: d.id, topic: null, blueprintKey: null, requiredPasses: null })),
    ...syllabus.flatMap((d) => d.topics.filter((t) => topics.includes(lessonKeyOf(d.id, t.id)))
      .map((t): CurriculumItem => ({ kind: 'topic', domain: d.id, topic: t.id, blueprintKey: null, requiredPasses: null }))),
    ...mocks.sort((a, b) => (a.blueprintKey! < b.blueprintKey! ? -1 : 1)),
    ...syllabus.flatMap((d) => d.topics.filter((t) => practice.includes(lessonKeyOf(d.id, t.id)))
      .map((t): CurriculumItem => ({ kind: 'practice', domain: d.id, topic: t.id, blueprintKey: null, requiredPasses: null })))
  ]
  if (Object.keys(errors).length === 0 && items.length === 0) errors.items = 'curriculum.no-items'
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, title, items }
}

export interface AssignmentInput { trainees: string[], cohorts: string[], dueOn: string, mandatory: string }

export type AssignmentCheck =
  | { ok: true, traineeIds: number[], cohortIds: number[], dueOn: string | null, mandatory: boolean }
  | { ok: false, errors: Record<string, string> }

/**
 * Checks an assignment form: at least one trainee or cohort, all of them the
 * trainer's own (`allowed*`), a real local date not before today (or none).
 */
export function checkAssignment (input: AssignmentInput, today: string, allowedTrainees: ReadonlySet<number>, allowedCohorts: ReadonlySet<number>): AssignmentCheck {
  const errors: Record<string, string> = {}
  const ids = (list: string[]) => [...new Set(list)].map((s) => (/^[1-9]\d{0,15}$/.test(s) ? Number(s) : NaN))
  const traineeIds = ids(input.trainees)
  const cohortIds = ids(input.cohorts)
  if (traineeIds.some((id) => !allowedTrainees.has(id))) errors.trainees = 'assignment.unknown-trainee'
  if (cohortIds.some((id) => !allowedCohorts.has(id))) errors.cohorts = 'assignment.unknown-cohort'
  if (traineeIds.length === 0 && cohortIds.length === 0) errors.targets = 'assignment.no-target'
  const due = input.dueOn.trim()
  if (due !== '') {
    if (!isLocalDay(due)) errors.dueOn = 'assignment.bad-date'
    else if (due < today) errors.dueOn = 'assignment.past-date'
  }
  if (input.mandatory !== 'yes' && input.mandatory !== 'no') errors.mandatory = 'form.required'
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return { ok: true, traineeIds, cohortIds, dueOn: due === '' ? null : due, mandatory: input.mandatory === 'yes' }
}
