/**
 * Where trainees stand: reads what the pure modules need in a few batched
 * queries and puts it together. Used by the trainee's pages, the trainer's
 * dashboard and export, and the readiness area (mandatoryAssignmentsOf).
 */
import type { Db } from '../../db/connection.js'
import type { Q } from '../../db/engine.js'
import { localDate } from '../../lib/time.js'
import { practiceSummaries, type PracticeSummary } from '../practice/index.js'
import { topicProgress, courseProgress, tally, type TopicProgress, type CourseProgress, type Tally } from './progress.js'
import { applicableAssignments, curriculumProgress, dueState, byDueDate, type CurriculumProgress, type DueState, type CurriculumItem } from './curriculum.js'
import {
  currentCatalogue, progressOf, passCounts, cohortsOf, enterpriseAssignments, curriculumItemsOf, currentEmployer, currentEmployers, latestScores, type Catalogue, type AssignmentListRow
} from './queries.js'
import { learningSummary, type LearningSummary } from './kept.js'

export interface AssignmentStatus {
  assignment: AssignmentListRow
  items: CurriculumItem[]
  progress: CurriculumProgress
  state: DueState
}

export interface TraineeLearning {
  traineeId: number
  topics: TopicProgress[]
  courses: CourseProgress[]
  overall: Tally
  passes: Map<string, number>
  assignments: AssignmentStatus[]
  /** The assignments' progress together: done and total units over all of them. */
  assigned: Tally
  overdue: number
  /** Practice: mastery per topic, due reviews, this week's answers. */
  practice: PracticeSummary
}

/**
 * The learning record of several trainees, each with the enterprise that
 * employs them now (null: none, so no assignments apply). `today` is the local
 * date in the display zone.
 */
export function * learningFor (db: Db, people: ReadonlyArray<{ id: number, enterpriseId: number | null }>, today: string, given?: Catalogue): Q<Map<number, TraineeLearning>> {
  const catalogue = given ?? (yield * currentCatalogue(db))
  const ids = people.map((p) => p.id)
  const progress = yield * progressOf(db, ids)
  const passes = yield * passCounts(db, ids)
  const cohortIds = yield * cohortsOf(db, ids)
  const byEnterprise = new Map<number, AssignmentListRow[]>()
  for (const e of new Set(people.map((p) => p.enterpriseId).filter((e): e is number => e !== null))) byEnterprise.set(e, yield * enterpriseAssignments(db, e))
  const items = yield * curriculumItemsOf(db, [...new Set([...byEnterprise.values()].flat().map((a) => a.curriculumId))])
  const syllabus = catalogue?.syllabus ?? []
  const lessons = catalogue?.lessons ?? new Map<string, number>()
  const checkable = catalogue?.checkable ?? new Set<string>()
  const practice = yield * practiceSummaries(db, ids, Math.round(Date.parse(`${today}T00:00:00Z`) / 86_400_000))

  const out = new Map<number, TraineeLearning>()
  for (const p of people) {
    const topics = topicProgress(syllabus, lessons, checkable, progress.get(p.id) ?? new Map())
    const myPasses = passes.get(p.id) ?? new Map<string, number>()
    const mine = applicableAssignments(p.enterpriseId === null ? [] : byEnterprise.get(p.enterpriseId) ?? [], { id: p.id, enterpriseId: p.enterpriseId, cohortIds: cohortIds.get(p.id) ?? new Set() })
    const myPractice = practice.get(p.id)!
    const peaks = new Map([...myPractice.topics].map(([k, m]) => [k, m.peakPct]))
    const statuses = mine.sort(byDueDate).map((a): AssignmentStatus => {
      const list = items.get(a.curriculumId) ?? []
      const pr = curriculumProgress(list, topics, myPasses, catalogue !== undefined, peaks)
      return { assignment: a, items: list, progress: pr, state: dueState(a.dueOn, pr.complete, today) }
    })
    const done = statuses.reduce((s, a) => s + a.progress.done, 0)
    const total = statuses.reduce((s, a) => s + a.progress.total, 0)
    out.set(p.id, {
      traineeId: p.id,
      topics,
      courses: courseProgress(syllabus, topics),
      overall: tally(topics),
      passes: myPasses,
      assignments: statuses,
      assigned: { done, total, percent: total === 0 ? 0 : Math.floor((done / total) * 100) },
      overdue: statuses.filter((s) => s.state === 'overdue').length,
      practice: myPractice
    })
  }
  return out
}

/** One trainee's record, assignments from their current employer. */
export function * learningOf (db: Db, traineeId: number, today: string): Q<TraineeLearning> {
  const enterpriseId = yield * currentEmployer(db, traineeId)
  return (yield * learningFor(db, [{ id: traineeId, enterpriseId }], today)).get(traineeId)!
}

export interface MandatoryAssignment { assignmentId: number, curriculumId: number, title: string, dueOn: string | null, complete: boolean, overdue: boolean }

/**
 * Per trainee (read in one batch), every mandatory assignment that applies now (directly or
 * through a cohort, from the enterprise that employs them now), whether its
 * curriculum is complete for them and whether it is overdue. Due dates are
 * local dates: pass the configured display zone (Asia/Shanghai by default).
 */
export function * mandatoryAssignmentsOf (db: Db, traineeIds: readonly number[], now: Date, timeZone: string): Q<Map<number, MandatoryAssignment[]>> {
  const employers = yield * currentEmployers(db, traineeIds)
  const learning = yield * learningFor(db, traineeIds.map((id) => ({ id, enterpriseId: employers.get(id) ?? null })), localDate(now, timeZone))
  return new Map(traineeIds.map((id) => [id, mandatoryFrom(learning.get(id)!.assignments)]))
}

/** Pure: the mandatory ones of a trainee's assignment statuses, as readiness reads them. */
export function mandatoryFrom (statuses: readonly AssignmentStatus[]): MandatoryAssignment[] {
  return statuses
    .filter((s) => s.assignment.mandatory)
    .map((s) => ({
      assignmentId: s.assignment.id,
      curriculumId: s.assignment.curriculumId,
      title: s.assignment.curriculumTitle,
      dueOn: s.assignment.dueOn,
      complete: s.progress.complete,
      overdue: s.state === 'overdue'
    }))
}

/**
 * The stored summaries (trainee_learning rows) of these people from their learning records
 * (worked out by the caller with `learningFor`, for the enterprise employing each now) and their
 * latest finished mocks: what the readiness keeper's pass stores beside their readiness.
 */
export function * learningSummariesOf (db: Db, people: ReadonlyArray<{ id: number, enterpriseId: number | null, fullName: string }>, learning: ReadonlyMap<number, TraineeLearning>, today: string): Q<LearningSummary[]> {
  const latest = yield * latestScores(db, people.map((p) => p.id))
  return people.map((p) => learningSummary(p, learning.get(p.id)!, latest.get(p.id), today))
}
