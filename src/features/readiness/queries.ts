import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, or, sql, count, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { Conflict } from '../../http/errors.js'
import { localDate } from '../../lib/time.js'
import { chunks } from '../../lib/chunks.js'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { users, attempts, bankReleases, statements, examSittings, applications, type ApplicationStatus, type ExamResult } from '../../db/schema.js'
import { trainees, enterprises, jurisdictions, declarations, readSetting, writeSetting, writeCertificate, type DeclarationKind, type CertificateInput } from '../orgs/index.js'
import { mandatoryAssignmentsOf, mandatoryFrom, type TraineeLearning } from '../learning/index.js'
import { DEFAULT_SETTINGS, readSettings, evaluateEligibility, type EligibilitySettings, type Evaluation, type MockResult, type TraineeRecord } from './rules.js'
import type { StatementSnapshot } from './statements.js'
import { raiseRulesGeneration } from './store.js'
import type { SittingInput } from './sittings.js'
import type { MessageKey } from '../../i18n/index.js'

// Query functions for both engines (ARCHITECTURE, "The data layer on two engines"): each yields its
// statements; routes run them with app.exec or app.transaction. Calls into orgs, not moved yet
// (settings, the certificate), stay plain synchronous calls on the same handle: the SQLite bridge,
// inside the caller's transaction.

type Audit = Omit<AuditEntry, 'subjectId' | 'subjectType'>
export type Statement = typeof statements.$inferSelect
export type Sitting = typeof examSittings.$inferSelect
export type Application = typeof applications.$inferSelect

// ---- settings ----

const SETTINGS_KEY = 'readiness.settings'

/** The eligibility settings an administrator set, else the defaults. */
export function * readEligibilitySettings (db: Db): Q<EligibilitySettings> {
  const raw = yield * readSetting(db, SETTINGS_KEY)
  if (!raw) return { ...DEFAULT_SETTINGS }
  try {
    const parsed = readSettings({ ...DEFAULT_SETTINGS, ...JSON.parse(raw) as Record<string, unknown> })
    return parsed.ok ? parsed.value : { ...DEFAULT_SETTINGS }
  } catch {
    return { ...DEFAULT_SETTINGS }
  }
}

/** Saves the settings: a transaction body. */
export function * saveEligibilitySettings (db: Db, s: EligibilitySettings, audit: Audit, now: Date): Q<void> {
  const before = yield * readEligibilitySettings(db)
  yield * writeSetting(db, SETTINGS_KEY, JSON.stringify(s))
  // Every stored readiness is now of older rules: the keeper works them out again in the background.
  yield * raiseRulesGeneration(db)
  yield * writeAudit(db, { ...audit, subjectType: 'settings', subjectId: SETTINGS_KEY, details: { before, after: s } }, now)
}

// ---- a trainee's record and its evaluation ----

interface RecordFacts { id: number, birthDate: string, education: TraineeRecord['education'] }

/**
 * The records of many trainees at once (batched queries, the learning area's included; a caller
 * that has worked out their learning records for the enterprises employing them now passes them).
 */
