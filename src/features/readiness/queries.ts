import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, count, type SQL } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { runSync } from '../../db/engine.js'
import { Conflict } from '../../http/errors.js'
import { localDate } from '../../lib/time.js'
import { chunks } from '../../lib/chunks.js'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { recordAudit, type AuditEntry } from '../audit/index.js'
import { users, attempts, bankReleases, statements, examSittings, applications, type ApplicationStatus, type ExamResult } from '../../db/schema.js'
import { trainees, employments, enterprises, jurisdictions, declarations, readSetting, writeSetting, writeCertificate, type DeclarationKind, type CertificateInput } from '../orgs/index.js'
import { mandatoryAssignmentsOf, mandatoryFrom, type TraineeLearning } from '../learning/index.js'
import { DEFAULT_SETTINGS, readSettings, evaluateEligibility, type EligibilitySettings, type Evaluation, type MockResult, type TraineeRecord } from './rules.js'
import type { StatementSnapshot } from './statements.js'
import { raiseRulesGeneration } from './store.js'
import type { SittingInput } from './sittings.js'
import type { MessageKey } from '../../i18n/index.js'

type Audit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type Statement = typeof statements.$inferSelect
export type Sitting = typeof examSittings.$inferSelect
export type Application = typeof applications.$inferSelect

// ---- settings ----

const SETTINGS_KEY = 'readiness.settings'

/** The eligibility settings an administrator set, else the defaults. */
export function readEligibilitySettings (db: DbOrTx): EligibilitySettings {
  const raw = runSync(readSetting(db as Db, SETTINGS_KEY))
  if (!raw) return { ...DEFAULT_SETTINGS }
  try {
    const parsed = readSettings({ ...DEFAULT_SETTINGS, ...JSON.parse(raw) as Record<string, unknown> })
    return parsed.ok ? parsed.value : { ...DEFAULT_SETTINGS }
  } catch {
    return { ...DEFAULT_SETTINGS }
  }
}

export function saveEligibilitySettings (db: Db, s: EligibilitySettings, audit: Audit, now: Date): void {
  db.transaction((tx) => {
    const before = readEligibilitySettings(tx)
    runSync(writeSetting(tx as unknown as Db, SETTINGS_KEY, JSON.stringify(s)))
    // Every stored readiness is now of older rules: the keeper works them out again in the background.
    raiseRulesGeneration(tx)
    recordAudit(tx, { ...audit, subjectType: 'settings', subjectId: SETTINGS_KEY, details: { before, after: s } }, now)
  }, { behavior: 'immediate' })
}

// ---- a trainee's record and its evaluation ----

interface RecordFacts { id: number, birthDate: string, education: TraineeRecord['education'] }

/**
 * The records of many trainees at once (batched queries, the learning area's included; a caller
 * that has worked out their learning records for the enterprises employing them now passes them).
 */
function gatherRecords (db: DbOrTx, people: readonly RecordFacts[], s: EligibilitySettings, now: Date, timeZone: string, learning?: ReadonlyMap<number, TraineeLearning>): Map<number, TraineeRecord> {
  const ids = people.map((p) => p.id)
  const out = new Map<number, TraineeRecord>()
  if (ids.length === 0) return out
  const decl = new Map<number, Partial<Record<DeclarationKind, boolean>>>()
  for (const chunk of chunks(ids)) {
    const rows = db.select({ traineeId: declarations.traineeId, kind: declarations.kind, value: declarations.value }).from(declarations)
      .where(inArray(declarations.traineeId, chunk)).orderBy(asc(declarations.declaredAt), asc(declarations.id)).all()
    for (const r of rows) {
      const m = decl.get(r.traineeId) ?? {}
      m[r.kind] = r.value
      decl.set(r.traineeId, m)
    }
  }
  const mocks = new Map<number, MockResult[]>()
  for (const chunk of chunks(ids)) {
    const rows = db.select({ id: attempts.id, traineeId: attempts.traineeId, finishedAt: attempts.finishedAt, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, release: bankReleases.label })
      .from(attempts).innerJoin(bankReleases, eq(bankReleases.id, attempts.releaseId))
      .where(and(inArray(attempts.traineeId, chunk), eq(attempts.blueprintKey, s.mockBlueprint), isNotNull(attempts.finishedAt))).all()
    for (const r of rows) {
      const list = mocks.get(r.traineeId) ?? []
      list.push({ attemptId: r.id, finishedAt: r.finishedAt!, finishedOn: localDate(r.finishedAt!, timeZone), score: r.score ?? 0, maxScore: r.maxScore, passed: r.passed === true, release: r.release })
      mocks.set(r.traineeId, list)
    }
  }
  const mandatory = learning
    ? new Map(people.map((p) => [p.id, mandatoryFrom(learning.get(p.id)?.assignments ?? [])]))
    : runSync(mandatoryAssignmentsOf(db as Db, people.map((p) => p.id), now, timeZone))
  for (const p of people) {
    out.set(p.id, { birthDate: p.birthDate, education: p.education, declarations: decl.get(p.id) ?? {}, mandatory: mandatory.get(p.id) ?? [], mocks: mocks.get(p.id) ?? [] })
  }
  return out
}

