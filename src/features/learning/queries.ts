import { and, asc, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { readinessChanged } from '../../db/readiness-hook.js'
import { titleKey } from '../../lib/form.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { immutableCache } from '../../db/immutable-cache.js'
import { chunks } from '../../lib/chunks.js'
import { recordAudit, type AuditEntry } from '../audit/index.js'
import { latestRelease, latestReleaseId, findRelease } from '../bank/index.js'
import { runSync } from '../../db/engine.js'
import { recordOutcomes } from '../practice/index.js'
import { lessonVersions, releaseLessons, questionVersions, releaseQuestions, releaseBlueprints, blueprintVersions, attempts, employments, trainees, lessonProgress, lessonChecks, cohorts, cohortMembers, curricula, curriculumItems, assignments, type QuestionBody, type BlueprintBody } from '../../db/schema.js'
import type { Domain } from '../bank/index.js'
import { answerCheck, type CheckQuestion } from './check.js'
import type { ProgressRow } from './progress.js'
import type { CurriculumItem, AssignmentRow } from './curriculum.js'

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
export function currentCatalogue (db: DbOrTx): Catalogue | undefined {
  // A transaction handle has no client of its own: it reads without the cache.
  const client = '$client' in db ? db as Db : undefined
  // Bank has moved to both engines (its query functions run here through runSync); a transaction handle serves them on SQLite.
  const releaseId = client ? runSync(latestReleaseId(client)) : runSync(latestRelease(db as Db))?.id
  if (releaseId === undefined) return undefined
  return client ? catalogues.get(client, releaseId, () => readCatalogue(db, releaseId)) : readCatalogue(db, releaseId)
}

function readCatalogue (db: DbOrTx, releaseId: number): Catalogue {
  // The release row carries the whole syllabus: read only when the catalogue is built.
  const release = runSync(findRelease(db as Db, releaseId))!
  const lessons = db.select({ id: lessonVersions.id, key: lessonVersions.lessonKey }).from(releaseLessons)
    .innerJoin(lessonVersions, eq(lessonVersions.id, releaseLessons.lessonVersionId)).where(eq(releaseLessons.releaseId, release.id)).all()
  const topics = db.selectDistinct({ domain: questionVersions.domain, topic: questionVersions.topic }).from(releaseQuestions)
    .innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId)).where(eq(releaseQuestions.releaseId, release.id)).all()
  const blueprints = db.select({ key: blueprintVersions.blueprintKey, body: blueprintVersions.body }).from(releaseBlueprints)
    .innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, release.id)).orderBy(asc(blueprintVersions.blueprintKey)).all()
  return {
    releaseId: release.id,
    syllabus: release.syllabus ?? [],
    lessons: new Map(lessons.map((l) => [l.key, l.id])),
    checkable: new Set(topics.map((t) => `${t.domain}/${t.topic}`)),
    blueprints
  }
}

/** The question version ids of a topic in a release. */
export function topicQuestionIds (db: DbOrTx, releaseId: number, domain: string, topic: string): number[] {
  return db.select({ id: questionVersions.id }).from(releaseQuestions)
    .innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(and(eq(releaseQuestions.releaseId, releaseId), eq(questionVersions.domain, domain), eq(questionVersions.topic, topic))).all().map((r) => r.id)
}

export interface CheckQuestionRow { id: number, type: 'single' | 'multi' | 'judge', body: QuestionBody }

export function questionsByIds (db: DbOrTx, ids: readonly number[]): CheckQuestionRow[] {
  if (ids.length === 0) return []
  const rows = db.select({ id: questionVersions.id, type: questionVersions.type, body: questionVersions.body }).from(questionVersions).where(inArray(questionVersions.id, [...ids])).all()
  const byId = new Map(rows.map((r) => [r.id, r]))
  return ids.map((id) => byId.get(id)).filter((r): r is CheckQuestionRow => r !== undefined)
}

// ---------------------------------------------------------------- progress

