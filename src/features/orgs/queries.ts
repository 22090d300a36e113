import { and, asc, desc, eq, inArray, isNull, like, or, sql, count, type SQL } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { recordAudit, type AuditEntry } from '../audit/index.js'
import { users, jurisdictions, enterprises, trainees, employments, declarations, appSettings, type Role, type DutyStatus, type DeclarationKind, type JurisdictionLevel, type Education } from '../../db/schema.js'
import { scopeFor, type Scope, type TreeNode } from './scope.js'
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
}

/** Enterprises with head counts, optionally limited to some jurisdictions. */
export function listEnterprises (db: DbOrTx, jurisdictionIds?: number[]): EnterpriseRow[] {
  const open = sql`${employments.enterpriseId} = ${enterprises.id} AND ${employments.endedOn} IS NULL`
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
    inTraining: sql<number>`(SELECT count(*) FROM ${employments} WHERE ${open} AND ${employments.dutyStatus} = 'in-training')`,
    onDuty: sql<number>`(SELECT count(*) FROM ${employments} WHERE ${open} AND ${employments.dutyStatus} = 'on-duty')`,
    onDutyWithoutCertificate: sql<number>`(SELECT count(*) FROM ${employments} JOIN ${trainees} ON ${trainees.id} = ${employments.traineeId}
      WHERE ${open} AND ${employments.dutyStatus} = 'on-duty' AND coalesce(${trainees.certificateStatus}, '') <> 'valid')`
  }).from(enterprises)
    .innerJoin(jurisdictions, eq(jurisdictions.id, enterprises.jurisdictionId))
    .where(jurisdictionIds ? inArray(enterprises.jurisdictionId, jurisdictionIds) : undefined)
    .orderBy(asc(enterprises.name)).all()
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
    case 'jurisdictions': return scope.jurisdictionIds.length ? inArray(enterprises.jurisdictionId, scope.jurisdictionIds) : sql`0`
  }
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
    startedOn: employments.startedOn
  }).from(trainees)
    .leftJoin(users, eq(users.id, trainees.userId))
    .leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
    .leftJoin(enterprises, eq(enterprises.id, employments.enterpriseId))
}

export interface PeopleFilter {
  /** Part of a name, a certificate number, or (exact) the keyed hash of an ID number. */
  text?: string
  idNumberHmac?: string
  duty?: DutyStatus
  enterpriseId?: number
  limit?: number
  offset?: number
}