export function evaluateMany (db: DbOrTx, people: readonly RecordFacts[], s: EligibilitySettings, now: Date, timeZone: string, learning?: ReadonlyMap<number, TraineeLearning>): Map<number, { record: TraineeRecord, evaluation: Evaluation }> {
  const today = localDate(now, timeZone)
  const records = gatherRecords(db, people, s, now, timeZone, learning)
  return new Map([...records].map(([id, record]) => [id, { record, evaluation: evaluateEligibility(record, s, today) }]))
}

/**
 * How many of these people are eligible to apply and hold no valid certificate, evaluated
 * a bounded chunk at a time (never every record in memory at once): the readiness roster's
 * headline for the whole roster while the table shows one page.
 */
export function countEligibleUncertified (db: DbOrTx, people: ReadonlyArray<RecordFacts & { certificateStatus: string | null }>, s: EligibilitySettings, now: Date, timeZone: string): number {
  let n = 0
  for (const part of chunks(people)) {
    const evs = evaluateMany(db, part, s, now, timeZone)
    for (const p of part) if (p.certificateStatus !== 'valid' && evs.get(p.id)?.evaluation.status === 'eligible') n++
  }
  return n
}

// ---- statements ----

export function insertStatement (db: Db, st: { code: string, traineeId: number, enterpriseId: number, snapshot: StatementSnapshot, issuedBy: number, issuedAt: Date, expiresAt: Date }, audit: Audit): Statement {
  return db.transaction((tx) => {
    const open = tx.select({ id: statements.id }).from(statements)
      .where(and(eq(statements.traineeId, st.traineeId), isNull(statements.revokedAt), sql`${statements.expiresAt} > ${st.issuedAt.getTime()}`)).get()
    if (open) throw new Conflict('statement.already-valid')
    const row = tx.insert(statements).values(st).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'statement', subjectId: row.id, details: { traineeId: st.traineeId, expiresAt: st.expiresAt.toISOString() } }, st.issuedAt)
    return row
  }, { behavior: 'immediate' })
}

export function findStatement (db: DbOrTx, id: number): Statement | undefined {
  return db.select().from(statements).where(eq(statements.id, id)).get()
}

export function findStatementByCode (db: DbOrTx, code: string): Statement | undefined {
  return db.select().from(statements).where(eq(statements.code, code)).get()
}

export function listStatements (db: DbOrTx, traineeId: number): Statement[] {
  return db.select().from(statements).where(eq(statements.traineeId, traineeId)).orderBy(desc(statements.issuedAt), desc(statements.id)).all()
}

/** The newest statement that is neither revoked nor expired, if any. */
export function currentStatements (db: DbOrTx, traineeIds: readonly number[], now: Date): Map<number, Statement> {
  const out = new Map<number, Statement>()
  for (const chunk of chunks([...traineeIds])) {
    const rows = db.select().from(statements)
      .where(and(inArray(statements.traineeId, chunk), isNull(statements.revokedAt), sql`${statements.expiresAt} > ${now.getTime()}`))
      .orderBy(asc(statements.issuedAt)).all()
    for (const r of rows) out.set(r.traineeId, r)
  }
  return out
}

export function revokeStatement (db: Db, id: number, by: number, reason: string, audit: Audit, now: Date): void {
  db.transaction((tx) => {
    const done = tx.update(statements).set({ revokedAt: now, revokedBy: by, revokeReason: reason })
      .where(and(eq(statements.id, id), isNull(statements.revokedAt))).run().changes
    if (done === 0) throw new Conflict('statement.already-revoked')
    recordAudit(tx, { ...audit, subjectType: 'statement', subjectId: id, details: { reason } }, now)
  }, { behavior: 'immediate' })
}