/** Lesson progress of several trainees: trainee id -> lesson key -> row. */
export function progressOf (db: DbOrTx, traineeIds: readonly number[]): Map<number, Map<string, ProgressRow>> {
  const out = new Map<number, Map<string, ProgressRow>>(traineeIds.map((id) => [id, new Map()]))
  if (traineeIds.length === 0) return out
  for (const chunk of chunks(traineeIds)) {
    for (const r of db.select().from(lessonProgress).where(inArray(lessonProgress.traineeId, chunk)).all()) {
      out.get(r.traineeId)?.set(r.lessonKey, { lessonKey: r.lessonKey, lessonVersionId: r.lessonVersionId, studiedAt: r.studiedAt, checkPassedAt: r.checkPassedAt })
    }
  }
  return out
}

/** Marks a lesson studied in the given version (again, after an update). */
export function markStudied (db: DbOrTx, traineeId: number, lessonKey: string, lessonVersionId: number, now: Date): void {
  db.transaction((tx) => {
    tx.insert(lessonProgress).values({ traineeId, lessonKey, lessonVersionId, studiedAt: now })
      .onConflictDoUpdate({ target: [lessonProgress.traineeId, lessonProgress.lessonKey], set: { lessonVersionId, studiedAt: now } }).run()
    readinessChanged(db, [traineeId], now)
  }, { behavior: 'immediate' })
}

