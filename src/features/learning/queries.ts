import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { readinessChanged } from '../../db/readiness-hook.js'
import { titleKey } from '../../lib/form.js'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { immutableCache } from '../../db/immutable-cache.js'
import { chunks } from '../../lib/chunks.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { latestReleaseId, findRelease } from '../bank/index.js'
import { recordOutcomes } from '../practice/index.js'
import { lessonVersions, releaseLessons, questionVersions, releaseQuestions, releaseBlueprints, blueprintVersions, attempts, employments, trainees, lessonProgress, lessonChecks, cohorts, cohortMembers, curricula, curriculumItems, assignments, type QuestionBody, type BlueprintBody } from '../../db/schema.js'
import type { Domain } from '../bank/index.js'
import { answerCheck, type CheckQuestion } from './check.js'
import type { ProgressRow } from './progress.js'
import type { CurriculumItem, AssignmentRow } from './curriculum.js'

// Query functions for both engines (ARCHITECTURE, "The data layer on two engines"): each yields
// its statements; routes run them with app.exec or app.transaction, other query functions yield*
// them. Calls into areas that have not moved yet (audit, bank, practice) stay
// plain synchronous calls on the same handle: the SQLite bridge, inside the caller's transaction.

type Audit = Omit<AuditEntry, 'subjectId' | 'subjectType'>

// ---------------------------------------------------------------- the bank's current release

export interface Catalogue {
  releaseId: number
  syllabus: Domain[]
  /** Lesson key -> the lesson version id in this release. */
  lessons: Map<string, number>
  /** Lesson keys of topics with questions in this release. */
  checkable: Set<string>
  blueprints: Array<{ key: string, body: BlueprintBody }>
}

// A release never changes once published: its catalogue is read once per connection.
const catalogues = immutableCache<number, Catalogue>()

/** The syllabus, lessons, checkable topics and blueprints of the latest release, or undefined before the first publish. */
export function * currentCatalogue (db: Db): Q<Catalogue | undefined> {
  const releaseId = yield * latestReleaseId(db)
  if (releaseId === undefined) return undefined
  return yield * catalogues.load(db, releaseId, () => readCatalogue(db, releaseId))
}

function * readCatalogue (db: Db, releaseId: number): Q<Catalogue> {
  // The release row carries the whole syllabus: read only when the catalogue is built.
  const release = (yield * findRelease(db, releaseId))!
  const lessons = yield * all(db.select({ id: lessonVersions.id, key: lessonVersions.lessonKey }).from(releaseLessons)
    .innerJoin(lessonVersions, eq(lessonVersions.id, releaseLessons.lessonVersionId)).where(eq(releaseLessons.releaseId, release.id)))
  const topics = yield * all(db.selectDistinct({ domain: questionVersions.domain, topic: questionVersions.topic }).from(releaseQuestions)
    .innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId)).where(eq(releaseQuestions.releaseId, release.id)))
  const blueprints = yield * all(db.select({ key: blueprintVersions.blueprintKey, body: blueprintVersions.body }).from(releaseBlueprints)
    .innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, release.id)).orderBy(asc(blueprintVersions.blueprintKey)))
  return {
    releaseId: release.id,
    syllabus: release.syllabus ?? [],
    lessons: new Map(lessons.map((l) => [l.key, l.id])),
    checkable: new Set(topics.map((t) => `${t.domain}/${t.topic}`)),
    blueprints
  }
}

/** The question version ids of a topic in a release. */
export function * topicQuestionIds (db: Db, releaseId: number, domain: string, topic: string): Q<number[]> {
  const rows = yield * all(db.select({ id: questionVersions.id }).from(releaseQuestions)
    .innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(and(eq(releaseQuestions.releaseId, releaseId), eq(questionVersions.domain, domain), eq(questionVersions.topic, topic))))
  return rows.map((r) => r.id)
}

export interface CheckQuestionRow { id: number, type: 'single' | 'multi' | 'judge', body: QuestionBody }

export function * questionsByIds (db: Db, ids: readonly number[]): Q<CheckQuestionRow[]> {
  if (ids.length === 0) return []
  const rows = yield * all(db.select({ id: questionVersions.id, type: questionVersions.type, body: questionVersions.body }).from(questionVersions).where(inArray(questionVersions.id, [...ids])))
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.map((id) => byId.get(id)).filter((r): r is CheckQuestionRow => r !== undefined)
}

// ---------------------------------------------------------------- progress