// ---- sittings ----

export interface SittingRow extends Sitting { jurisdictionName: string, accepted: number, pending: number }

const sittingColumns = {
  id: examSittings.id, jurisdictionId: examSittings.jurisdictionId, sitsOn: examSittings.sitsOn, startsAt: examSittings.startsAt, venue: examSittings.venue,
  capacity: examSittings.capacity, applyBy: examSittings.applyBy, publishedBy: examSittings.publishedBy, publishedAt: examSittings.publishedAt,
  jurisdictionName: jurisdictions.name,
  accepted: sql<number>`(SELECT count(*) FROM ${applications} WHERE ${applications.sittingId} = ${examSittings.id} AND ${applications.status} = 'accepted')`,
  pending: sql<number>`(SELECT count(*) FROM ${applications} WHERE ${applications.sittingId} = ${examSittings.id} AND ${applications.status} = 'pending')`
}

/** Sittings held by any of the jurisdictions, newest first. */
export function findSitting (db: DbOrTx, id: number, jurisdictionIds: readonly number[]): SittingRow | undefined {
  if (jurisdictionIds.length === 0) return undefined
  return db.select(sittingColumns).from(examSittings).innerJoin(jurisdictions, eq(jurisdictions.id, examSittings.jurisdictionId))
    .where(and(eq(examSittings.id, id), inArray(examSittings.jurisdictionId, [...jurisdictionIds]))).get()
}

export function insertSitting (db: Db, jurisdictionId: number, s: SittingInput, by: number, audit: Audit, now: Date): Sitting {
  return db.transaction((tx) => {
    const row = tx.insert(examSittings).values({ ...s, jurisdictionId, publishedBy: by, publishedAt: now }).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'sitting', subjectId: row.id, details: { ...s, jurisdictionId } }, now)
    return row
  }, { behavior: 'immediate' })
}

// ---- applications ----

export interface ApplicationRow extends Application { fullName: string, enterpriseName: string, sitsOn: string, venue: string, statementCode: string }

function applicationQuery (db: DbOrTx) {
  return db.select({
    id: applications.id, sittingId: applications.sittingId, traineeId: applications.traineeId, enterpriseId: applications.enterpriseId, statementId: applications.statementId,
    resit: applications.resit, appliedBy: applications.appliedBy, appliedAt: applications.appliedAt, status: applications.status, decidedBy: applications.decidedBy,
    decidedAt: applications.decidedAt, returnReason: applications.returnReason, result: applications.result, resultBy: applications.resultBy, resultAt: applications.resultAt,
    fullName: trainees.fullName, enterpriseName: enterprises.name, sitsOn: examSittings.sitsOn, venue: examSittings.venue, statementCode: statements.code
  }).from(applications)
    .innerJoin(trainees, eq(trainees.id, applications.traineeId))
    .innerJoin(enterprises, eq(enterprises.id, applications.enterpriseId))
    .innerJoin(examSittings, eq(examSittings.id, applications.sittingId))
    .innerJoin(statements, eq(statements.id, applications.statementId))
}

export function listApplications (db: DbOrTx, f: { sittingId?: number, traineeId?: number, enterpriseId?: number }): ApplicationRow[] {
  return applicationQuery(db).where(applicationWhere(f)).orderBy(desc(applications.appliedAt), desc(applications.id)).all()
}

export interface ApplicationFilter {
  sittingId?: number
  traineeId?: number
  enterpriseId?: number
  /** Only applications from enterprises of these jurisdictions. */
  enterpriseJurisdictionIds?: readonly number[]
}

function applicationWhere (f: ApplicationFilter) {
  return and(
    f.sittingId ? eq(applications.sittingId, f.sittingId) : undefined,
    f.traineeId ? eq(applications.traineeId, f.traineeId) : undefined,
    f.enterpriseId ? eq(applications.enterpriseId, f.enterpriseId) : undefined,
    f.enterpriseJurisdictionIds ? (f.enterpriseJurisdictionIds.length ? inArray(enterprises.jurisdictionId, [...f.enterpriseJurisdictionIds]) : sql`0`) : undefined
  )
}

function countApplications (db: DbOrTx, where: SQL | undefined): number {
  return db.select({ n: count() }).from(applications)
    .innerJoin(enterprises, eq(enterprises.id, applications.enterpriseId))
    .innerJoin(examSittings, eq(examSittings.id, applications.sittingId))
    .where(where).get()?.n ?? 0
}