/** Passed mock attempts per trainee and blueprint key. */
export function passCounts (db: DbOrTx, traineeIds: readonly number[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>(traineeIds.map((id) => [id, new Map()]))
  for (const chunk of chunks(traineeIds)) {
    const rows = db.select({ traineeId: attempts.traineeId, key: attempts.blueprintKey, n: count() }).from(attempts)
      .where(and(inArray(attempts.traineeId, chunk), isNotNull(attempts.finishedAt), eq(attempts.passed, true)))
      .groupBy(attempts.traineeId, attempts.blueprintKey).all()
    for (const r of rows) out.get(r.traineeId)?.set(r.key, r.n)
  }
  return out
}

export interface LatestScore { score: number, maxScore: number, passed: boolean, finishedAt: Date, blueprintKey: string }

/** Each trainee's most recent finished mock attempt. */
export function latestScores (db: DbOrTx, traineeIds: readonly number[]): Map<number, LatestScore> {
  const out = new Map<number, LatestScore>()
  for (const chunk of chunks(traineeIds)) {
    const rows = db.select({ traineeId: attempts.traineeId, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, finishedAt: attempts.finishedAt, key: attempts.blueprintKey })
      .from(attempts).where(and(inArray(attempts.traineeId, chunk), isNotNull(attempts.finishedAt)))
      .orderBy(desc(attempts.finishedAt), desc(attempts.id)).all()
    for (const r of rows) {
      if (!out.has(r.traineeId)) out.set(r.traineeId, { score: r.score ?? 0, maxScore: r.maxScore, passed: Boolean(r.passed), finishedAt: r.finishedAt!, blueprintKey: r.key })
    }
  }
  return out
}

// ---------------------------------------------------------------- end-of-lesson checks

export type LessonCheck = typeof lessonChecks.$inferSelect

export function insertCheck (db: DbOrTx, c: { traineeId: number, lessonKey: string, releaseId: number, questionVersionIds: number[] }, now: Date): LessonCheck {
  return db.insert(lessonChecks).values({ ...c, answers: {}, startedAt: now }).returning().get()
}

export function findCheck (db: DbOrTx, id: number): LessonCheck | undefined {
  return db.select().from(lessonChecks).where(eq(lessonChecks.id, id)).get()
}

/** The trainee's latest check of a lesson, drawn from the given release. */
export function latestCheck (db: DbOrTx, traineeId: number, lessonKey: string, releaseId: number): LessonCheck | undefined {
  return db.select().from(lessonChecks)
    .where(and(eq(lessonChecks.traineeId, traineeId), eq(lessonChecks.lessonKey, lessonKey), eq(lessonChecks.releaseId, releaseId)))
    .orderBy(desc(lessonChecks.startedAt), desc(lessonChecks.id)).limit(1).get()
}

/**
 * Records one answer of a check in one transaction: the check is read again
 * inside it, so two answers arriving together both count. The first time the
 * check is passed, the lesson's check counts as passed (for good).
 */
export function recordCheckAnswer (db: Db, checkId: number, questionVersionId: number, q: CheckQuestion, response: readonly string[], now: Date) {
  return db.transaction((tx) => {
    const check = tx.select().from(lessonChecks).where(eq(lessonChecks.id, checkId)).get()!
    const result = answerCheck(check, questionVersionId, q, response)
    const firstPass = result.passed && !check.passedAt
    tx.update(lessonChecks).set({ answers: result.answers, passedAt: check.passedAt ?? (result.passed ? now : null) }).where(eq(lessonChecks.id, check.id)).run()
    recordOutcomes(db, check.traineeId, [{ questionVersionId, right: result.right }], now)
    if (firstPass) {
      tx.insert(lessonProgress).values({ traineeId: check.traineeId, lessonKey: check.lessonKey, checkPassedAt: now })
        .onConflictDoUpdate({ target: [lessonProgress.traineeId, lessonProgress.lessonKey], set: { checkPassedAt: sql`coalesce(${lessonProgress.checkPassedAt}, ${now.getTime()})` } }).run()
      readinessChanged(db, [check.traineeId], now)
    }
    return { ...result, firstPass }
  }, { behavior: 'immediate' })
}

// ---------------------------------------------------------------- people

/** The enterprise that employs a trainee now, if any: it decides whose assignments apply. */
export function currentEmployer (db: DbOrTx, traineeId: number): number | null {
  return db.select({ e: employments.enterpriseId }).from(employments)
    .where(and(eq(employments.traineeId, traineeId), isNull(employments.endedOn))).get()?.e ?? null
}

/** The enterprise employing each of these trainees now (absent: none). */
export function currentEmployers (db: DbOrTx, traineeIds: readonly number[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const chunk of chunks(traineeIds)) {
    const rows = db.select({ t: employments.traineeId, e: employments.enterpriseId }).from(employments)
      .where(and(inArray(employments.traineeId, chunk), isNull(employments.endedOn))).all()
    for (const r of rows) out.set(r.t, r.e)
  }
  return out
}

/** The trainees an enterprise employs now, by name. */
export function employedTrainees (db: DbOrTx, enterpriseId: number): Array<{ id: number, fullName: string }> {
  return db.select({ id: trainees.id, fullName: trainees.fullName }).from(trainees)
    .innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .where(eq(employments.enterpriseId, enterpriseId)).orderBy(asc(trainees.fullName), asc(trainees.id)).all()
}

// ---------------------------------------------------------------- cohorts

export type Cohort = typeof cohorts.$inferSelect

/** An enterprise's cohorts with how many of their members it employs now. */
export function listCohorts (db: DbOrTx, enterpriseId: number) {
  const members = db.select({ cohortId: cohortMembers.cohortId, n: count() }).from(cohortMembers)
    .innerJoin(employments, and(eq(employments.traineeId, cohortMembers.traineeId), isNull(employments.endedOn), eq(employments.enterpriseId, enterpriseId)))
    .groupBy(cohortMembers.cohortId).all()
  const byId = new Map(members.map((m) => [m.cohortId, m.n]))
  return db.select().from(cohorts).where(eq(cohorts.enterpriseId, enterpriseId)).orderBy(asc(cohorts.name)).all()
    .map((c) => ({ ...c, members: byId.get(c.id) ?? 0 }))
}

/** One cohort of the enterprise; another enterprise's answers undefined (the route says 404). */
export function findCohort (db: DbOrTx, enterpriseId: number, id: number): Cohort | undefined {
  return db.select().from(cohorts).where(and(eq(cohorts.id, id), eq(cohorts.enterpriseId, enterpriseId))).get()
}

/** Whether the enterprise has a cohort of this name, compared as titleKey does (normalised, invisible characters ignored, any case). */
export function cohortNameTaken (db: DbOrTx, enterpriseId: number, name: string): boolean {
  const key = titleKey(name)
  return db.select({ name: cohorts.name }).from(cohorts).where(eq(cohorts.enterpriseId, enterpriseId)).all().some((c) => titleKey(c.name) === key)
}

export function insertCohort (db: Db, enterpriseId: number, name: string, audit: Audit, now: Date): Cohort {
  return db.transaction((tx) => {
    const c = tx.insert(cohorts).values({ enterpriseId, name, createdBy: audit.actorId, createdAt: now }).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'cohort', subjectId: c.id, details: { name } }, now)
    return c
  }, { behavior: 'immediate' })
}

