import { and, asc, desc, eq, gt, inArray, isNull, like, lt, or, sql, count, type SQL } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { recordAudit, recordAuditPrepared, type AuditEntry } from '../audit/index.js'
import { prepared } from '../../db/statements.js'
import { readinessChanged } from '../../db/readiness-hook.js'
import { runSync } from '../../db/engine.js'
import { users, jurisdictions, enterprises, sites, trainees, employments, declarations, appSettings, rosterImports, enterpriseCounts, type CheckedImportRow, type Role, type DutyStatus, type DeclarationKind, type JurisdictionLevel, type Education } from '../../db/schema.js'
import { scopeFor, sittingJurisdictions, type Scope, type TreeNode } from './scope.js'
import { keysetQuery } from '../../db/keyset.js'
import { keysetChunks, toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { CertificateInput, DeclarationValues, ValidPerson } from './people.js'

export type Jurisdiction = typeof jurisdictions.$inferSelect
export type Enterprise = typeof enterprises.$inferSelect
export type Trainee = typeof trainees.$inferSelect
export type Employment = typeof employments.$inferSelect

// ---- settings ----

export function readSetting (db: DbOrTx, key: string): string | undefined {
  return db.select().from(appSettings).where(eq(appSettings.key, key)).get()?.value
}

export function writeSetting (db: DbOrTx, key: string, value: string): void {
  db.insert(appSettings).values({ key, value }).onConflictDoUpdate({ target: appSettings.key, set: { value } }).run()
}

export function countTrainees (db: DbOrTx): number {
  return db.select({ n: count() }).from(trainees).get()?.n ?? 0
}

// ---- jurisdictions ----

export function listJurisdictions (db: DbOrTx): Jurisdiction[] {
  return db.select().from(jurisdictions).orderBy(asc(jurisdictions.code)).all()
}

export function findJurisdiction (db: DbOrTx, id: number): Jurisdiction | undefined {
  return db.select().from(jurisdictions).where(eq(jurisdictions.id, id)).get()
}

export function findJurisdictionByCode (db: DbOrTx, code: string): Jurisdiction | undefined {
  return db.select().from(jurisdictions).where(eq(jurisdictions.code, code)).get()
}

/** The whole tree, small enough to load on each scoped request. */
export function jurisdictionTree (db: DbOrTx): TreeNode[] {
  return db.select({ id: jurisdictions.id, parentId: jurisdictions.parentId }).from(jurisdictions).all()
}

/** Builds the actor's scope from the database facts the role's scoping function needs. */
/** A police officer's jurisdiction and every one below it (empty for other roles). */
export function policeSubtree (db: DbOrTx, actor: Parameters<typeof loadScope>[1]): number[] {
  if (actor.role !== 'police') return []
  const scope = loadScope(db, actor)
  return scope.kind === 'jurisdictions' ? scope.jurisdictionIds : []
}

/** The jurisdictions whose exam sittings the actor sees (scope.ts sittingJurisdictions, with the facts it needs). */
export function loadSittingScope (db: DbOrTx, actor: { role: Role, enterpriseId: number | null, jurisdictionId: number | null }): number[] {
  const enterprise = actor.role === 'trainer' && actor.enterpriseId ? findEnterprise(db, actor.enterpriseId) : undefined
  return sittingJurisdictions({ role: actor.role, enterpriseJurisdictionId: enterprise?.jurisdictionId ?? null, jurisdictionId: actor.jurisdictionId, tree: jurisdictionTree(db) })
}

export function loadScope (db: DbOrTx, actor: { id: number, role: Role, enterpriseId: number | null, jurisdictionId: number | null }): Scope {
  return scopeFor({
    role: actor.role,
    traineeId: actor.role === 'trainee' ? findTraineeByUserId(db, actor.id)?.id : undefined,
    enterpriseId: actor.enterpriseId,
    jurisdictionId: actor.jurisdictionId,
    tree: actor.role === 'police' ? jurisdictionTree(db) : []
  })
}

export function insertJurisdiction (db: Db, j: { code: string, name: string, level: JurisdictionLevel, parentId: number | null }, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): Jurisdiction {
  return db.transaction((tx) => {
    const row = tx.insert(jurisdictions).values({ ...j, createdAt: now }).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'jurisdiction', subjectId: row.id, details: { code: j.code, name: j.name, level: j.level } }, now)
    return row
  }, { behavior: 'immediate' })
}