export const APPLICATION_KEY = ['n', 'n'] as const
const applicationKey = (a: { appliedAt: Date, id: number }): Key => [a.appliedAt.getTime(), a.id]

/** One keyset page of applications, newest first, with the true total. */
export function pageApplications (db: DbOrTx, f: ApplicationFilter, page: KeysetRequest): KeysetPage<ApplicationRow> {
  const where = applicationWhere(f)
  const k = keysetQuery([applications.appliedAt, applications.id], page, true)
  return toPage(applicationQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit).all(), page, countApplications(db, where), applicationKey)
}

/**
 * Pending applications a police officer follows: to sittings of their subtree, or from its
 * enterprises (optionally one of them); the oldest first, a keyset page with the true total.
 */
export function pendingApplications (db: DbOrTx, jurisdictionIds: readonly number[], enterpriseId: number | undefined, page: KeysetRequest): KeysetPage<ApplicationRow> {
  const ids = [...jurisdictionIds]
  const where = and(
    eq(applications.status, 'pending'),
    ids.length ? or(inArray(examSittings.jurisdictionId, ids), inArray(enterprises.jurisdictionId, ids)) : sql`0`,
    enterpriseId ? eq(applications.enterpriseId, enterpriseId) : undefined
  )
  const k = keysetQuery([applications.appliedAt, applications.id], page)
  return toPage(applicationQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit).all(), page, countApplications(db, where), applicationKey)
}

export const SITTING_KEY = ['s', 'n'] as const

/** One keyset page of the sittings of some jurisdictions, latest day first, with the true total. */
export function pageSittings (db: DbOrTx, jurisdictionIds: readonly number[], page: KeysetRequest): KeysetPage<SittingRow> {
  const where = jurisdictionIds.length ? inArray(examSittings.jurisdictionId, [...jurisdictionIds]) : sql`0`
  const k = keysetQuery([examSittings.sitsOn, examSittings.id], page, true)
  const rows = db.select(sittingColumns).from(examSittings).innerJoin(jurisdictions, eq(jurisdictions.id, examSittings.jurisdictionId))
    .where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit).all()
  const total = db.select({ n: count() }).from(examSittings).where(where).get()?.n ?? 0
  return toPage(rows, page, total, (s) => [s.sitsOn, s.id])
}

export function findApplication (db: DbOrTx, id: number): ApplicationRow | undefined {
  return applicationQuery(db).where(eq(applications.id, id)).get()
}

/** Applications still counting against a sitting's capacity: accepted and pending. */
export function takenPlaces (db: DbOrTx, sittingId: number): number {
  return db.select({ n: count() }).from(applications).where(and(eq(applications.sittingId, sittingId), inArray(applications.status, ['accepted', 'pending']))).get()?.n ?? 0
}

/** Which of these people have an application in flight (pending, or accepted and waiting for its result). */
export function openApplicants (db: DbOrTx, traineeIds: readonly number[]): Set<number> {
  const out = new Set<number>()
  for (const chunk of chunks([...traineeIds])) {
    const rows = db.select({ traineeId: applications.traineeId }).from(applications)
      .where(and(inArray(applications.traineeId, chunk), sql`(${applications.status} = 'pending' OR (${applications.status} = 'accepted' AND ${applications.result} IS NULL))`)).all()
    for (const r of rows) out.add(r.traineeId)
  }
  return out
}

export function applicationHistory (db: DbOrTx, traineeId: number): Array<{ status: ApplicationStatus, result: ExamResult | null, resit: boolean }> {
  return db.select({ status: applications.status, result: applications.result, resit: applications.resit }).from(applications)
    .where(eq(applications.traineeId, traineeId)).orderBy(desc(applications.appliedAt), desc(applications.id)).all()
}

/**
 * Stores an application after `check` passes inside the same immediate
 * transaction, so two trainers racing for the last place cannot both get it.
 */
export function insertApplication (db: Db, a: { sittingId: number, traineeId: number, enterpriseId: number, statementId: number, appliedBy: number }, check: (tx: DbOrTx) => { problem: MessageKey } | { problem: null, resit: boolean }, audit: Audit, now: Date): Application {
  return db.transaction((tx) => {
    const verdict = check(tx)
    if (verdict.problem !== null) throw new Conflict(verdict.problem)
    const row = tx.insert(applications).values({ ...a, resit: verdict.resit, appliedAt: now, status: 'pending' }).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'application', subjectId: row.id, details: { sittingId: a.sittingId, traineeId: a.traineeId, statementId: a.statementId, resit: verdict.resit } }, now)
    return row
  }, { behavior: 'immediate' })
}