function * gatherRecords (db: Db, people: readonly RecordFacts[], s: EligibilitySettings, now: Date, timeZone: string, learning?: ReadonlyMap<number, TraineeLearning>): Q<Map<number, TraineeRecord>> {
  const ids = people.map((p) => p.id)
  const out = new Map<number, TraineeRecord>()
  if (ids.length === 0) return out
  const decl = new Map<number, Partial<Record<DeclarationKind, boolean>>>()
  for (const chunk of chunks(ids)) {
    const rows = yield * all(db.select({ traineeId: declarations.traineeId, kind: declarations.kind, value: declarations.value }).from(declarations)
      .where(inArray(declarations.traineeId, chunk)).orderBy(asc(declarations.declaredAt), asc(declarations.id)))
    for (const r of rows) {
      const m = decl.get(r.traineeId) ?? {}
      m[r.kind] = r.value
      decl.set(r.traineeId, m)
    }
  }
  const mocks = new Map<number, MockResult[]>()
  for (const chunk of chunks(ids)) {
    const rows = yield * all(db.select({ id: attempts.id, traineeId: attempts.traineeId, finishedAt: attempts.finishedAt, score: attempts.score, maxScore: attempts.maxScore, passed: attempts.passed, release: bankReleases.label })
      .from(attempts).innerJoin(bankReleases, eq(bankReleases.id, attempts.releaseId))
      .where(and(inArray(attempts.traineeId, chunk), eq(attempts.blueprintKey, s.mockBlueprint), isNotNull(attempts.finishedAt))))
    for (const r of rows) {
      const list = mocks.get(r.traineeId) ?? []
      list.push({ attemptId: r.id, finishedAt: r.finishedAt!, finishedOn: localDate(r.finishedAt!, timeZone), score: r.score ?? 0, maxScore: r.maxScore, passed: r.passed === true, release: r.release })
      mocks.set(r.traineeId, list)
    }
  }
  const mandatory = learning
    ? new Map(people.map((p) => [p.id, mandatoryFrom(learning.get(p.id)?.assignments ?? [])]))
    : yield * mandatoryAssignmentsOf(db, people.map((p) => p.id), now, timeZone)
  for (const p of people) {
    out.set(p.id, { birthDate: p.birthDate, education: p.education, declarations: decl.get(p.id) ?? {}, mandatory: mandatory.get(p.id) ?? [], mocks: mocks.get(p.id) ?? [] })
  }
  return out
}

export function * evaluateMany (db: Db, people: readonly RecordFacts[], s: EligibilitySettings, now: Date, timeZone: string, learning?: ReadonlyMap<number, TraineeLearning>): Q<Map<number, { record: TraineeRecord, evaluation: Evaluation }>> {
  const today = localDate(now, timeZone)
  const records = yield * gatherRecords(db, people, s, now, timeZone, learning)
  return new Map([...records].map(([id, record]) => [id, { record, evaluation: evaluateEligibility(record, s, today) }]))
}

// ---- statements ----

/** Issues a statement unless the person holds a valid one: a transaction body. */
export function * insertStatement (db: Db, st: { code: string, traineeId: number, enterpriseId: number, snapshot: StatementSnapshot, issuedBy: number, issuedAt: Date, expiresAt: Date }, audit: Audit): Q<Statement> {
  const open = yield * one(db.select({ id: statements.id }).from(statements)
    .where(and(eq(statements.traineeId, st.traineeId), isNull(statements.revokedAt), gt(statements.expiresAt, st.issuedAt))).limit(1))
  if (open) throw new Conflict('statement.already-valid')
  const row = (yield * one(db.insert(statements).values(st).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'statement', subjectId: row.id, details: { traineeId: st.traineeId, expiresAt: st.expiresAt.toISOString() } }, st.issuedAt)
  return row
}

export function * findStatement (db: Db, id: number): Q<Statement | undefined> {
  return yield * one(db.select().from(statements).where(eq(statements.id, id)))
}

export function * findStatementByCode (db: Db, code: string): Q<Statement | undefined> {
  return yield * one(db.select().from(statements).where(eq(statements.code, code)))
}

export function * listStatements (db: Db, traineeId: number): Q<Statement[]> {
  return yield * all(db.select().from(statements).where(eq(statements.traineeId, traineeId)).orderBy(desc(statements.issuedAt), desc(statements.id)))
}

/** The newest statement that is neither revoked nor expired, if any. */
export function * currentStatements (db: Db, traineeIds: readonly number[], now: Date): Q<Map<number, Statement>> {
  const out = new Map<number, Statement>()
  for (const chunk of chunks([...traineeIds])) {
    const rows = yield * all(db.select().from(statements)
      .where(and(inArray(statements.traineeId, chunk), isNull(statements.revokedAt), gt(statements.expiresAt, now)))
      .orderBy(asc(statements.issuedAt)))
    for (const r of rows) out.set(r.traineeId, r)
  }
  return out
}

