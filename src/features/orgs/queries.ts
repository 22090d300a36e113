import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql, count, type AnyColumn, type SQL } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, exec, one, prepared, run, type Q } from '../../db/engine.js'
import { writeAudit, writeAudits, type AuditEntry } from '../audit/index.js'
import { readinessChanged } from '../../db/readiness-hook.js'
import { users, jurisdictions, enterprises, sites, trainees, employments, declarations, appSettings, rosterImports, enterpriseCounts, type CheckedImportRow, type Role, type DutyStatus, type DeclarationKind, type JurisdictionLevel, type Education } from '../../db/schema.js'
import { scopeFor, sittingJurisdictions, type Scope, type TreeNode } from './scope.js'
import { keysetQuery } from '../../db/keyset.js'
import { keysetChunks, toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { CertificateInput, DeclarationValues, ValidPerson } from './people.js'
import { chunks } from '../../lib/chunks.js'

// Query functions for both engines (ARCHITECTURE, "The data layer on two engines"): each yields
// its statements; routes run them with app.exec (reads, lone writes) or app.transaction (every
// change with its audit entry), other query functions yield* them, the readiness hook too.

export type Jurisdiction = typeof jurisdictions.$inferSelect
export type Enterprise = typeof enterprises.$inferSelect
export type Trainee = typeof trainees.$inferSelect
export type Employment = typeof employments.$inferSelect
type User = typeof users.$inferSelect

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>

/** A prepared query for a path run often (a look-up by ID number, the import's token). */
function statement<P> (db: Db, key: string, build: () => P & { prepare(): unknown }): P {
  return prepared(db, key, build) as P
}

const p = (name: string) => sql.placeholder(name)

// ---- settings ----

export function * readSetting (db: Db, key: string): Q<string | undefined> {
  return (yield * one(db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, key))))?.value
}

export function * writeSetting (db: Db, key: string, value: string): Q<void> {
  yield * run(db.insert(appSettings).values({ key, value }).onConflictDoUpdate({ target: appSettings.key, set: { value } }))
}

export function * countTrainees (db: Db): Q<number> {
  return (yield * one(db.select({ n: count() }).from(trainees)))?.n ?? 0
}

// ---- jurisdictions ----

export function * listJurisdictions (db: Db): Q<Jurisdiction[]> {
  return yield * all(db.select().from(jurisdictions).orderBy(asc(jurisdictions.code)))
}

export function * findJurisdiction (db: Db, id: number): Q<Jurisdiction | undefined> {
  return yield * one(db.select().from(jurisdictions).where(eq(jurisdictions.id, id)))
}

export function * findJurisdictionByCode (db: Db, code: string): Q<Jurisdiction | undefined> {
  return yield * one(db.select().from(jurisdictions).where(eq(jurisdictions.code, code)))
}

/** The whole tree, small enough to load on each scoped request. */
export function * jurisdictionTree (db: Db): Q<TreeNode[]> {
  return yield * all(db.select({ id: jurisdictions.id, parentId: jurisdictions.parentId }).from(jurisdictions))
}

type Actor = { id: number, role: Role, enterpriseId: number | null, jurisdictionId: number | null }

/** A police officer's jurisdiction and every one below it (empty for other roles). */
export function * policeSubtree (db: Db, actor: Actor): Q<number[]> {
  if (actor.role !== 'police') return []
  const scope = yield * loadScope(db, actor)
  return scope.kind === 'jurisdictions' ? scope.jurisdictionIds : []
}

/** The jurisdictions whose exam sittings the actor sees (scope.ts sittingJurisdictions, with the facts it needs). */
export function * loadSittingScope (db: Db, actor: { role: Role, enterpriseId: number | null, jurisdictionId: number | null }): Q<number[]> {
  const enterprise = actor.role === 'trainer' && actor.enterpriseId ? yield * findEnterprise(db, actor.enterpriseId) : undefined
  return sittingJurisdictions({ role: actor.role, enterpriseJurisdictionId: enterprise?.jurisdictionId ?? null, jurisdictionId: actor.jurisdictionId, tree: yield * jurisdictionTree(db) })
}

/** Builds the actor's scope from the database facts the role's scoping function needs. */
export function * loadScope (db: Db, actor: Actor): Q<Scope> {
  return scopeFor({
    role: actor.role,
    traineeId: actor.role === 'trainee' ? (yield * findTraineeByUserId(db, actor.id))?.id : undefined,
    enterpriseId: actor.enterpriseId,
    jurisdictionId: actor.jurisdictionId,
    tree: actor.role === 'police' ? yield * jurisdictionTree(db) : []
  })
}