export function renameJurisdiction (db: Db, id: number, name: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    const before = findJurisdiction(tx, id)
    tx.update(jurisdictions).set({ name }).where(eq(jurisdictions.id, id)).run()
    recordAudit(tx, { ...audit, subjectType: 'jurisdiction', subjectId: id, details: { from: before?.name, to: name } }, now)
  }, { behavior: 'immediate' })
}

// ---- enterprises ----

export interface EnterpriseRow extends Enterprise {
  jurisdictionName: string
  jurisdictionCode: string
  inTraining: number
  onDuty: number
  onDutyWithoutCertificate: number
  /** Guards whose stored readiness is eligible (any duty status), as the police drill-down lists them. */
  eligible: number
}

/** An enterprise's name for a choice (a <select> or a list of checkboxes). */
export interface EnterpriseChoice { id: number, name: string, jurisdictionName: string }

/** The sums of the head counts over some enterprises: a jurisdiction's totals. */
export interface EnterpriseTotals { inTraining: number, onDuty: number, onDutyWithoutCertificate: number, eligible: number }

/** Lists of enterprises page by name, then id (enterprises_name_idx). */
export const ENTERPRISE_KEY = ['s', 'n'] as const
export const enterpriseKey = (e: { name: string, id: number }): Key => [e.name, e.id]

/**
 * One keyset page of enterprises by name with their head counts, optionally limited to some
 * jurisdictions, and the true number of them. The counts are each enterprise's row of
 * enterprise_counts (kept with the stored readiness, readiness/store.ts), joined by primary key:
 * the cost follows the enterprises shown, not their guards or their history.
 */
export function pageEnterprises (db: DbOrTx, jurisdictionIds: number[] | undefined, page: KeysetRequest): KeysetPage<EnterpriseRow> {
  const k = keysetQuery([enterprises.name, enterprises.id], page)
  const fetched = enterpriseQuery(db, jurisdictionIds, k.where).orderBy(...k.orderBy).limit(k.limit).all()
  return toPage(fetched, page, countEnterprises(db, jurisdictionIds), enterpriseKey)
}

/** The enterprises of some jurisdictions by name, a bounded chunk at a time with the event loop free between chunks: a district's export. */
export function eachEnterprise (db: DbOrTx, jurisdictionIds: number[], chunk = 50): AsyncGenerator<EnterpriseRow[]> {
  return keysetChunks((after, size) => {
    const k = keysetQuery([enterprises.name, enterprises.id], { size: size - 1, after })
    return enterpriseQuery(db, jurisdictionIds, k.where).orderBy(...k.orderBy).limit(k.limit).all()
  }, enterpriseKey, chunk)
}

/** How many enterprises some jurisdictions have (all of them without a list). */
export function countEnterprises (db: DbOrTx, jurisdictionIds?: number[]): number {
  return db.select({ n: count() }).from(enterprises).where(jurisdictionCondition(jurisdictionIds)).get()?.n ?? 0
}

/**
 * The head counts of every enterprise of some jurisdictions summed: one SUM over their rows of
 * enterprise_counts (enterprises_jurisdiction_idx, then each row by primary key), never a list of them.
 */
export function sumEnterpriseCounts (db: DbOrTx, jurisdictionIds: number[]): EnterpriseTotals {
  const c = enterpriseCounts
  const row = db.select({
    inTraining: sql<number>`coalesce(sum(${c.inTraining}), 0)`,
    onDuty: sql<number>`coalesce(sum(${c.onDuty}), 0)`,
    onDutyWithoutCertificate: sql<number>`coalesce(sum(${c.onDutyUncertified}), 0)`,
    eligible: sql<number>`coalesce(sum(${c.eligible}), 0)`
  }).from(enterprises).innerJoin(c, eq(c.enterpriseId, enterprises.id)).where(jurisdictionCondition(jurisdictionIds)).get()
  return row ?? { inTraining: 0, onDuty: 0, onDutyWithoutCertificate: 0, eligible: 0 }
}

/**
 * Every enterprise of some jurisdictions (all without a list) by name, id and name only: for a
 * form's choice of enterprises (a trainer account's employer, a message's recipients), where the
 * whole list is the choice. At most the province's 2,000 rows of one small table, no counts.
 */