/** Lesson progress of several trainees: trainee id -> lesson key -> row. */
export function * progressOf (db: Db, traineeIds: readonly number[]): Q<Map<number, Map<string, ProgressRow>>> {
  const out = new Map<number, Map<string, ProgressRow>>(traineeIds.map((id) => [id, new Map()]))
  if (traineeIds.length === 0) return out
  for (const chunk of chunks(traineeIds)) {
    for (const r of yield * all(db.select().from(lessonProgress).where(inArray(lessonProgress.traineeId, chunk)))) {
      out.get(r.traineeId)?.set(r.lessonKey, { lessonKey: r.lessonKey, lessonVersionId: r.lessonVersionId, studiedAt: r.studiedAt, checkPassedAt: r.checkPassedAt })
    }
  }
  return out
}

/** Marks a lesson studied in the given version (again, after an update). Run it as a transaction. */
export function * markStudied (db: Db, traineeId: number, lessonKey: string, lessonVersionId: number, now: Date): Q<void> {
  yield * run(db.insert(lessonProgress).values({ traineeId, lessonKey, lessonVersionId, studiedAt: now })
    .onConflictDoUpdate({ target: [lessonProgress.traineeId, lessonProgress.lessonKey], set: { lessonVersionId, studiedAt: now } }))
  yield * readinessChanged(db, [traineeId], now)
}

/** Passed mock attempts per trainee and blueprint key. */
export function * passCounts (db: Db, traineeIds: readonly number[]): Q<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>(traineeIds.map((id) => [id, new Map()]))
  for (const chunk of chunks(traineeIds)) {
    const rows = yield * all(db.select({ traineeId: attempts.traineeId, key: attempts.blueprintKey, n: count() }).from(attempts)
      .where(and(inArray(attempts.traineeId, chunk), isNotNull(attempts.finishedAt), eq(attempts.passed, true)))
      .groupBy(attempts.traineeId, attempts.blueprintKey))
    for (const r of rows) out.get(r.traineeId)?.set(r.key, r.n)
  }
  return out
}

export interface LatestScore { score: number, maxScore: number, passed: boolean, finishedAt: Date, blueprintKey: string }

/** Each trainee's most recent finished mock attempt. */
export function * latestScores (db: Db, traineeIds: readonly number[]): Q<Map<number, LatestScore>> {
  const out = new Map<number, LatestScore>()
  for (const chunk of chunks(traineeIds)) {
    const rows = yield * all(db.select({ traineeId: attempts.traineeId, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, finishedAt: attempts.finishedAt, key: attempts.blueprintKey })
      .from(attempts).where(and(inArray(attempts.traineeId, chunk), isNotNull(attempts.finishedAt)))
      .orderBy(desc(attempts.finishedAt), desc(attempts.id)))
    for (const r of rows) {
      if (!out.has(r.traineeId)) out.set(r.traineeId, { score: r.score ?? 0, maxScore: r.maxScore, passed: Boolean(r.passed), finishedAt: r.finishedAt!, blueprintKey: r.key })
    }
  }
  return out
}

// ---------------------------------------------------------------- end-of-lesson checks

export type LessonCheck = typeof lessonChecks.$inferSelect

export function * insertCheck (db: Db, c: { traineeId: number, lessonKey: string, releaseId: number, questionVersionIds: number[] }, now: Date): Q<LessonCheck> {
  return (yield * one(db.insert(lessonChecks).values({ ...c, answers: {}, startedAt: now }).returning()))!
}

export function * findCheck (db: Db, id: number): Q<LessonCheck | undefined> {
  return yield * one(db.select().from(lessonChecks).where(eq(lessonChecks.id, id)))
}

/** The trainee's latest check of a lesson, drawn from the given release. */
export function * latestCheck (db: Db, traineeId: number, lessonKey: string, releaseId: number): Q<LessonCheck | undefined> {
  return yield * one(db.select().from(lessonChecks)
    .where(and(eq(lessonChecks.traineeId, traineeId), eq(lessonChecks.lessonKey, lessonKey), eq(lessonChecks.releaseId, releaseId)))
    .orderBy(desc(lessonChecks.startedAt), desc(lessonChecks.id)).limit(1))
}

/**
 * Records one answer of a check; run it as one transaction: the check is read again
 * inside it, so two answers arriving together both count. The first time the
 * check is passed, the lesson's check counts as passed (for good).
 */