export function * insertJurisdiction (db: Db, j: { code: string, name: string, level: JurisdictionLevel, parentId: number | null }, audit: ChangeAudit, now: Date): Q<Jurisdiction> {
  const row = (yield * one(db.insert(jurisdictions).values({ ...j, createdAt: now }).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'jurisdiction', subjectId: row.id, details: { code: j.code, name: j.name, level: j.level } }, now)
  return row
}

export function * renameJurisdiction (db: Db, id: number, name: string, audit: ChangeAudit, now: Date): Q<void> {
  const before = yield * findJurisdiction(db, id)
  yield * run(db.update(jurisdictions).set({ name }).where(eq(jurisdictions.id, id)))
  yield * writeAudit(db, { ...audit, subjectType: 'jurisdiction', subjectId: id, details: { from: before?.name, to: name } }, now)
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
export function * pageEnterprises (db: Db, jurisdictionIds: number[] | undefined, page: KeysetRequest): Q<KeysetPage<EnterpriseRow>> {
  const fetched = yield * enterprisesAfter(db, jurisdictionIds, page)
  return toPage(fetched, page, yield * countEnterprises(db, jurisdictionIds), enterpriseKey)
}

function * enterprisesAfter (db: Db, jurisdictionIds: number[] | undefined, page: KeysetRequest): Q<EnterpriseRow[]> {
  const k = keysetQuery([enterprises.name, enterprises.id], page)
  return yield * all(enterpriseQuery(db, jurisdictionIds, k.where).orderBy(...k.orderBy).limit(k.limit))
}

/**
 * The enterprises of some jurisdictions by name, a bounded chunk at a time with the event loop
 * free between chunks: a district's export. Each chunk is its own read (exec).
 */
export function eachEnterprise (db: Db, jurisdictionIds: number[], chunk = 50): AsyncGenerator<EnterpriseRow[]> {
  return keysetChunks((after, size) => exec(db, enterprisesAfter, jurisdictionIds, { size: size - 1, after }), enterpriseKey, chunk)
}

/** How many enterprises some jurisdictions have (all of them without a list). */
export function * countEnterprises (db: Db, jurisdictionIds?: number[]): Q<number> {
  return (yield * one(db.select({ n: count() }).from(enterprises).where(jurisdictionCondition(jurisdictionIds))))?.n ?? 0
}

/**
 * The head counts of every enterprise of some jurisdictions summed: one SUM over their rows of
 * enterprise_counts (enterprises_jurisdiction_idx, then each row by primary key), never a list of
 * them. The sums are read as numbers (PostgreSQL's sum of integers is a bigint, read as text).
 */
export function * sumEnterpriseCounts (db: Db, jurisdictionIds: number[]): Q<EnterpriseTotals> {
  const c = enterpriseCounts
  const row = yield * one(db.select({
    inTraining: sql<number>`coalesce(sum(${c.inTraining}), 0)`.mapWith(Number),
    onDuty: sql<number>`coalesce(sum(${c.onDuty}), 0)`.mapWith(Number),
    onDutyWithoutCertificate: sql<number>`coalesce(sum(${c.onDutyUncertified}), 0)`.mapWith(Number),
    eligible: sql<number>`coalesce(sum(${c.eligible}), 0)`.mapWith(Number)
  }).from(enterprises).innerJoin(c, eq(c.enterpriseId, enterprises.id)).where(jurisdictionCondition(jurisdictionIds)))
  return row ?? { inTraining: 0, onDuty: 0, onDutyWithoutCertificate: 0, eligible: 0 }
}

/**
 * Every enterprise of some jurisdictions (all without a list) by name, id and name only: for a
 * form's choice of enterprises (a trainer account's employer, a message's recipients), where the
 * whole list is the choice. At most the province's 2,000 rows of one small table, no counts.
 */
export function * listEnterpriseChoices (db: Db, jurisdictionIds?: number[]): Q<EnterpriseChoice[]> {
  return yield * all(db.select({ id: enterprises.id, name: enterprises.name, jurisdictionName: jurisdictions.name }).from(enterprises)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterprises.jurisdictionId))
    .where(jurisdictionCondition(jurisdictionIds)).orderBy(asc(enterprises.name), asc(enterprises.id)))
}

function jurisdictionCondition (jurisdictionIds?: number[]): SQL | undefined {
  return jurisdictionIds ? (jurisdictionIds.length ? inArray(enterprises.jurisdictionId, jurisdictionIds) : sql`false`) : undefined
}