export function listEnterpriseChoices (db: DbOrTx, jurisdictionIds?: number[]): EnterpriseChoice[] {
  return db.select({ id: enterprises.id, name: enterprises.name, jurisdictionName: jurisdictions.name }).from(enterprises)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterprises.jurisdictionId))
    .where(jurisdictionCondition(jurisdictionIds)).orderBy(asc(enterprises.name), asc(enterprises.id)).all()
}

function jurisdictionCondition (jurisdictionIds?: number[]): SQL | undefined {
  return jurisdictionIds ? (jurisdictionIds.length ? inArray(enterprises.jurisdictionId, jurisdictionIds) : sql`0`) : undefined
}

/** Enterprises with their jurisdiction and their counts row (zeros when they have none). */
function enterpriseQuery (db: DbOrTx, jurisdictionIds?: number[], extra?: SQL) {
  const c = enterpriseCounts
  return db.select({
    id: enterprises.id,
    name: enterprises.name,
    creditCode: enterprises.creditCode,
    address: enterprises.address,
    jurisdictionId: enterprises.jurisdictionId,
    createdAt: enterprises.createdAt,
    updatedAt: enterprises.updatedAt,
    jurisdictionName: jurisdictions.name,
    jurisdictionCode: jurisdictions.code,
    inTraining: sql<number>`coalesce(${c.inTraining}, 0)`,
    onDuty: sql<number>`coalesce(${c.onDuty}, 0)`,
    onDutyWithoutCertificate: sql<number>`coalesce(${c.onDutyUncertified}, 0)`,
    eligible: sql<number>`coalesce(${c.eligible}, 0)`
  }).from(enterprises)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterprises.jurisdictionId))
    .leftJoin(c, eq(c.enterpriseId, enterprises.id))
    .where(and(jurisdictionCondition(jurisdictionIds), extra))
}

export function findEnterprise (db: DbOrTx, id: number, jurisdictionIds?: number[]): Enterprise | undefined {
  return db.select().from(enterprises)
    .where(and(eq(enterprises.id, id), jurisdictionIds ? inArray(enterprises.jurisdictionId, jurisdictionIds) : undefined)).get()
}

export function findEnterpriseByCreditCode (db: DbOrTx, code: string): Enterprise | undefined {
  return db.select().from(enterprises).where(eq(enterprises.creditCode, code)).get()
}

export interface EnterpriseInput { name: string, creditCode: string, address: string, jurisdictionId: number }

export function insertEnterprise (db: Db, e: EnterpriseInput, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): Enterprise {
  return db.transaction((tx) => {
    const row = tx.insert(enterprises).values({ ...e, createdAt: now, updatedAt: now }).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'enterprise', subjectId: row.id, details: { ...e } }, now)
    return row
  }, { behavior: 'immediate' })
}

export function updateEnterprise (db: Db, id: number, e: EnterpriseInput, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    const before = findEnterprise(tx, id)
    tx.update(enterprises).set({ ...e, updatedAt: now }).where(eq(enterprises.id, id)).run()
    recordAudit(tx, { ...audit, subjectType: 'enterprise', subjectId: id, details: { before: before && { name: before.name, creditCode: before.creditCode, address: before.address, jurisdictionId: before.jurisdictionId }, after: { ...e } } }, now)
  }, { behavior: 'immediate' })
}

// ---- people ----

/** The SQL condition a scope puts on a people query joined with the open employment and its enterprise. */
function scopeCondition (scope: Scope): SQL | undefined {
  switch (scope.kind) {
    case 'all': return undefined
    case 'none': return sql`0`
    case 'self': return eq(trainees.id, scope.traineeId)
    case 'enterprise': return eq(employments.enterpriseId, scope.enterpriseId)
    case 'jurisdictions': return scope.jurisdictionIds.length ? or(inArray(enterprises.jurisdictionId, scope.jurisdictionIds), postedInArea(scope.jurisdictionIds)) : sql`0`
  }
}

/** The guard is posted at a site in one of these areas (scope.ts, personVisible: a station sees the guards of the sites in its area). */
function postedInArea (jurisdictionIds: number[]): SQL {
  return sql`${employments.siteId} IN (SELECT ${sites.id} FROM ${sites} WHERE ${inArray(sites.jurisdictionId, jurisdictionIds)})`
}