export function * recordCheckAnswer (db: Db, checkId: number, questionVersionId: number, q: CheckQuestion, response: readonly string[], now: Date) {
  const check = (yield * one(db.select().from(lessonChecks).where(eq(lessonChecks.id, checkId))))!
  const result = answerCheck(check, questionVersionId, q, response)
  const firstPass = result.passed && !check.passedAt
  yield * run(db.update(lessonChecks).set({ answers: result.answers, passedAt: check.passedAt ?? (result.passed ? now : null) }).where(eq(lessonChecks.id, check.id)))
  yield * recordOutcomes(db, check.traineeId, [{ questionVersionId, right: result.right }], now)
  if (firstPass) {
    // A pass already recorded stays (the insert's own value, converted by Drizzle, only fills a gap).
    yield * run(db.insert(lessonProgress).values({ traineeId: check.traineeId, lessonKey: check.lessonKey, checkPassedAt: now })
      .onConflictDoUpdate({ target: [lessonProgress.traineeId, lessonProgress.lessonKey], set: { checkPassedAt: sql`coalesce(${lessonProgress.checkPassedAt}, excluded.${sql.identifier(lessonProgress.checkPassedAt.name)})` } }))
    yield * readinessChanged(db, [check.traineeId], now)
  }
  return { ...result, firstPass }
}

// ---------------------------------------------------------------- people

/** The enterprise that employs a trainee now, if any: it decides whose assignments apply. */
export function * currentEmployer (db: Db, traineeId: number): Q<number | null> {
  const row = yield * one(db.select({ e: employments.enterpriseId }).from(employments)
    .where(and(eq(employments.traineeId, traineeId), isNull(employments.endedOn))).limit(1))
  return row?.e ?? null
}

/** The enterprise employing each of these trainees now (absent: none). */
export function * currentEmployers (db: Db, traineeIds: readonly number[]): Q<Map<number, number>> {
  const out = new Map<number, number>()
  for (const chunk of chunks(traineeIds)) {
    const rows = yield * all(db.select({ t: employments.traineeId, e: employments.enterpriseId }).from(employments)
      .where(and(inArray(employments.traineeId, chunk), isNull(employments.endedOn))))
    for (const r of rows) out.set(r.t, r.e)
  }
  return out
}

/** The trainees an enterprise employs now, by name. */
export function * employedTrainees (db: Db, enterpriseId: number): Q<Array<{ id: number, fullName: string }>> {
  return yield * all(db.select({ id: trainees.id, fullName: trainees.fullName }).from(trainees)
    .innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .where(eq(employments.enterpriseId, enterpriseId)).orderBy(asc(trainees.fullName), asc(trainees.id)))
}

// ---------------------------------------------------------------- cohorts

export type Cohort = typeof cohorts.$inferSelect

/** An enterprise's cohorts with how many of their members it employs now. */
export function * listCohorts (db: Db, enterpriseId: number): Q<Array<Cohort & { members: number }>> {
  const members = yield * all(db.select({ cohortId: cohortMembers.cohortId, n: count() }).from(cohortMembers)
    .innerJoin(employments, and(eq(employments.traineeId, cohortMembers.traineeId), isNull(employments.endedOn), eq(employments.enterpriseId, enterpriseId)))
    .groupBy(cohortMembers.cohortId))
  const byId = new Map(members.map((m) => [m.cohortId, m.n]))
  const list = yield * all(db.select().from(cohorts).where(eq(cohorts.enterpriseId, enterpriseId)).orderBy(asc(cohorts.name)))
  return list.map((c) => ({ ...c, members: byId.get(c.id) ?? 0 }))
}

/** One cohort of the enterprise; another enterprise's answers undefined (the route says 404). */
export function * findCohort (db: Db, enterpriseId: number, id: number): Q<Cohort | undefined> {
  return yield * one(db.select().from(cohorts).where(and(eq(cohorts.id, id), eq(cohorts.enterpriseId, enterpriseId))))
}

/** Whether the enterprise has a cohort of this name, compared as titleKey does (normalised, invisible characters ignored, any case). */
export function * cohortNameTaken (db: Db, enterpriseId: number, name: string): Q<boolean> {
  const key = titleKey(name)
  const rows = yield * all(db.select({ name: cohorts.name }).from(cohorts).where(eq(cohorts.enterpriseId, enterpriseId)))
  return rows.some((c) => titleKey(c.name) === key)
}

/** Creates a cohort, audited: run it as a transaction. */
export function * insertCohort (db: Db, enterpriseId: number, name: string, audit: Audit, now: Date): Q<Cohort> {
  const c = (yield * one(db.insert(cohorts).values({ enterpriseId, name, createdBy: audit.actorId, createdAt: now }).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'cohort', subjectId: c.id, details: { name } }, now)
  return c
}