/** Revokes a statement not yet revoked: a transaction body. */
export function * revokeStatement (db: Db, id: number, by: number, reason: string, audit: Audit, now: Date): Q<void> {
  const done = (yield * run(db.update(statements).set({ revokedAt: now, revokedBy: by, revokeReason: reason })
    .where(and(eq(statements.id, id), isNull(statements.revokedAt))))).changes
  if (done === 0) throw new Conflict('statement.already-revoked')
  yield * writeAudit(db, { ...audit, subjectType: 'statement', subjectId: id, details: { reason } }, now)
}

// ---- sittings ----

export interface SittingRow extends Sitting { jurisdictionName: string, accepted: number, pending: number }

const sittingColumns = {
  id: examSittings.id, jurisdictionId: examSittings.jurisdictionId, sitsOn: examSittings.sitsOn, startsAt: examSittings.startsAt, venue: examSittings.venue,
  capacity: examSittings.capacity, applyBy: examSittings.applyBy, publishedBy: examSittings.publishedBy, publishedAt: examSittings.publishedAt,
  jurisdictionName: jurisdictions.name,
  // Counts in raw subqueries, read as numbers (PostgreSQL's count is a bigint, given as text).
  accepted: sql<number>`(SELECT count(*) FROM ${applications} WHERE ${applications.sittingId} = ${examSittings.id} AND ${applications.status} = 'accepted')`.mapWith(Number),
  pending: sql<number>`(SELECT count(*) FROM ${applications} WHERE ${applications.sittingId} = ${examSittings.id} AND ${applications.status} = 'pending')`.mapWith(Number)
}

/** Sittings held by any of the jurisdictions, newest first. */
export function * findSitting (db: Db, id: number, jurisdictionIds: readonly number[]): Q<SittingRow | undefined> {
  if (jurisdictionIds.length === 0) return undefined
  return yield * one(db.select(sittingColumns).from(examSittings).innerJoin(jurisdictions, eq(jurisdictions.id, examSittings.jurisdictionId))
    .where(and(eq(examSittings.id, id), inArray(examSittings.jurisdictionId, [...jurisdictionIds]))))
}

/** Publishes a sitting: a transaction body. */
export function * insertSitting (db: Db, jurisdictionId: number, s: SittingInput, by: number, audit: Audit, now: Date): Q<Sitting> {
  const row = (yield * one(db.insert(examSittings).values({ ...s, jurisdictionId, publishedBy: by, publishedAt: now }).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'sitting', subjectId: row.id, details: { ...s, jurisdictionId } }, now)
  return row
}

// ---- applications ----

export interface ApplicationRow extends Application { fullName: string, enterpriseName: string, sitsOn: string, venue: string, statementCode: string }

function applicationQuery (db: Db) {
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

export function * listApplications (db: Db, f: { sittingId?: number, traineeId?: number, enterpriseId?: number }): Q<ApplicationRow[]> {
  return yield * all(applicationQuery(db).where(applicationWhere(f)).orderBy(desc(applications.appliedAt), desc(applications.id)))
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
    f.enterpriseJurisdictionIds ? (f.enterpriseJurisdictionIds.length ? inArray(enterprises.jurisdictionId, [...f.enterpriseJurisdictionIds]) : sql`false`) : undefined
  )
}

function * countApplications (db: Db, where: SQL | undefined): Q<number> {
  return (yield * one(db.select({ n: count() }).from(applications)
    .innerJoin(enterprises, eq(enterprises.id, applications.enterpriseId))
    .innerJoin(examSittings, eq(examSittings.id, applications.sittingId))
    .where(where)))?.n ?? 0
}

export const APPLICATION_KEY = ['n', 'n'] as const
const applicationKey = (a: { appliedAt: Date, id: number }): Key => [a.appliedAt.getTime(), a.id]