/** Enterprises with their jurisdiction and their counts row (zeros when they have none). */
function enterpriseQuery (db: Db, jurisdictionIds?: number[], extra?: SQL) {
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
    inTraining: sql<number>`coalesce(${c.inTraining}, 0)`.mapWith(Number),
    onDuty: sql<number>`coalesce(${c.onDuty}, 0)`.mapWith(Number),
    onDutyWithoutCertificate: sql<number>`coalesce(${c.onDutyUncertified}, 0)`.mapWith(Number),
    eligible: sql<number>`coalesce(${c.eligible}, 0)`.mapWith(Number)
  }).from(enterprises)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterprises.jurisdictionId))
    .leftJoin(c, eq(c.enterpriseId, enterprises.id))
    .where(and(jurisdictionCondition(jurisdictionIds), extra))
}

export function * findEnterprise (db: Db, id: number, jurisdictionIds?: number[]): Q<Enterprise | undefined> {
  return yield * one(db.select().from(enterprises)
    .where(and(eq(enterprises.id, id), jurisdictionIds ? inArray(enterprises.jurisdictionId, jurisdictionIds) : undefined)))
}

export function * findEnterpriseByCreditCode (db: Db, code: string): Q<Enterprise | undefined> {
  return yield * one(db.select().from(enterprises).where(eq(enterprises.creditCode, code)))
}

export interface EnterpriseInput { name: string, creditCode: string, address: string, jurisdictionId: number }

export function * insertEnterprise (db: Db, e: EnterpriseInput, audit: ChangeAudit, now: Date): Q<Enterprise> {
  const row = (yield * one(db.insert(enterprises).values({ ...e, createdAt: now, updatedAt: now }).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'enterprise', subjectId: row.id, details: { ...e } }, now)
  return row
}

export function * updateEnterprise (db: Db, id: number, e: EnterpriseInput, audit: ChangeAudit, now: Date): Q<void> {
  const before = yield * findEnterprise(db, id)
  yield * run(db.update(enterprises).set({ ...e, updatedAt: now }).where(eq(enterprises.id, id)))
  yield * writeAudit(db, { ...audit, subjectType: 'enterprise', subjectId: id, details: { before: before && { name: before.name, creditCode: before.creditCode, address: before.address, jurisdictionId: before.jurisdictionId }, after: { ...e } } }, now)
}

// ---- people ----