/** The cohort's members that the enterprise employs now. */
export function * cohortMemberList (db: Db, cohort: Cohort): Q<Array<{ id: number, fullName: string, addedAt: Date }>> {
  return yield * all(db.select({ id: trainees.id, fullName: trainees.fullName, addedAt: cohortMembers.addedAt }).from(cohortMembers)
    .innerJoin(trainees, eq(trainees.id, cohortMembers.traineeId))
    .innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn), eq(employments.enterpriseId, cohort.enterpriseId)))
    .where(eq(cohortMembers.cohortId, cohort.id)).orderBy(asc(trainees.fullName), asc(trainees.id)))
}

/** Adds members (already checked to be the enterprise's own); ones already in stay as they are. Run it as a transaction. */
export function * addCohortMembers (db: Db, cohort: Cohort, traineeIds: readonly number[], audit: Audit, now: Date): Q<number> {
  let added = 0
  for (const traineeId of traineeIds) {
    added += (yield * run(db.insert(cohortMembers).values({ cohortId: cohort.id, traineeId, addedAt: now }).onConflictDoNothing())).changes
  }
  if (added > 0) yield * writeAudit(db, { ...audit, subjectType: 'cohort', subjectId: cohort.id, details: { added } }, now)
  yield * readinessChanged(db, traineeIds, now)
  return added
}

/** Removes a member: false when they were not in it. Run it as a transaction. */
export function * removeCohortMember (db: Db, cohort: Cohort, traineeId: number, audit: Audit, now: Date): Q<boolean> {
  const gone = (yield * run(db.delete(cohortMembers).where(and(eq(cohortMembers.cohortId, cohort.id), eq(cohortMembers.traineeId, traineeId))))).changes > 0
  if (gone) yield * writeAudit(db, { ...audit, subjectType: 'cohort', subjectId: cohort.id, details: { removedTrainee: traineeId } }, now)
  if (gone) yield * readinessChanged(db, [traineeId], now)
  return gone
}

/** The people in any of these cohorts (whose assignments change with the cohorts'). */
export function * cohortMemberIds (db: Db, cohortIds: readonly number[]): Q<number[]> {
  if (cohortIds.length === 0) return []
  const rows = yield * all(db.selectDistinct({ id: cohortMembers.traineeId }).from(cohortMembers).where(inArray(cohortMembers.cohortId, [...cohortIds])))
  return rows.map((r) => r.id)
}

/** Trainee id -> the ids of the cohorts (of any enterprise) they are in. */
export function * cohortsOf (db: Db, traineeIds: readonly number[]): Q<Map<number, Set<number>>> {
  const out = new Map<number, Set<number>>(traineeIds.map((id) => [id, new Set()]))
  for (const chunk of chunks(traineeIds)) {
    for (const r of yield * all(db.select().from(cohortMembers).where(inArray(cohortMembers.traineeId, chunk)))) out.get(r.traineeId)?.add(r.cohortId)
  }
  return out
}

// ---------------------------------------------------------------- curricula

export type Curriculum = typeof curricula.$inferSelect

export function * listCurricula (db: Db, enterpriseId: number): Q<Array<Curriculum & { items: CurriculumItem[], assignments: number }>> {
  const assigned = yield * all(db.select({ curriculumId: assignments.curriculumId, n: count() }).from(assignments)
    .where(eq(assignments.enterpriseId, enterpriseId)).groupBy(assignments.curriculumId))
  const byId = new Map(assigned.map((a) => [a.curriculumId, a.n]))
  const list = yield * all(db.select().from(curricula).where(eq(curricula.enterpriseId, enterpriseId)).orderBy(asc(curricula.title)))
  const items = yield * curriculumItemsOf(db, list.map((c) => c.id))
  return list.map((c) => ({ ...c, items: items.get(c.id) ?? [], assignments: byId.get(c.id) ?? 0 }))
}

export function * findCurriculum (db: Db, enterpriseId: number, id: number): Q<Curriculum | undefined> {
  return yield * one(db.select().from(curricula).where(and(eq(curricula.id, id), eq(curricula.enterpriseId, enterpriseId))))
}

/** Whether the enterprise has a curriculum of this title, compared as titleKey does. */
export function * curriculumTitleTaken (db: Db, enterpriseId: number, title: string): Q<boolean> {
  const key = titleKey(title)
  const rows = yield * all(db.select({ title: curricula.title }).from(curricula).where(eq(curricula.enterpriseId, enterpriseId)))
  return rows.some((c) => titleKey(c.title) === key)
}