/** One keyset page of applications, newest first, with the true total. */
export function * pageApplications (db: Db, f: ApplicationFilter, page: KeysetRequest): Q<KeysetPage<ApplicationRow>> {
  const where = applicationWhere(f)
  const k = keysetQuery([applications.appliedAt, applications.id], page, true)
  const rows = yield * all(applicationQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))
  return toPage(rows, page, yield * countApplications(db, where), applicationKey)
}

/**
 * Pending applications a police officer follows: to sittings of their subtree, or from its
 * enterprises (optionally one of them); the oldest first, a keyset page with the true total.
 */
export function * pendingApplications (db: Db, jurisdictionIds: readonly number[], enterpriseId: number | undefined, page: KeysetRequest): Q<KeysetPage<ApplicationRow>> {
  const ids = [...jurisdictionIds]
  const where = and(
    eq(applications.status, 'pending'),
    ids.length ? or(inArray(examSittings.jurisdictionId, ids), inArray(enterprises.jurisdictionId, ids)) : sql`false`,
    enterpriseId ? eq(applications.enterpriseId, enterpriseId) : undefined
  )
  const k = keysetQuery([applications.appliedAt, applications.id], page)
  const rows = yield * all(applicationQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))
  return toPage(rows, page, yield * countApplications(db, where), applicationKey)
}

export const SITTING_KEY = ['s', 'n'] as const

/** One keyset page of the sittings of some jurisdictions, latest day first, with the true total. */
export function * pageSittings (db: Db, jurisdictionIds: readonly number[], page: KeysetRequest): Q<KeysetPage<SittingRow>> {
  const where = jurisdictionIds.length ? inArray(examSittings.jurisdictionId, [...jurisdictionIds]) : sql`false`
  const k = keysetQuery([examSittings.sitsOn, examSittings.id], page, true)
  const rows = yield * all(db.select(sittingColumns).from(examSittings).innerJoin(jurisdictions, eq(jurisdictions.id, examSittings.jurisdictionId))
    .where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit))
  const total = (yield * one(db.select({ n: count() }).from(examSittings).where(where)))?.n ?? 0
  return toPage(rows, page, total, (s) => [s.sitsOn, s.id])
}

export function * findApplication (db: Db, id: number): Q<ApplicationRow | undefined> {
  return yield * one(applicationQuery(db).where(eq(applications.id, id)))
}

/** Applications still counting against a sitting's capacity: accepted and pending. */
export function * takenPlaces (db: Db, sittingId: number): Q<number> {
  return (yield * one(db.select({ n: count() }).from(applications).where(and(eq(applications.sittingId, sittingId), inArray(applications.status, ['accepted', 'pending'])))))?.n ?? 0
}

/** Which of these people have an application in flight (pending, or accepted and waiting for its result). */
export function * openApplicants (db: Db, traineeIds: readonly number[]): Q<Set<number>> {
  const out = new Set<number>()
  for (const chunk of chunks([...traineeIds])) {
    const rows = yield * all(db.select({ traineeId: applications.traineeId }).from(applications)
      .where(and(inArray(applications.traineeId, chunk), or(eq(applications.status, 'pending'), and(eq(applications.status, 'accepted'), isNull(applications.result))))))
    for (const r of rows) out.add(r.traineeId)
  }
  return out
}

export function * applicationHistory (db: Db, traineeId: number): Q<Array<{ status: ApplicationStatus, result: ExamResult | null, resit: boolean }>> {
  return yield * all(db.select({ status: applications.status, result: applications.result, resit: applications.resit }).from(applications)
    .where(eq(applications.traineeId, traineeId)).orderBy(desc(applications.appliedAt), desc(applications.id)))
}

/**
 * Stores an application after `check` passes inside the same transaction (a body: `check` is a
 * query function reading on the transaction's handle), so two trainers racing for the last place
 * cannot both get it: on SQLite the transaction holds the write lock from its start, on
 * PostgreSQL it is serialisable.
 */