export interface PersonRow {
  id: number
  fullName: string
  idNumberEnc: string
  birthDate: string
  phone: string
  education: Education
  certificateNo: string | null
  certificateIssuedOn: string | null
  certificateStatus: Trainee['certificateStatus']
  privacyAcceptedAt: Date | null
  userId: number | null
  username: string | null
  loginStatus: 'active' | 'disabled' | null
  mustChangePassword: boolean | null
  employmentId: number | null
  enterpriseId: number | null
  enterpriseName: string | null
  dutyStatus: DutyStatus | null
  startedOn: string | null
  siteId: number | null
  siteName: string | null
}

function peopleQuery (db: DbOrTx) {
  return db.select({
    id: trainees.id,
    fullName: trainees.fullName,
    idNumberEnc: trainees.idNumberEnc,
    birthDate: trainees.birthDate,
    phone: trainees.phone,
    education: trainees.education,
    certificateNo: trainees.certificateNo,
    certificateIssuedOn: trainees.certificateIssuedOn,
    certificateStatus: trainees.certificateStatus,
    privacyAcceptedAt: trainees.privacyAcceptedAt,
    userId: trainees.userId,
    username: users.username,
    loginStatus: users.status,
    mustChangePassword: users.mustChangePassword,
    employmentId: employments.id,
    enterpriseId: employments.enterpriseId,
    enterpriseName: enterprises.name,
    dutyStatus: employments.dutyStatus,
    startedOn: employments.startedOn,
    siteId: employments.siteId,
    siteName: sites.name
  }).from(trainees)
    .leftJoin(users, eq(users.id, trainees.userId))
    .leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .leftJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .leftJoin(sites, eq(sites.id, employments.siteId))
}

export interface PeopleFilter {
  /** Part of a name, a certificate number, or (exact) the keyed hash of an ID number. */
  text?: string
  idNumberHmac?: string
  duty?: DutyStatus
  enterpriseId?: number
  /** Guards posted at this site. */
  siteId?: number
  /** At most this many (by name); every match when left out. */
  limit?: number
  offset?: number
}

function peopleWhere (scope: Scope, f: PeopleFilter): SQL | undefined {
  const text = f.text?.trim()
  const search = f.idNumberHmac
    ? eq(trainees.idNumberHmac, f.idNumberHmac)
    : text ? or(like(trainees.fullName, `%${escapeLike(text)}%`), like(trainees.certificateNo, `%${escapeLike(text.toUpperCase())}%`)) : undefined
  return and(scopeCondition(scope), search, f.duty ? eq(employments.dutyStatus, f.duty) : undefined, f.enterpriseId ? eq(employments.enterpriseId, f.enterpriseId) : undefined, f.siteId ? eq(employments.siteId, f.siteId) : undefined)
}

/** People in the scope matching the filter, by name; every one of them unless `limit` says otherwise. */
export function listPeople (db: DbOrTx, scope: Scope, f: PeopleFilter = {}): PersonRow[] {
  const q = peopleQuery(db).where(peopleWhere(scope, f)).orderBy(asc(trainees.fullName), asc(trainees.id))
  return (f.limit !== undefined ? q.limit(f.limit).offset(f.offset ?? 0) : q).all() as PersonRow[]
}

/** How many people a filter finds: the list's true total. */
export function countPeople (db: DbOrTx, scope: Scope, f: PeopleFilter = {}): number {
  return db.select({ n: count() }).from(trainees)
    .leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .leftJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(peopleWhere(scope, f)).get()?.n ?? 0
}

/** How many guards of the scope are on duty without a valid certificate (the roster's warning). */
export function countFlagged (db: DbOrTx, scope: Scope): number {
  return db.select({ n: count() }).from(trainees)
    .innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .leftJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(and(scopeCondition(scope), eq(employments.dutyStatus, 'on-duty'), sql`coalesce(${trainees.certificateStatus}, '') <> 'valid'`)).get()?.n ?? 0
}

/** The sort key of a people list: name, then id. */
export const PEOPLE_KEY = ['s', 'n'] as const
export const personKey = (p: { fullName: string, id: number }): Key => [p.fullName, p.id]

/** One keyset page of people by name, with the true total. */
export function pagePeople (db: DbOrTx, scope: Scope, f: Omit<PeopleFilter, 'limit' | 'offset'>, page: KeysetRequest): KeysetPage<PersonRow> {
  return toPage(peoplePage(db, scope, f, page), page, countPeople(db, scope, f), personKey)
}