/** Curriculum id -> its items in order. */
export function * curriculumItemsOf (db: Db, curriculumIds: readonly number[]): Q<Map<number, CurriculumItem[]>> {
  const out = new Map<number, CurriculumItem[]>()
  for (const chunk of chunks(curriculumIds)) {
    const rows = yield * all(db.select().from(curriculumItems).where(inArray(curriculumItems.curriculumId, chunk)).orderBy(asc(curriculumItems.curriculumId), asc(curriculumItems.position)))
    for (const r of rows) {
      const list = out.get(r.curriculumId) ?? []
      list.push({ kind: r.kind, domain: r.domain, topic: r.topic, blueprintKey: r.blueprintKey, requiredPasses: r.requiredPasses })
      out.set(r.curriculumId, list)
    }
  }
  return out
}

/** Creates a curriculum with its items, audited: run it as a transaction. */
export function * insertCurriculum (db: Db, enterpriseId: number, title: string, items: readonly CurriculumItem[], audit: Audit, now: Date): Q<Curriculum> {
  const c = (yield * one(db.insert(curricula).values({ enterpriseId, title, createdBy: audit.actorId, createdAt: now }).returning()))!
  for (const [i, item] of items.entries()) yield * run(db.insert(curriculumItems).values({ curriculumId: c.id, position: i + 1, ...item }))
  yield * writeAudit(db, { ...audit, subjectType: 'curriculum', subjectId: c.id, details: { title, items: items.length } }, now)
  return c
}

// ---------------------------------------------------------------- assignments

export interface AssignmentListRow extends AssignmentRow {
  curriculumTitle: string
  traineeName: string | null
  cohortName: string | null
  assignedAt: Date
}

const assignmentColumns = {
  id: assignments.id, curriculumId: assignments.curriculumId, enterpriseId: assignments.enterpriseId, traineeId: assignments.traineeId, cohortId: assignments.cohortId,
  dueOn: assignments.dueOn, mandatory: assignments.mandatory, assignedAt: assignments.assignedAt, curriculumTitle: curricula.title, traineeName: trainees.fullName, cohortName: cohorts.name
}

function assignmentQuery (db: Db) {
  return db.select(assignmentColumns).from(assignments)
    .innerJoin(curricula, eq(curricula.id, assignments.curriculumId))
    .leftJoin(trainees, eq(trainees.id, assignments.traineeId))
    .leftJoin(cohorts, eq(cohorts.id, assignments.cohortId))
}

/** Every assignment an enterprise has made. */
export function * enterpriseAssignments (db: Db, enterpriseId: number): Q<AssignmentListRow[]> {
  return yield * all(assignmentQuery(db).where(eq(assignments.enterpriseId, enterpriseId)).orderBy(asc(assignments.dueOn), asc(assignments.id)))
}

export function * findAssignment (db: Db, enterpriseId: number, id: number): Q<AssignmentListRow | undefined> {
  return yield * one(assignmentQuery(db).where(and(eq(assignments.id, id), eq(assignments.enterpriseId, enterpriseId))))
}

export interface NewAssignments { curriculumId: number, enterpriseId: number, traineeIds: number[], cohortIds: number[], dueOn: string | null, mandatory: boolean }

/** Assigns a curriculum to trainees and cohorts, audited: run it as a transaction. */
export function * insertAssignments (db: Db, a: NewAssignments, audit: Audit, now: Date): Q<number> {
  const base = { curriculumId: a.curriculumId, enterpriseId: a.enterpriseId, dueOn: a.dueOn, mandatory: a.mandatory, assignedBy: audit.actorId, assignedAt: now }
  for (const traineeId of a.traineeIds) yield * run(db.insert(assignments).values({ ...base, traineeId }))
  for (const cohortId of a.cohortIds) yield * run(db.insert(assignments).values({ ...base, cohortId }))
  const n = a.traineeIds.length + a.cohortIds.length
  yield * writeAudit(db, { ...audit, subjectType: 'curriculum', subjectId: a.curriculumId, details: { trainees: a.traineeIds.length, cohorts: a.cohortIds.length, dueOn: a.dueOn, mandatory: a.mandatory } }, now)
  yield * readinessChanged(db, [...a.traineeIds, ...yield * cohortMemberIds(db, a.cohortIds)], now)
  return n
}

/** Removes an assignment, audited: run it as a transaction. */
export function * deleteAssignment (db: Db, a: AssignmentListRow, audit: Audit, now: Date): Q<void> {
  yield * run(db.delete(assignments).where(eq(assignments.id, a.id)))
  yield * writeAudit(db, { ...audit, subjectType: 'assignment', subjectId: a.id, details: { curriculum: a.curriculumId } }, now)
  yield * readinessChanged(db, [...(a.traineeId !== null ? [a.traineeId] : []), ...yield * cohortMemberIds(db, a.cohortId !== null ? [a.cohortId] : [])], now)
}