export function decideApplication (db: Db, id: number, decision: 'accept' | 'return', reason: string, by: number, audit: Audit, now: Date): void {
  db.transaction((tx) => {
    const done = tx.update(applications).set({ status: decision === 'accept' ? 'accepted' : 'returned', decidedBy: by, decidedAt: now, returnReason: decision === 'return' ? reason : null })
      .where(and(eq(applications.id, id), eq(applications.status, 'pending'))).run().changes
    if (done === 0) throw new Conflict('application.already-decided')
    recordAudit(tx, { ...audit, subjectType: 'application', subjectId: id, details: decision === 'return' ? { decision, reason } : { decision } }, now)
  }, { behavior: 'immediate' })
}

/** The official result; a pass also records the certificate on the person. */
export function recordResult (db: Db, a: { id: number, traineeId: number }, result: ExamResult, certificate: CertificateInput | null, by: number, audit: Audit, now: Date): void {
  db.transaction((tx) => {
    const done = tx.update(applications).set({ result, resultBy: by, resultAt: now })
      .where(and(eq(applications.id, a.id), eq(applications.status, 'accepted'), isNull(applications.result))).run().changes
    if (done === 0) throw new Conflict('application.result-recorded')
    if (result === 'pass' && certificate) runSync(writeCertificate(tx as unknown as Db, a.traineeId, certificate, audit, now))
    recordAudit(tx, { ...audit, subjectType: 'application', subjectId: a.id, details: { result } }, now)
  }, { behavior: 'immediate' })
}

// ---- the police dashboard ----

/** People currently employed by enterprises of the jurisdictions, with what readiness needs. */
export function employedPeople (db: DbOrTx, f: { jurisdictionIds?: readonly number[], enterpriseId?: number, enterpriseIds?: readonly number[] }) {
  return db.select({
    id: trainees.id, birthDate: trainees.birthDate, education: trainees.education, enterpriseId: employments.enterpriseId, dutyStatus: employments.dutyStatus, certificateStatus: trainees.certificateStatus
  }).from(employments)
    .innerJoin(trainees, eq(trainees.id, employments.traineeId))
    .innerJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(and(isNull(employments.endedOn),
      f.jurisdictionIds ? (f.jurisdictionIds.length ? inArray(enterprises.jurisdictionId, [...f.jurisdictionIds]) : sql`0`) : undefined,
      f.enterpriseId ? eq(employments.enterpriseId, f.enterpriseId) : undefined,
      f.enterpriseIds ? (f.enterpriseIds.length ? inArray(employments.enterpriseId, [...f.enterpriseIds]) : sql`0`) : undefined)).all()
}

/** Pending applications per enterprise. */
export function pendingByEnterprise (db: DbOrTx, enterpriseIds: readonly number[]): Map<number, number> {
  if (enterpriseIds.length === 0) return new Map()
  const rows = db.select({ enterpriseId: applications.enterpriseId, n: count() }).from(applications)
    .where(and(inArray(applications.enterpriseId, [...enterpriseIds]), eq(applications.status, 'pending'))).groupBy(applications.enterpriseId).all()
  return new Map(rows.map((r) => [r.enterpriseId, r.n]))
}

/**
 * Pending applications of every enterprise of some jurisdictions: one count, the enterprises of the
 * jurisdictions (enterprises_jurisdiction_idx) as the list of keys sought in applications_enterprise_idx.
 */
export function countPending (db: DbOrTx, jurisdictionIds: readonly number[]): number {
  if (jurisdictionIds.length === 0) return 0
  const inJurisdictions = db.select({ id: enterprises.id }).from(enterprises).where(inArray(enterprises.jurisdictionId, [...jurisdictionIds]))
  return db.select({ n: count() }).from(applications)
    .where(and(eq(applications.status, 'pending'), inArray(applications.enterpriseId, inJurisdictions))).get()?.n ?? 0
}

/** The user names of staff, for showing who issued or decided. */
export function userNames (db: DbOrTx, ids: ReadonlyArray<number | null>): Map<number, string> {
  const list = [...new Set(ids.filter((x): x is number => x !== null))]
  if (list.length === 0) return new Map()
  return new Map(db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, list)).all().map((u) => [u.id, u.name]))
}