function peoplePage (db: DbOrTx, scope: Scope, f: PeopleFilter, page: KeysetRequest): PersonRow[] {
  const k = keysetQuery([trainees.fullName, trainees.id], page)
  return peopleQuery(db).where(and(peopleWhere(scope, f), k.where)).orderBy(...k.orderBy).limit(k.limit).all() as PersonRow[]
}

/** Every person of a filter, by name, a bounded chunk at a time with the event loop free between chunks: for exports. */
export function eachPeople (db: DbOrTx, scope: Scope, f: Omit<PeopleFilter, 'limit' | 'offset'> = {}, chunk = 500): AsyncGenerator<PersonRow[]> {
  return keysetChunks((after, size) => peoplePage(db, scope, f, { size: size - 1, after }), personKey, chunk)
}

function escapeLike (s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`)
}

/** One person, or undefined when outside the scope (the route answers 404). */
export function findPersonInScope (db: DbOrTx, scope: Scope, traineeId: number): PersonRow | undefined {
  return peopleQuery(db).where(and(eq(trainees.id, traineeId), scopeCondition(scope))).get() as PersonRow | undefined
}

export function findTraineeByUserId (db: DbOrTx, userId: number): Trainee | undefined {
  return db.select().from(trainees).where(eq(trainees.userId, userId)).get()
}
/**
 * A person by the keyed hash of their ID number, with their current employer.
 * Unscoped: for the add-by-ID-number flows only (one person, or each row of an
 * import: prepared), which reveal nothing about other employers.
 */
export function findPersonByIdHmac (db: Db, hmac: string): { id: number, fullName: string, employerId: number | null } | undefined {
  return prepared(db, `SELECT t.id, t.full_name AS fullName, e.enterprise_id AS employerId FROM trainees t
    LEFT JOIN employments e ON e.trainee_id = t.id AND e.ended_on IS NULL WHERE t.id_number_hmac = ?`).get(hmac) as { id: number, fullName: string, employerId: number | null } | undefined
}

export interface EmploymentHistoryRow extends Employment { enterpriseName: string }

export function employmentHistory (db: DbOrTx, traineeId: number): EmploymentHistoryRow[] {
  return db.select({ ...employmentColumns(), enterpriseName: enterprises.name }).from(employments)
    .innerJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(eq(employments.traineeId, traineeId))
    .orderBy(desc(employments.startedOn), desc(employments.id)).all()
}

function employmentColumns () {
  return {
    id: employments.id, traineeId: employments.traineeId, enterpriseId: employments.enterpriseId, startedOn: employments.startedOn,
    endedOn: employments.endedOn, dutyStatus: employments.dutyStatus, siteId: employments.siteId, createdAt: employments.createdAt, updatedAt: employments.updatedAt
  }
}

export interface DeclarationRow { kind: DeclarationKind, value: boolean, declaredAt: Date, declaredByName: string }

/** The latest declaration of each kind. */
export function currentDeclarations (db: DbOrTx, traineeId: number): DeclarationRow[] {
  const rows = db.select({ id: declarations.id, kind: declarations.kind, value: declarations.value, declaredAt: declarations.declaredAt, declaredByName: users.displayName })
    .from(declarations).innerJoin(users, eq(users.id, declarations.declaredBy))
    .where(eq(declarations.traineeId, traineeId))
    .orderBy(asc(declarations.declaredAt), asc(declarations.id)).all()
  const latest = new Map<DeclarationKind, DeclarationRow>()
  for (const r of rows) latest.set(r.kind, { kind: r.kind, value: r.value, declaredAt: r.declaredAt, declaredByName: r.declaredByName })
  return [...latest.values()]
}

// ---- people: changes, each in one transaction with its audit entry ----

export interface NewLogin { username: string, displayName: string, passwordHash: string }

/** A person as stored: the ID number only encrypted and as its keyed hash. */
export type EncryptedPerson = Omit<ValidPerson, 'idNumber'> & { idNumberEnc: string, idNumberHmac: string }

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>

/** Adds a new person with a login and an employment starting today; their trainee id. */
export function insertPerson (db: Db, p: EncryptedPerson, enterpriseId: number, login: NewLogin, startedOn: string, audit: ChangeAudit, now: Date): number {
  return db.$client.transaction(() => {
    const id = writePerson(db, p, enterpriseId, login, startedOn, audit, now)
    runSync(readinessChanged(db, [id], now))
    return id
  }).immediate()
}

/** Employs an existing person who has no open employment; their record stays as it is. */
export function employPerson (db: Db, traineeId: number, enterpriseId: number, startedOn: string, audit: ChangeAudit, now: Date): void {
  db.$client.transaction(() => {
    writeEmployment(db, traineeId, enterpriseId, startedOn, audit, now)
    runSync(readinessChanged(db, [traineeId], now))
  }).immediate()
}

// The two writes behind adding people, one at a time or thousands in one import's transaction:
// prepared statements (compiled once per connection), on the caller's transaction.

function writeEmployment (db: Db, traineeId: number, enterpriseId: number, startedOn: string, audit: ChangeAudit, now: Date, siteId: number | null = null): void {
  prepared(db, `INSERT INTO employments (trainee_id, enterprise_id, started_on, duty_status, site_id, created_at, updated_at)
    VALUES (?, ?, ?, 'in-training', ?, ?, ?)`)
    .run(traineeId, enterpriseId, startedOn, siteId, now.getTime(), now.getTime())
  recordAuditPrepared(db, { ...audit, action: 'employment.started', subjectType: 'trainee', subjectId: traineeId, details: { enterpriseId, startedOn, ...(siteId ? { siteId } : {}) } }, now)
}

function writePerson (db: Db, p: EncryptedPerson, enterpriseId: number, login: NewLogin, startedOn: string, audit: ChangeAudit, now: Date, siteId: number | null = null): number {
  const at = now.getTime()
  const user = prepared(db, `INSERT INTO users (username, display_name, password_hash, role, status, must_change_password, created_at, updated_at)
    VALUES (?, ?, ?, 'trainee', 'active', 1, ?, ?) RETURNING id`).get(login.username, login.displayName, login.passwordHash, at, at) as { id: number }
  const trainee = prepared(db, `INSERT INTO trainees (user_id, full_name, id_number_enc, id_number_hmac, birth_date, phone, education, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`).get(user.id, p.fullName, p.idNumberEnc, p.idNumberHmac, p.birthDate, p.phone, p.education, at, at) as { id: number }
  recordAuditPrepared(db, { ...audit, action: 'person.created', subjectType: 'trainee', subjectId: trainee.id, details: { fullName: p.fullName, enterpriseId, username: login.username } }, now)
  writeEmployment(db, trainee.id, enterpriseId, startedOn, audit, now, siteId)
  return trainee.id
}

export function updatePerson (db: Db, traineeId: number, p: EncryptedPerson, idChanged: boolean, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    const before = tx.select().from(trainees).where(eq(trainees.id, traineeId)).get()
    tx.update(trainees).set({
      fullName: p.fullName, phone: p.phone, education: p.education, updatedAt: now,
      ...(idChanged ? { idNumberEnc: p.idNumberEnc, idNumberHmac: p.idNumberHmac, birthDate: p.birthDate } : {})
    }).where(eq(trainees.id, traineeId)).run()
    const changed: Record<string, unknown> = {}
    if (before?.fullName !== p.fullName) changed.fullName = { from: before?.fullName, to: p.fullName }
    if (before?.phone !== p.phone) changed.phone = 'changed'
    if (before?.education !== p.education) changed.education = { from: before?.education, to: p.education }
    if (idChanged) changed.idNumber = 'changed'
    recordAudit(tx, { ...audit, action: 'person.updated', subjectType: 'trainee', subjectId: traineeId, details: changed }, now)
    // A new ID number may carry a new birth date; education is a rule of its own; the name is in the stored learning summary.
    if (idChanged || changed.education || changed.fullName) runSync(readinessChanged(db, [traineeId], now))
  }, { behavior: 'immediate' })
}

export function insertDeclarations (db: Db, traineeId: number, values: DeclarationValues, declaredBy: number, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    for (const [kind, value] of Object.entries(values) as Array<[DeclarationKind, boolean]>) {
      tx.insert(declarations).values({ traineeId, kind, value, declaredBy, declaredAt: now }).run()
    }
    recordAudit(tx, { ...audit, action: 'declarations.recorded', subjectType: 'trainee', subjectId: traineeId, details: { ...values } }, now)
    runSync(readinessChanged(db, [traineeId], now))
  }, { behavior: 'immediate' })
}

export function setCertificate (db: Db, traineeId: number, c: CertificateInput, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => { writeCertificate(tx, traineeId, c, audit, now) }, { behavior: 'immediate' })
}

/** Records a person's certificate inside the caller's transaction (a trainer's entry, or an official exam result). */
export function writeCertificate (tx: DbOrTx, traineeId: number, c: CertificateInput, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  tx.update(trainees).set({ certificateNo: c.certificateNo, certificateIssuedOn: c.issuedOn, certificateStatus: c.status, updatedAt: now }).where(eq(trainees.id, traineeId)).run()
  // A revoked certificate cannot stay on duty: the guard goes back to training.
  let backToTraining = false
  if (c.status !== 'valid') {
    backToTraining = tx.update(employments).set({ dutyStatus: 'in-training', updatedAt: now })
      .where(and(eq(employments.traineeId, traineeId), isNull(employments.endedOn), eq(employments.dutyStatus, 'on-duty'))).run().changes > 0
  }
  recordAudit(tx, { ...audit, action: 'certificate.recorded', subjectType: 'trainee', subjectId: traineeId, details: { certificateNo: c.certificateNo, issuedOn: c.issuedOn, status: c.status, backToTraining } }, now)
  runSync(readinessChanged(tx as Db, [traineeId], now))
}

export function setDutyStatus (db: Db, employmentId: number, traineeId: number, from: DutyStatus, to: DutyStatus, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    tx.update(employments).set({ dutyStatus: to, updatedAt: now }).where(eq(employments.id, employmentId)).run()
    recordAudit(tx, { ...audit, action: 'duty.changed', subjectType: 'trainee', subjectId: traineeId, details: { from, to } }, now)
    runSync(readinessChanged(db, [traineeId], now))
  }, { behavior: 'immediate' })
}

export function endEmployment (db: Db, employmentId: number, traineeId: number, endedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    tx.update(employments).set({ endedOn, dutyStatus: 'released', updatedAt: now }).where(eq(employments.id, employmentId)).run()
    recordAudit(tx, { ...audit, action: 'employment.ended', subjectType: 'trainee', subjectId: traineeId, details: { endedOn } }, now)
    runSync(readinessChanged(db, [traineeId], now))
  }, { behavior: 'immediate' })
}

export function setPrivacyAccepted (db: Db, traineeId: number, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    tx.update(trainees).set({ privacyAcceptedAt: now, updatedAt: now }).where(eq(trainees.id, traineeId)).run()
    recordAudit(tx, { ...audit, action: 'privacy.accepted', subjectType: 'trainee', subjectId: traineeId }, now)
  }, { behavior: 'immediate' })
}

// ---- staff accounts ----

export function listStaffAccounts (db: DbOrTx) {
  return db.select({
    id: users.id, username: users.username, displayName: users.displayName, role: users.role, status: users.status,
    mustChangePassword: users.mustChangePassword, enterpriseName: enterprises.name, jurisdictionName: jurisdictions.name
  }).from(users)
    .leftJoin(enterprises, eq(enterprises.id, users.enterpriseId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, users.jurisdictionId))
    .where(sql`${users.role} <> 'trainee'`)
    .orderBy(asc(users.role), asc(users.username)).all()
}

export interface NewStaffAccount {
  username: string
  displayName: string
  role: Role
  passwordHash: string
  enterpriseId: number | null
  jurisdictionId: number | null
}

/** A trainer, police or administrator account; the initial password must be changed at first sign-in. */
export function insertStaffAccount (db: Db, u: NewStaffAccount, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date) {
  return db.transaction((tx) => {
    const user = tx.insert(users).values({ ...u, mustChangePassword: true, createdAt: now, updatedAt: now }).returning().get()
    recordAudit(tx, { ...audit, subjectType: 'user', subjectId: user.id, details: { username: u.username, role: u.role, enterpriseId: u.enterpriseId, jurisdictionId: u.jurisdictionId } }, now)
    return user
  }, { behavior: 'immediate' })
}

// ---- roster imports: a checked file waits for confirmation under a token ----

export type { CheckedImportRow }

/** Keeps a checked file's rows for `ttlMs` under a new token, tied to the trainer; expired ones go at the same time. */
export function saveCheckedImport (db: Db, token: string, userId: number, enterpriseId: number, rows: CheckedImportRow[], now: Date, ttlMs: number): void {
  db.transaction((tx) => {
    tx.delete(rosterImports).where(lt(rosterImports.expiresAt, now)).run()
    tx.insert(rosterImports).values({ id: token, userId, enterpriseId, rows, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) }).run()
  }, { behavior: 'immediate' })
}

/** The trainer's own checked file, if it has not expired or been imported. */
export function findCheckedImport (db: DbOrTx, token: string, userId: number, enterpriseId: number, now: Date): { rows: CheckedImportRow[] } | undefined {
  return db.select({ rows: rosterImports.rows }).from(rosterImports)
    .where(and(eq(rosterImports.id, token), eq(rosterImports.userId, userId), eq(rosterImports.enterpriseId, enterpriseId), gt(rosterImports.expiresAt, now))).get()
}

export type ImportOutcome =
  | { ok: true, added: Array<{ fullName: string, username: string, passwordIndex: number }>, rejoined: number }
  | { ok: false, reason: 'gone' }
  | { ok: false, reason: 'changed', rows: Array<{ row: CheckedImportRow, problem: string | null }> }

/**
 * Imports a checked file in one transaction: each row is checked again against
 * the roster as it is now (someone may have employed a person since the
 * preview: then nothing is written and the rows that changed are named), new
 * people get a login with a username unique in the database and in this batch,
 * and the checked file is used up, so a second confirmation imports nothing.
 * `logins[i]` is the hash of the i-th new person's one-time password (hashed
 * before: the transaction waits on nothing).
 */
export function importCheckedRows (db: Db, token: string, enterpriseId: number, rows: CheckedImportRow[], passwordHashes: readonly string[],
  newUsername: (taken: (u: string) => boolean) => string, startedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): ImportOutcome {
  // Thousands of rows in one transaction, which holds the event loop while it runs: prepared statements
  // (compiled once per connection) cost a fraction of built queries.
  const q = (text: string) => prepared(db, text)
  return db.$client.transaction((): ImportOutcome => {
    if (!q('SELECT 1 FROM roster_imports WHERE id = ?').get(token)) return { ok: false, reason: 'gone' }
    const current = rows.map((row) => {
      const found = findPersonByIdHmac(db, row.idNumberHmac)
      return { row, problem: employmentConflict(found?.employerId, enterpriseId), returning: found?.id ?? null }
    })
    if (current.some((r) => r.problem)) return { ok: false, reason: 'changed', rows: current.map(({ row, problem }) => ({ row, problem })) }
    const batch = new Set<string>()
    const taken = (u: string) => batch.has(u) || q('SELECT 1 FROM users WHERE username = ?').get(u) !== undefined
    const added: Array<{ fullName: string, username: string, passwordIndex: number }> = []
    const people: number[] = []
    for (const { row, returning } of current) {
      if (returning !== null) { writeEmployment(db, returning, enterpriseId, startedOn, audit, now, row.siteId ?? null); people.push(returning); continue }
      const username = newUsername(taken)
      batch.add(username)
      people.push(writePerson(db, row, enterpriseId, { username, displayName: row.fullName, passwordHash: passwordHashes[added.length]! }, startedOn, audit, now, row.siteId ?? null))
      added.push({ fullName: row.fullName, username, passwordIndex: added.length })
    }
    // Everyone's readiness at once (batched reads), in this transaction.
    runSync(readinessChanged(db, people, now))
    q('DELETE FROM roster_imports WHERE id = ?').run(token)
    recordAuditPrepared(db, { ...audit, action: 'roster.imported', subjectType: 'enterprise', subjectId: enterpriseId, details: { added: added.length, returning: rows.length - added.length } }, now)
    return { ok: true, added, rejoined: rows.length - added.length }
  }).immediate()
}

/** Why a person cannot join this enterprise's roster: employed by it already, or by another (which is not named). */
export function employmentConflict (employerId: number | null | undefined, enterpriseId: number): 'roster.already-yours' | 'roster.employed-elsewhere' | null {
  if (employerId === null || employerId === undefined) return null
  return employerId === enterpriseId ? 'roster.already-yours' : 'roster.employed-elsewhere'
}