/** The cohort's members that the enterprise employs now. */
export function cohortMemberList (db: DbOrTx, cohort: Cohort) {
  return db.select({ id: trainees.id, fullName: trainees.fullName, addedAt: cohortMembers.addedAt }).from(cohortMembers)
    .innerJoin(trainees, eq(trainees.id, cohortMembers.traineeId))
    .innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn), eq(employments.enterpriseId, cohort.enterpriseId)))
    .where(eq(cohortMembers.cohortId, cohort.id)).orderBy(asc(trainees.fullName), asc(trainees.id)).all()
}

/** Adds members (already checked to be the enterprise's own); ones already in stay as they are. */
export function addCohortMembers (db: Db, cohort: Cohort, traineeIds: readonly number[], audit: Audit, now: Date): number {
  return db.transaction((tx) => {
    let added = 0
    for (const traineeId of traineeIds) {
      added += tx.insert(cohortMembers).values({ cohortId: cohort.id, traineeId, addedAt: now }).onConflictDoNothing().run().changes
    }
    if (added > 0) recordAudit(tx, { ...audit, subjectType: 'cohort', subjectId: cohort.id, details: { added } }, now)
    readinessChanged(db, traineeIds, now)
    return added
  }, { behavior: 'immediate' })
}

export function removeCohortMember (db: Db, cohort: Cohort, traineeId: number, audit: Audit, now: Date): boolean {
  return db.transaction((tx) => {
    const gone = tx.delete(cohortMembers).where(and(eq(cohortMembers.cohortId, cohort.id), eq(cohortMembers.traineeId, traineeId))).run().changes > 0
    if (gone) recordAudit(tx, { ...audit, subjectType: 'cohort', subjectId: cohort.id, details: { removedTrainee: traineeId } }, now)
    if (gone) readinessChanged(db, [traineeId], now)
    return gone
  }, { behavior: 'immediate' })
}

/** The people in any of these cohorts (whose assignments change with the cohorts'). */
export function cohortMemberIds (db: DbOrTx, cohortIds: readonly number[]): number[] {
  if (cohortIds.length === 0) return []
  return db.selectDistinct({ id: cohortMembers.traineeId }).from(cohortMembers).where(inArray(cohortMembers.cohortId, [...cohortIds])).all().map((r) => r.id)
}