export function listPeople (db: DbOrTx, scope: Scope, f: PeopleFilter = {}): PersonRow[] {
  const text = f.text?.trim()
  const search = f.idNumberHmac
    ? eq(trainees.idNumberHmac, f.idNumberHmac)
    : text ? or(like(trainees.fullName, `%${escapeLike(text)}%`), like(trainees.certificateNo, `%${escapeLike(text.toUpperCase())}%`)) : undefined
  return peopleQuery(db)
    .where(and(scopeCondition(scope), search, f.duty ? eq(employments.dutyStatus, f.duty) : undefined, f.enterpriseId ? eq(employments.enterpriseId, f.enterpriseId) : undefined))
    .orderBy(asc(trainees.fullName), asc(trainees.id))
    .limit(f.limit ?? 500).offset(f.offset ?? 0)
    .all() as PersonRow[]
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
/** Unscoped: for the add-by-ID-number flow only, which reveals nothing about other employers. */
export function findPersonByIdHmac (db: DbOrTx, hmac: string): { trainee: Trainee, openEmployment: Employment | undefined } | undefined {
  const trainee = db.select().from(trainees).where(eq(trainees.idNumberHmac, hmac)).get()
  if (!trainee) return undefined
  const openEmployment = db.select().from(employments).where(and(eq(employments.traineeId, trainee.id), isNull(employments.endedOn))).get()
  return { trainee, openEmployment }
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
    endedOn: employments.endedOn, dutyStatus: employments.dutyStatus, createdAt: employments.createdAt, updatedAt: employments.updatedAt
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

export type EncryptedPerson = ValidPerson & { idNumberEnc: string, idNumberHmac: string }

/** Adds a new person with a login and an employment starting today. */
export function insertPerson (db: Db, p: EncryptedPerson, enterpriseId: number, login: NewLogin, startedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): Trainee {
  return db.transaction((tx) => insertPersonTx(tx, p, enterpriseId, login, startedOn, audit, now), { behavior: 'immediate' })
}

/** The same inside a caller's transaction (the roster import adds many at once). */
export function insertPersonTx (tx: DbOrTx, p: EncryptedPerson, enterpriseId: number, login: NewLogin, startedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): Trainee {
  const user = tx.insert(users).values({ ...login, role: 'trainee', mustChangePassword: true, createdAt: now, updatedAt: now }).returning().get()
  const trainee = tx.insert(trainees).values({
    userId: user.id, fullName: p.fullName, idNumberEnc: p.idNumberEnc, idNumberHmac: p.idNumberHmac, birthDate: p.birthDate,
    phone: p.phone, education: p.education, createdAt: now, updatedAt: now
  }).returning().get()
  tx.insert(employments).values({ traineeId: trainee.id, enterpriseId, startedOn, dutyStatus: 'in-training', createdAt: now, updatedAt: now }).run()
  recordAudit(tx, { ...audit, action: 'person.created', subjectType: 'trainee', subjectId: trainee.id, details: { fullName: p.fullName, enterpriseId, username: login.username } }, now)
  recordAudit(tx, { ...audit, action: 'employment.started', subjectType: 'trainee', subjectId: trainee.id, details: { enterpriseId, startedOn } }, now)
  return trainee
}

/** Employs an existing person who has no open employment; their record stays as it is. */
export function employPerson (db: Db, traineeId: number, enterpriseId: number, startedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => employPersonTx(tx, traineeId, enterpriseId, startedOn, audit, now), { behavior: 'immediate' })
}

export function employPersonTx (tx: DbOrTx, traineeId: number, enterpriseId: number, startedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  tx.insert(employments).values({ traineeId, enterpriseId, startedOn, dutyStatus: 'in-training', createdAt: now, updatedAt: now }).run()
  recordAudit(tx, { ...audit, action: 'employment.started', subjectType: 'trainee', subjectId: traineeId, details: { enterpriseId, startedOn } }, now)
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
  }, { behavior: 'immediate' })
}

export function insertDeclarations (db: Db, traineeId: number, values: DeclarationValues, declaredBy: number, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    for (const [kind, value] of Object.entries(values) as Array<[DeclarationKind, boolean]>) {
      tx.insert(declarations).values({ traineeId, kind, value, declaredBy, declaredAt: now }).run()
    }
    recordAudit(tx, { ...audit, action: 'declarations.recorded', subjectType: 'trainee', subjectId: traineeId, details: { ...values } }, now)
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
}

export function setDutyStatus (db: Db, employmentId: number, traineeId: number, from: DutyStatus, to: DutyStatus, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    tx.update(employments).set({ dutyStatus: to, updatedAt: now }).where(eq(employments.id, employmentId)).run()
    recordAudit(tx, { ...audit, action: 'duty.changed', subjectType: 'trainee', subjectId: traineeId, details: { from, to } }, now)
  }, { behavior: 'immediate' })
}

export function endEmployment (db: Db, employmentId: number, traineeId: number, endedOn: string, audit: Omit<AuditEntry, 'subjectId' | 'subjectType'>, now: Date): void {
  db.transaction((tx) => {
    tx.update(employments).set({ endedOn, dutyStatus: 'released', updatedAt: now }).where(eq(employments.id, employmentId)).run()
    recordAudit(tx, { ...audit, action: 'employment.ended', subjectType: 'trainee', subjectId: traineeId, details: { endedOn } }, now)
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