/** The SQL condition a scope puts on a people query joined with the open employment and its enterprise. */
function scopeCondition (scope: Scope): SQL | undefined {
  switch (scope.kind) {
    case 'all': return undefined
    case 'none': return sql`false`
    case 'self': return eq(trainees.id, scope.traineeId)
    case 'enterprise': return eq(employments.enterpriseId, scope.enterpriseId)
    case 'jurisdictions': return scope.jurisdictionIds.length ? or(inArray(enterprises.jurisdictionId, scope.jurisdictionIds), postedInArea(scope.jurisdictionIds)) : sql`false`
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

function peopleQuery (db: Db) {
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
    : text ? or(containsText(trainees.fullName, text), containsText(trainees.certificateNo, text)) : undefined
  return and(scopeCondition(scope), search, f.duty ? eq(employments.dutyStatus, f.duty) : undefined, f.enterpriseId ? eq(employments.enterpriseId, f.enterpriseId) : undefined, f.siteId ? eq(employments.siteId, f.siteId) : undefined)
}

/**
 * Whether a column holds the text, in any ASCII case, its % _ and \ taken as themselves: LIKE
 * with a named escape character (SQLite's has none by default) over lower-cased text (SQLite's
 * LIKE ignores ASCII case, PostgreSQL's does not).
 */
function containsText (col: AnyColumn, text: string): SQL {
  return sql`lower(${col}) LIKE ${`%${escapeLike(text.toLowerCase())}%`} ESCAPE '\\'`
}

/** People in the scope matching the filter, by name; every one of them unless `limit` says otherwise. */
export function * listPeople (db: Db, scope: Scope, f: PeopleFilter = {}): Q<PersonRow[]> {
  const q = peopleQuery(db).where(peopleWhere(scope, f)).orderBy(asc(trainees.fullName), asc(trainees.id))
  return (yield * all(f.limit !== undefined ? q.limit(f.limit).offset(f.offset ?? 0) : q)) as PersonRow[]
}

/** How many people a filter finds: the list's true total. */
export function * countPeople (db: Db, scope: Scope, f: PeopleFilter = {}): Q<number> {
  return (yield * one(db.select({ n: count() }).from(trainees)
    .leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .leftJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(peopleWhere(scope, f))))?.n ?? 0
}

/** How many guards of the scope are on duty without a valid certificate (the roster's warning). */
export function * countFlagged (db: Db, scope: Scope): Q<number> {
  return (yield * one(db.select({ n: count() }).from(trainees)
    .innerJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .leftJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(and(scopeCondition(scope), eq(employments.dutyStatus, 'on-duty'), sql`coalesce(${trainees.certificateStatus}, '') <> 'valid'`))))?.n ?? 0
}

/** The sort key of a people list: name, then id. */
export const PEOPLE_KEY = ['s', 'n'] as const
export const personKey = (p: { fullName: string, id: number }): Key => [p.fullName, p.id]

/** One keyset page of people by name, with the true total. */
export function * pagePeople (db: Db, scope: Scope, f: Omit<PeopleFilter, 'limit' | 'offset'>, page: KeysetRequest): Q<KeysetPage<PersonRow>> {
  return toPage(yield * peoplePage(db, scope, f, page), page, yield * countPeople(db, scope, f), personKey)
}

function * peoplePage (db: Db, scope: Scope, f: PeopleFilter, page: KeysetRequest): Q<PersonRow[]> {
  const k = keysetQuery([trainees.fullName, trainees.id], page)
  return (yield * all(peopleQuery(db).where(and(peopleWhere(scope, f), k.where)).orderBy(...k.orderBy).limit(k.limit))) as PersonRow[]
}

/** Every person of a filter, by name, a bounded chunk at a time with the event loop free between chunks: for exports. Each chunk is its own read (exec). */
export function eachPeople (db: Db, scope: Scope, f: Omit<PeopleFilter, 'limit' | 'offset'> = {}, chunk = 500): AsyncGenerator<PersonRow[]> {
  return keysetChunks((after, size) => exec(db, peoplePage, scope, f, { size: size - 1, after }), personKey, chunk)
}

function escapeLike (s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`)
}

/** One person, or undefined when outside the scope (the route answers 404). */
export function * findPersonInScope (db: Db, scope: Scope, traineeId: number): Q<PersonRow | undefined> {
  return (yield * one(peopleQuery(db).where(and(eq(trainees.id, traineeId), scopeCondition(scope))))) as PersonRow | undefined
}

export function * findTraineeByUserId (db: Db, userId: number): Q<Trainee | undefined> {
  return yield * one(db.select().from(trainees).where(eq(trainees.userId, userId)))
}

/**
 * A person by the keyed hash of their ID number, with their current employer.
 * Unscoped: for the add-by-ID-number flows only (one person, or each row of an
 * import: prepared), which reveal nothing about other employers.
 */
export function * findPersonByIdHmac (db: Db, hmac: string): Q<{ id: number, fullName: string, employerId: number | null } | undefined> {
  return yield * one(statement(db, 'orgs.personByIdHmac', () => db.select({ id: trainees.id, fullName: trainees.fullName, employerId: employments.enterpriseId }).from(trainees)
    .leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .where(eq(trainees.idNumberHmac, p('hmac'))).limit(1)), { hmac })
}

/**
 * findPersonByIdHmac for each of several hashes, in their order (undefined where nobody has it):
 * an import's rows, read 500 at a time (the unique index on the hash, one look-up a row).
 */
export function * findPeopleByIdHmac (db: Db, hmacs: readonly string[]): Q<Array<{ id: number, fullName: string, employerId: number | null } | undefined>> {
  const byHmac = new Map<string, { id: number, fullName: string, employerId: number | null }>()
  for (const part of chunks([...new Set(hmacs)])) {
    const rows = yield * all(db.select({ hmac: trainees.idNumberHmac, id: trainees.id, fullName: trainees.fullName, employerId: employments.enterpriseId }).from(trainees)
      .leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
      .where(inArray(trainees.idNumberHmac, part)))
    for (const { hmac, ...person } of rows) byHmac.set(hmac, person)
  }
  return hmacs.map((h) => byHmac.get(h))
}

export interface EmploymentHistoryRow extends Employment { enterpriseName: string }

export function * employmentHistory (db: Db, traineeId: number): Q<EmploymentHistoryRow[]> {
  return yield * all(db.select({ ...employmentColumns(), enterpriseName: enterprises.name }).from(employments)
    .innerJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
    .where(eq(employments.traineeId, traineeId))
    .orderBy(desc(employments.startedOn), desc(employments.id)))
}

function employmentColumns () {
  return {
    id: employments.id, traineeId: employments.traineeId, enterpriseId: employments.enterpriseId, startedOn: employments.startedOn,
    endedOn: employments.endedOn, dutyStatus: employments.dutyStatus, siteId: employments.siteId, createdAt: employments.createdAt, updatedAt: employments.updatedAt
  }
}

export interface DeclarationRow { kind: DeclarationKind, value: boolean, declaredAt: Date, declaredByName: string }

/** The latest declaration of each kind. */
export function * currentDeclarations (db: Db, traineeId: number): Q<DeclarationRow[]> {
  const rows = yield * all(db.select({ id: declarations.id, kind: declarations.kind, value: declarations.value, declaredAt: declarations.declaredAt, declaredByName: users.displayName })
    .from(declarations).innerJoin(users, eq(users.id, declarations.declaredBy))
    .where(eq(declarations.traineeId, traineeId))
    .orderBy(asc(declarations.declaredAt), asc(declarations.id)))
  const latest = new Map<DeclarationKind, DeclarationRow>()
  for (const r of rows) latest.set(r.kind, { kind: r.kind, value: r.value, declaredAt: r.declaredAt, declaredByName: r.declaredByName })
  return [...latest.values()]
}

// ---- people: changes, each a transaction body with its audit entry (callers run them with transaction) ----

export interface NewLogin { username: string, displayName: string, passwordHash: string }

/** A person as stored: the ID number only encrypted and as its keyed hash. */
export type EncryptedPerson = Omit<ValidPerson, 'idNumber'> & { idNumberEnc: string, idNumberHmac: string }

/** Adds a new person with a login and an employment starting today; their trainee id. A transaction body. */
export function * insertPerson (db: Db, person: EncryptedPerson, enterpriseId: number, login: NewLogin, startedOn: string, audit: ChangeAudit, now: Date): Q<number> {
  const [id] = yield * writeRoster(db, enterpriseId, [{ person, login, siteId: null }], startedOn, audit, now)
  yield * readinessChanged(db, [id!], now)
  return id!
}

/** Employs an existing person who has no open employment; their record stays as it is. A transaction body. */
export function * employPerson (db: Db, traineeId: number, enterpriseId: number, startedOn: string, audit: ChangeAudit, now: Date): Q<void> {
  yield * writeRoster(db, enterpriseId, [{ traineeId, siteId: null }], startedOn, audit, now)
  yield * readinessChanged(db, [traineeId], now)
}

/** One person joining a roster: someone new (a login, a record) or someone known (`traineeId`). */
type Joining = { person: EncryptedPerson, login: NewLogin, siteId: number | null } | { traineeId: number, siteId: number | null }

/** People written per statement: a chunk's inserts stay far below both engines' limits on placeholders (SQLite 32,766, PostgreSQL 65,535). */
const ROSTER_CHUNK = 500

/**
 * The writes behind adding people, one by hand or thousands in one import's transaction, set-based:
 * per chunk of people, one multi-row insert of the new people's logins and one of their records
 * (each returning the ids the next needs), one of everyone's employments starting `startedOn`, and
 * their audit entries (`person.created`, `employment.started`) in the people's order. A few
 * statements a chunk, whatever the engine, instead of a handful a person. Returns each person's
 * trainee id, in order.
 */
function * writeRoster (db: Db, enterpriseId: number, people: readonly Joining[], startedOn: string, audit: ChangeAudit, now: Date): Q<number[]> {
  const out: number[] = []
  for (const part of chunks(people, ROSTER_CHUNK)) {
    const newcomers = part.filter((j) => 'person' in j)
    const userIds = new Map<string, number>()
    const traineeIds = new Map<number, number>()
    if (newcomers.length > 0) {
      // Usernames are unique: the returned ids are matched by them, not by position.
      const logins = yield * all(db.insert(users).values(newcomers.map(({ login }) => ({
        username: login.username, displayName: login.displayName, passwordHash: login.passwordHash, role: 'trainee' as const, status: 'active' as const, mustChangePassword: true, createdAt: now, updatedAt: now
      }))).returning({ id: users.id, username: users.username }))
      for (const u of logins) userIds.set(u.username, u.id)
      const records = yield * all(db.insert(trainees).values(newcomers.map(({ person, login }) => ({
        userId: userIds.get(login.username)!, fullName: person.fullName, idNumberEnc: person.idNumberEnc, idNumberHmac: person.idNumberHmac,
        birthDate: person.birthDate, phone: person.phone, education: person.education, createdAt: now, updatedAt: now
      }))).returning({ id: trainees.id, userId: trainees.userId }))
      for (const t of records) traineeIds.set(t.userId!, t.id)
    }
    const ids = part.map((j) => 'person' in j ? traineeIds.get(userIds.get(j.login.username)!)! : j.traineeId)
    yield * run(db.insert(employments).values(part.map((j, i) => ({
      traineeId: ids[i]!, enterpriseId, startedOn, dutyStatus: 'in-training' as const, siteId: j.siteId, createdAt: now, updatedAt: now
    }))))
    yield * writeAudits(db, part.flatMap((j, i): AuditEntry[] => [
      ...('person' in j ? [{ ...audit, action: 'person.created', subjectType: 'trainee', subjectId: ids[i]!, details: { fullName: j.person.fullName, enterpriseId, username: j.login.username } }] : []),
      { ...audit, action: 'employment.started', subjectType: 'trainee', subjectId: ids[i]!, details: { enterpriseId, startedOn, ...(j.siteId ? { siteId: j.siteId } : {}) } }
    ]), now)
    out.push(...ids)
  }
  return out
}

export function * updatePerson (db: Db, traineeId: number, person: EncryptedPerson, idChanged: boolean, audit: ChangeAudit, now: Date): Q<void> {
  const before = yield * one(db.select().from(trainees).where(eq(trainees.id, traineeId)))
  yield * run(db.update(trainees).set({
    fullName: person.fullName, phone: person.phone, education: person.education, updatedAt: now,
    ...(idChanged ? { idNumberEnc: person.idNumberEnc, idNumberHmac: person.idNumberHmac, birthDate: person.birthDate } : {})
  }).where(eq(trainees.id, traineeId)))
  const changed: Record<string, unknown> = {}
  if (before?.fullName !== person.fullName) changed.fullName = { from: before?.fullName, to: person.fullName }
  if (before?.phone !== person.phone) changed.phone = 'changed'
  if (before?.education !== person.education) changed.education = { from: before?.education, to: person.education }
  if (idChanged) changed.idNumber = 'changed'
  yield * writeAudit(db, { ...audit, action: 'person.updated', subjectType: 'trainee', subjectId: traineeId, details: changed }, now)
  // A new ID number may carry a new birth date; education is a rule of its own; the name is in the stored learning summary.
  if (idChanged || changed.education || changed.fullName) yield * readinessChanged(db, [traineeId], now)
}

export function * insertDeclarations (db: Db, traineeId: number, values: DeclarationValues, declaredBy: number, audit: ChangeAudit, now: Date): Q<void> {
  for (const [kind, value] of Object.entries(values) as Array<[DeclarationKind, boolean]>) {
    yield * run(db.insert(declarations).values({ traineeId, kind, value, declaredBy, declaredAt: now }))
  }
  yield * writeAudit(db, { ...audit, action: 'declarations.recorded', subjectType: 'trainee', subjectId: traineeId, details: { ...values } }, now)
  yield * readinessChanged(db, [traineeId], now)
}

/** A trainer's entry of a certificate: a transaction body (writeCertificate, named as the route's change). */
export function * setCertificate (db: Db, traineeId: number, c: CertificateInput, audit: ChangeAudit, now: Date): Q<void> {
  yield * writeCertificate(db, traineeId, c, audit, now)
}

/** Records a person's certificate inside the caller's transaction (a trainer's entry, or an official exam result). */
export function * writeCertificate (db: Db, traineeId: number, c: CertificateInput, audit: ChangeAudit, now: Date): Q<void> {
  yield * run(db.update(trainees).set({ certificateNo: c.certificateNo, certificateIssuedOn: c.issuedOn, certificateStatus: c.status, updatedAt: now }).where(eq(trainees.id, traineeId)))
  // A revoked certificate cannot stay on duty: the guard goes back to training.
  let backToTraining = false
  if (c.status !== 'valid') {
    backToTraining = (yield * run(db.update(employments).set({ dutyStatus: 'in-training', updatedAt: now })
      .where(and(eq(employments.traineeId, traineeId), isNull(employments.endedOn), eq(employments.dutyStatus, 'on-duty'))))).changes > 0
  }
  yield * writeAudit(db, { ...audit, action: 'certificate.recorded', subjectType: 'trainee', subjectId: traineeId, details: { certificateNo: c.certificateNo, issuedOn: c.issuedOn, status: c.status, backToTraining } }, now)
  yield * readinessChanged(db, [traineeId], now)
}

export function * setDutyStatus (db: Db, employmentId: number, traineeId: number, from: DutyStatus, to: DutyStatus, audit: ChangeAudit, now: Date): Q<void> {
  yield * run(db.update(employments).set({ dutyStatus: to, updatedAt: now }).where(eq(employments.id, employmentId)))
  yield * writeAudit(db, { ...audit, action: 'duty.changed', subjectType: 'trainee', subjectId: traineeId, details: { from, to } }, now)
  yield * readinessChanged(db, [traineeId], now)
}

export function * endEmployment (db: Db, employmentId: number, traineeId: number, endedOn: string, audit: ChangeAudit, now: Date): Q<void> {
  yield * run(db.update(employments).set({ endedOn, dutyStatus: 'released', updatedAt: now }).where(eq(employments.id, employmentId)))
  yield * writeAudit(db, { ...audit, action: 'employment.ended', subjectType: 'trainee', subjectId: traineeId, details: { endedOn } }, now)
  yield * readinessChanged(db, [traineeId], now)
}

export function * setPrivacyAccepted (db: Db, traineeId: number, audit: ChangeAudit, now: Date): Q<void> {
  yield * run(db.update(trainees).set({ privacyAcceptedAt: now, updatedAt: now }).where(eq(trainees.id, traineeId)))
  yield * writeAudit(db, { ...audit, action: 'privacy.accepted', subjectType: 'trainee', subjectId: traineeId }, now)
}

// ---- staff accounts ----

export interface StaffAccountRow {
  id: number
  username: string
  displayName: string
  role: Role
  status: User['status']
  mustChangePassword: boolean
  enterpriseName: string | null
  jurisdictionName: string | null
}

export function * listStaffAccounts (db: Db): Q<StaffAccountRow[]> {
  return yield * all(db.select({
    id: users.id, username: users.username, displayName: users.displayName, role: users.role, status: users.status,
    mustChangePassword: users.mustChangePassword, enterpriseName: enterprises.name, jurisdictionName: jurisdictions.name
  }).from(users)
    .leftJoin(enterprises, eq(enterprises.id, users.enterpriseId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, users.jurisdictionId))
    .where(sql`${users.role} <> 'trainee'`)
    .orderBy(asc(users.role), asc(users.username)))
}

export interface NewStaffAccount {
  username: string
  displayName: string
  role: Role
  passwordHash: string
  enterpriseId: number | null
  jurisdictionId: number | null
}

/** A trainer, police or administrator account; the initial password must be changed at first sign-in. A transaction body. */
export function * insertStaffAccount (db: Db, u: NewStaffAccount, audit: ChangeAudit, now: Date): Q<User> {
  const user = (yield * one(db.insert(users).values({ ...u, mustChangePassword: true, createdAt: now, updatedAt: now }).returning()))!
  yield * writeAudit(db, { ...audit, subjectType: 'user', subjectId: user.id, details: { username: u.username, role: u.role, enterpriseId: u.enterpriseId, jurisdictionId: u.jurisdictionId } }, now)
  return user
}

// ---- roster imports: a checked file waits for confirmation under a token ----

export type { CheckedImportRow }

/** Keeps a checked file's rows for `ttlMs` under a new token, tied to the trainer; expired ones go at the same time. A transaction body. */
export function * saveCheckedImport (db: Db, token: string, userId: number, enterpriseId: number, rows: CheckedImportRow[], now: Date, ttlMs: number): Q<void> {
  yield * run(db.delete(rosterImports).where(lt(rosterImports.expiresAt, now)))
  yield * run(db.insert(rosterImports).values({ id: token, userId, enterpriseId, rows, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) }))
}

/** The trainer's own checked file, if it has not expired or been imported. */
export function * findCheckedImport (db: Db, token: string, userId: number, enterpriseId: number, now: Date): Q<{ rows: CheckedImportRow[] } | undefined> {
  return yield * one(db.select({ rows: rosterImports.rows }).from(rosterImports)
    .where(and(eq(rosterImports.id, token), eq(rosterImports.userId, userId), eq(rosterImports.enterpriseId, enterpriseId), gt(rosterImports.expiresAt, now))))
}

export type ImportOutcome =
  | { ok: true, added: Array<{ fullName: string, username: string, passwordIndex: number }>, rejoined: number }
  | { ok: false, reason: 'gone' }
  | { ok: false, reason: 'changed', rows: Array<{ row: CheckedImportRow, problem: string | null }> }

/**
 * Imports a checked file, a transaction body: each row is checked again against
 * the roster as it is now (someone may have employed a person since the
 * preview: then nothing is written and the rows that changed are named), new
 * people get a login with a username unique in the database and in this batch,
 * and the checked file is used up, so a second confirmation imports nothing.
 * `passwordHashes[i]` is the hash of the i-th new person's one-time password
 * (hashed before: the transaction waits on nothing). `newUsername` draws a
 * candidate not in the batch (`taken`); the body asks the database which of
 * the candidates are taken, all at once, and draws those again.
 */
export function * importCheckedRows (db: Db, token: string, enterpriseId: number, rows: CheckedImportRow[], passwordHashes: readonly string[],
  newUsername: (taken: (u: string) => boolean) => string, startedOn: string, audit: ChangeAudit, now: Date): Q<ImportOutcome> {
  // Thousands of rows in one transaction (which holds SQLite's event loop while it runs, and on
  // PostgreSQL waits a round trip per statement): set-based, a few statements per 500 rows.
  const pending = yield * one(statement(db, 'orgs.importPending', () => db.select({ id: rosterImports.id }).from(rosterImports).where(eq(rosterImports.id, p('token')))), { token })
  if (!pending) return { ok: false, reason: 'gone' }
  const found = yield * findPeopleByIdHmac(db, rows.map((r) => r.idNumberHmac))
  const current = rows.map((row, i) => ({ row, problem: employmentConflict(found[i]?.employerId, enterpriseId), returning: found[i]?.id ?? null }))
  if (current.some((r) => r.problem)) return { ok: false, reason: 'changed', rows: current.map(({ row, problem }) => ({ row, problem })) }
  const newcomers = current.filter((r) => r.returning === null)
  const usernames = yield * freeUsernames(db, newcomers.length, newUsername)
  const added = newcomers.map(({ row }, i) => ({ fullName: row.fullName, username: usernames[i]!, passwordIndex: i }))
  let next = 0
  const joining = current.map(({ row, returning }): Joining => {
    if (returning !== null) return { traineeId: returning, siteId: row.siteId ?? null }
    const i = next++
    return { person: row, login: { username: usernames[i]!, displayName: row.fullName, passwordHash: passwordHashes[i]! }, siteId: row.siteId ?? null }
  })
  const people = yield * writeRoster(db, enterpriseId, joining, startedOn, audit, now)
  // Everyone's readiness at once (batched reads), in this transaction.
  yield * readinessChanged(db, people, now)
  yield * run(statement(db, 'orgs.importUsedUp', () => db.delete(rosterImports).where(eq(rosterImports.id, p('token')))), { token })
  yield * writeAudit(db, { ...audit, action: 'roster.imported', subjectType: 'enterprise', subjectId: enterpriseId, details: { added: added.length, returning: rows.length - added.length } }, now)
  return { ok: true, added, rejoined: rows.length - added.length }
}

/**
 * `count` usernames free in the database and distinct from each other: each drawn by `draw` (given
 * the names drawn so far, which it avoids), then all looked up 500 at a time; those already taken
 * are drawn again and looked up again, until none is.
 */
function * freeUsernames (db: Db, count: number, draw: (taken: (u: string) => boolean) => string): Q<string[]> {
  const drawn = new Set<string>()
  const inBatch = (u: string) => drawn.has(u)
  const pick = () => { const u = draw(inBatch); drawn.add(u); return u }
  const names = Array.from({ length: count }, pick)
  let unchecked = names.map((_, i) => i)
  while (unchecked.length > 0) {
    const taken = new Set<string>()
    for (const part of chunks(unchecked.map((i) => names[i]!))) {
      for (const { username } of yield * all(db.select({ username: users.username }).from(users).where(inArray(users.username, part)))) taken.add(username)
    }
    // A taken name stays in `drawn`: it is never drawn again.
    unchecked = unchecked.filter((i) => taken.has(names[i]!))
    for (const i of unchecked) names[i] = pick()
  }
  return names
}

/** Why a person cannot join this enterprise's roster: employed by it already, or by another (which is not named). */
export function employmentConflict (employerId: number | null | undefined, enterpriseId: number): 'roster.already-yours' | 'roster.employed-elsewhere' | null {
  if (employerId === null || employerId === undefined) return null
  return employerId === enterpriseId ? 'roster.already-yours' : 'roster.employed-elsewhere'
}