/** Trainee id -> the ids of the cohorts (of any enterprise) they are in. */
export function cohortsOf (db: DbOrTx, traineeIds: readonly number[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>(traineeIds.map((id) => [id, new Set()]))
  for (const chunk of chunks(traineeIds)) {
    for (const r of db.select().from(cohortMembers).where(inArray(cohortMembers.traineeId, chunk)).all()) out.get(r.traineeId)?.add(r.cohortId)
  }
  return out
}

// ---------------------------------------------------------------- curricula

export type Curriculum = typeof curricula.$inferSelect

export function listCurricula (db: DbOrTx, enterpriseId: number) {
  const assigned = db.select({ curriculumId: assignments.curriculumId, n: count() }).from(assignments)
    .where(eq(assignments.enterpriseId, enterpriseId)).groupBy(assignments.curriculumId).all()
  const byId = new Map(assigned.map((a) => [a.curriculumId, a.n]))
  const list = db.select().from(curricula).where(eq(curricula.enterpriseId, enterpriseId)).orderBy(asc(curricula.title)).all()
  const items = itemsOf(db, list.map((c) => c.id))
  return list.map((c) => ({ ...c, items: items.get(c.id) ?? [], assignments: byId.get(c.id) ?? 0 }))
}

export function findCurriculum (db: DbOrTx, enterpriseId: number, id: number): Curriculum | undefined {
  return db.select().from(curricula).where(and(eq(curricula.id, id), eq(curricula.enterpriseId, enterpriseId))).get()
}

/** Whether the enterprise has a curriculum of this title, compared as titleKey does. */
export function curriculumTitleTaken (db: DbOrTx, enterpriseId: number, title: string): boolean {
  const key = titleKey(title)
  return db.select({ title: curricula.title }).from(curricula).where(eq(curricula.enterpriseId, enterpriseId)).all().some((c) => titleKey(c.title) === key)
}

/** Curriculum id -> its items in order. */
export function itemsOf (db: DbOrTx, curriculumIds: readonly number[]): Map<number, CurriculumItem[]> {
  const out = new Map<number, CurriculumItem[]>()
  for (const chunk of chunks(curriculumIds)) {
    const rows = db.select().from(curriculumItems).where(inArray(curriculumItems.curriculumId, chunk)).orderBy(asc(curriculumItems.curriculumId), asc(curriculumItems.position)).all()
    for (const r of rows) {
      const list = out.get(r.curriculumId) ?? []
      list.push({ kind: r.kind, domain: r.domain, topic: r.topic, blueprintKey: r.blueprintKey, requiredPasses: r.requiredPasses })
      out.set(r.curriculumId, list)
    }
  }
  return out
}

export function insertCurriculum (db: Db, enterpriseId: number, title: string, items: readonly CurriculumItem[], audit: Audit, now: Date): Curriculum {
  return db.transaction((tx) => {
    const c = tx.insert(curricula).values({ enterpriseId, title, createdBy: audit.actorId, createdAt: now }).returning().get()
    items.forEach((item, i) => { tx.insert(curriculumItems).values({ curriculumId: c.id, position: i + 1, ...item }).run() })
    recordAudit(tx, { ...audit, subjectType: 'curriculum', subjectId: c.id, details: { title, items: items.length } }, now)
    return c
  }, { behavior: 'immediate' })
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

function assignmentQuery (db: DbOrTx) {
  return db.select(assignmentColumns).from(assignments)
    .innerJoin(curricula, eq(curricula.id, assignments.curriculumId))
    .leftJoin(trainees, eq(trainees.id, assignments.traineeId))
    .leftJoin(cohorts, eq(cohorts.id, assignments.cohortId))
}

/** Every assignment an enterprise has made. */
export function enterpriseAssignments (db: DbOrTx, enterpriseId: number): AssignmentListRow[] {
  return assignmentQuery(db).where(eq(assignments.enterpriseId, enterpriseId)).orderBy(asc(assignments.dueOn), asc(assignments.id)).all()
}

export function findAssignment (db: DbOrTx, enterpriseId: number, id: number): AssignmentListRow | undefined {
  return assignmentQuery(db).where(and(eq(assignments.id, id), eq(assignments.enterpriseId, enterpriseId))).get()
}

export interface NewAssignments { curriculumId: number, enterpriseId: number, traineeIds: number[], cohortIds: number[], dueOn: string | null, mandatory: boolean }

export function insertAssignments (db: Db, a: NewAssignments, audit: Audit, now: Date): number {
  return db.transaction((tx) => {
    const base = { curriculumId: a.curriculumId, enterpriseId: a.enterpriseId, dueOn: a.dueOn, mandatory: a.mandatory, assignedBy: audit.actorId, assignedAt: now }
    for (const traineeId of a.traineeIds) tx.insert(assignments).values({ ...base, traineeId }).run()
    for (const cohortId of a.cohortIds) tx.insert(assignments).values({ ...base, cohortId }).run()
    const n = a.traineeIds.length + a.cohortIds.length
    recordAudit(tx, { ...audit, subjectType: 'curriculum', subjectId: a.curriculumId, details: { trainees: a.traineeIds.length, cohorts: a.cohortIds.length, dueOn: a.dueOn, mandatory: a.mandatory } }, now)
    readinessChanged(db, [...a.traineeIds, ...cohortMemberIds(tx, a.cohortIds)], now)
    return n
  }, { behavior: 'immediate' })
}

export function deleteAssignment (db: Db, a: AssignmentListRow, audit: Audit, now: Date): void {
  db.transaction((tx) => {
    tx.delete(assignments).where(eq(assignments.id, a.id)).run()
    recordAudit(tx, { ...audit, subjectType: 'assignment', subjectId: a.id, details: { curriculum: a.curriculumId } }, now)
    readinessChanged(db, [...(a.traineeId !== null ? [a.traineeId] : []), ...cohortMemberIds(tx, a.cohortId !== null ? [a.cohortId] : [])], now)
  }, { behavior: 'immediate' })
}