export function * insertApplication (db: Db, a: { sittingId: number, traineeId: number, enterpriseId: number, statementId: number, appliedBy: number }, check: (db: Db) => Q<{ problem: MessageKey } | { problem: null, resit: boolean }>, audit: Audit, now: Date): Q<Application> {
  const verdict = yield * check(db)
  if (verdict.problem !== null) throw new Conflict(verdict.problem)
  const row = (yield * one(db.insert(applications).values({ ...a, resit: verdict.resit, appliedAt: now, status: 'pending' }).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'application', subjectId: row.id, details: { sittingId: a.sittingId, traineeId: a.traineeId, statementId: a.statementId, resit: verdict.resit } }, now)
  return row
}

/** Accepts or returns a pending application: a transaction body. */
export function * decideApplication (db: Db, id: number, decision: 'accept' | 'return', reason: string, by: number, audit: Audit, now: Date): Q<void> {
  const done = (yield * run(db.update(applications).set({ status: decision === 'accept' ? 'accepted' : 'returned', decidedBy: by, decidedAt: now, returnReason: decision === 'return' ? reason : null })
    .where(and(eq(applications.id, id), eq(applications.status, 'pending'))))).changes
  if (done === 0) throw new Conflict('application.already-decided')
  yield * writeAudit(db, { ...audit, subjectType: 'application', subjectId: id, details: decision === 'return' ? { decision, reason } : { decision } }, now)
}

/** The official result; a pass also records the certificate on the person: a transaction body. */
export function * recordResult (db: Db, a: { id: number, traineeId: number }, result: ExamResult, certificate: CertificateInput | null, by: number, audit: Audit, now: Date): Q<void> {
  const done = (yield * run(db.update(applications).set({ result, resultBy: by, resultAt: now })
    .where(and(eq(applications.id, a.id), eq(applications.status, 'accepted'), isNull(applications.result))))).changes
  if (done === 0) throw new Conflict('application.result-recorded')
  // orgs has not moved yet: its certificate write runs at once on this handle, inside this transaction (the SQLite bridge).
  if (result === 'pass' && certificate) yield * writeCertificate(db, a.traineeId, certificate, audit, now)
  yield * writeAudit(db, { ...audit, subjectType: 'application', subjectId: a.id, details: { result } }, now)
}

// ---- the police dashboard ----

/** Pending applications per enterprise. */
export function * pendingByEnterprise (db: Db, enterpriseIds: readonly number[]): Q<Map<number, number>> {
  if (enterpriseIds.length === 0) return new Map()
  const rows = yield * all(db.select({ enterpriseId: applications.enterpriseId, n: count() }).from(applications)
    .where(and(inArray(applications.enterpriseId, [...enterpriseIds]), eq(applications.status, 'pending'))).groupBy(applications.enterpriseId))
  return new Map(rows.map((r) => [r.enterpriseId, r.n]))
}

/**
 * Pending applications of every enterprise of some jurisdictions: one count, the enterprises of the
 * jurisdictions (enterprises_jurisdiction_idx) as the list of keys sought in applications_enterprise_idx.
 */
export function * countPending (db: Db, jurisdictionIds: readonly number[]): Q<number> {
  if (jurisdictionIds.length === 0) return 0
  const inJurisdictions = db.select({ id: enterprises.id }).from(enterprises).where(inArray(enterprises.jurisdictionId, [...jurisdictionIds]))
  return (yield * one(db.select({ n: count() }).from(applications)
    .where(and(eq(applications.status, 'pending'), inArray(applications.enterpriseId, inJurisdictions)))))?.n ?? 0
}

/** The user names of staff, for showing who issued or decided. */
export function * userNames (db: Db, ids: ReadonlyArray<number | null>): Q<Map<number, string>> {
  const list = [...new Set(ids.filter((x): x is number => x !== null))]
  if (list.length === 0) return new Map()
  return new Map((yield * all(db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, list)))).map((u) => [u.id, u.name]))
}
