import { and, count, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm'
import { chunks } from '../../lib/chunks.js'
import type { AuditNames } from './describe.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { prepared } from '../../db/statements.js'
import { keysetQuery } from '../../db/keyset.js'
import { keysetChunks, toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { maskIdNumbersIn } from '../../lib/id-checksums.js'
import { users, auditEvents, auditTotals } from '../../db/schema.js'

export interface AuditEntry {
  actorId: number | null
  action: string
  subjectType?: string
  subjectId?: string | number
  details?: Record<string, unknown>
  clientIp?: string | null
}

/** Details with any ID number typed into free text (a purpose, a reason) masked: no audit entry holds a raw one. */
function scrub (v: unknown): unknown {
  if (typeof v === 'string') return maskIdNumbersIn(v)
  if (Array.isArray(v)) return v.map(scrub)
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]))
  return v
}

/** Appends one audit event; call it inside the transaction of the change it records. */
export function recordAudit (db: DbOrTx, entry: AuditEntry, now: Date): void {
  db.insert(auditEvents).values({
    at: now,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId === undefined ? null : String(entry.subjectId),
    details: entry.details ? scrub(entry.details) as Record<string, unknown> : null,
    clientIp: entry.clientIp ?? null
  }).run()
}

/**
 * The same through a prepared statement, for a change that writes thousands of
 * entries in one transaction (a roster import): on the connection of `db`, so
 * inside the caller's transaction.
 */
export function recordAuditPrepared (db: Db, entry: AuditEntry, now: Date): void {
  prepared(db, 'INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, details, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    now.getTime(), entry.actorId, entry.action, entry.subjectType ?? null, entry.subjectId === undefined ? null : String(entry.subjectId),
    entry.details ? JSON.stringify(scrub(entry.details)) : null, entry.clientIp ?? null)
}

export interface AuditFilter {
  action?: string
  actor?: string
  from?: Date
  to?: Date
  /** A police officer's view: only events about their jurisdictions' subtree (see jurisdictionCondition). */
  jurisdictionIds?: number[]
}

/**
 * Events that belong to a jurisdiction subtree: done by its police, by trainers of its
 * enterprises or by the people they employ now; or about its enterprises, those people
 * (and their attempts), the statements and applications of its enterprises, and its sittings.
 * So a station officer also sees what the district decided about the station's guards.
 */
function jurisdictionCondition (ids: number[]): SQL {
  if (ids.length === 0) return sql`0`
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `)
  const ents = sql`SELECT e.id FROM enterprises e WHERE e.jurisdiction_id IN (${list})`
  const people = sql`SELECT m.trainee_id FROM employments m WHERE m.ended_on IS NULL AND m.enterprise_id IN (${ents})`
  return sql`(
    ${auditEvents.actorId} IN (SELECT u.id FROM users u WHERE u.jurisdiction_id IN (${list}) OR u.enterprise_id IN (${ents}))
    OR ${auditEvents.actorId} IN (SELECT t.user_id FROM trainees t WHERE t.user_id IS NOT NULL AND t.id IN (${people}))
    OR (${auditEvents.subjectType} = 'enterprise' AND ${auditEvents.subjectId} IN (SELECT CAST(e.id AS TEXT) FROM enterprises e WHERE e.jurisdiction_id IN (${list})))
    OR (${auditEvents.subjectType} = 'trainee' AND ${auditEvents.subjectId} IN (SELECT CAST(p.trainee_id AS TEXT) FROM (${people}) p))
    OR (${auditEvents.subjectType} = 'attempt' AND ${auditEvents.subjectId} IN (SELECT CAST(a.id AS TEXT) FROM attempts a WHERE a.trainee_id IN (${people})))
    OR (${auditEvents.subjectType} = 'statement' AND ${auditEvents.subjectId} IN (SELECT CAST(s.id AS TEXT) FROM statements s WHERE s.enterprise_id IN (${ents})))
    OR (${auditEvents.subjectType} = 'application' AND ${auditEvents.subjectId} IN (SELECT CAST(x.id AS TEXT) FROM applications x WHERE x.enterprise_id IN (${ents})))
    OR (${auditEvents.subjectType} = 'sitting' AND ${auditEvents.subjectId} IN (SELECT CAST(g.id AS TEXT) FROM exam_sittings g WHERE g.jurisdiction_id IN (${list})))
  )`
}

function auditWhere (f: AuditFilter) {
  return and(
    f.action ? like(auditEvents.action, `${f.action.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
    f.actor ? eq(users.username, f.actor) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lt(auditEvents.at, f.to) : undefined,
    f.jurisdictionIds ? jurisdictionCondition(f.jurisdictionIds) : undefined
  )
}

/** How many entries a filter finds (the list's true total). */
export function countAudit (db: DbOrTx, f: AuditFilter): number {
  // The whole log: the total the trigger keeps, not a count of every row.
  const unfiltered = !f.action && !f.actor && !f.from && !f.to && !f.jurisdictionIds
  if (unfiltered) return db.select({ n: auditTotals.events }).from(auditTotals).get()?.n ?? 0
  return db.select({ n: count() }).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId)).where(auditWhere(f)).get()?.n ?? 0
}

/** The key of the audit log's order, newest first: the time, then the id. */
export const AUDIT_KEY = ['n', 'n'] as const
const auditKey = (r: { at: Date, id: number }): Key => [r.at.getTime(), r.id]

function auditRows (db: DbOrTx, f: AuditFilter, page: KeysetRequest) {
  const k = keysetQuery([auditEvents.at, auditEvents.id], page, true)
  return db.select({
    id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, actorId: auditEvents.actorId, subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId,
    details: auditEvents.details, clientIp: auditEvents.clientIp, actorUsername: users.username
  }).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(auditWhere(f), k.where)).orderBy(...k.orderBy).limit(k.limit).all()
}

export type AuditRow = ReturnType<typeof auditRows>[number]

/** One keyset page of the log, newest first, with the filter's true total; `action` matches a prefix ("login" finds login.success and login.failure). */
export function pageAudit (db: DbOrTx, f: AuditFilter, page: KeysetRequest): KeysetPage<AuditRow> {
  return toPage(auditRows(db, f, page), page, countAudit(db, f), auditKey)
}

/** Every entry of a filter, newest first, in bounded chunks with the event loop free between them: the export. */
export function eachAudit (db: DbOrTx, f: AuditFilter, chunk = 500): AsyncGenerator<AuditRow[]> {
  return keysetChunks((after, size) => auditRows(db, f, { size: size - 1, after }), auditKey, chunk)
}

/**
 * The names a page of entries mentions, by kind and id, a query per kind (the
 * areas' tables read by SQL, as jurisdictionCondition does): the actors, and
 * the people, enterprises, sittings, statements and the rest they are about.
 */
export function auditNames (db: Db, rows: ReadonlyArray<{ actorId: number | null, subjectType: string | null, subjectId: string | null, details: Record<string, unknown> | null }>): AuditNames {
  const ids = new Map<string, Set<number>>()
  const want = (kind: string, v: unknown) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null
    if (n === null) return
    let s = ids.get(kind)
    if (!s) { s = new Set(); ids.set(kind, s) }
    s.add(n)
  }
  for (const r of rows) {
    want('user', r.actorId)
    const kind = r.subjectType === 'bank_release' ? 'release' : r.subjectType === 'assignment' ? null : r.subjectType
    if (kind) want(kind, r.subjectId)
    const d = r.details ?? {}
    want('enterprise', d.enterpriseId)
    want('trainee', d.traineeId)
    want('trainee', d.removedTrainee)
    want('curriculum', d.curriculum)
  }
  // What some entries name only through the record they are about.
  const rowsOf = <T>(kind: string, sql: string): T[] => {
    const list = [...(ids.get(kind) ?? [])]
    const out: T[] = []
    for (const part of chunks(list)) out.push(...(db.$client.prepare(sql.replace('(?)', `(${part.map(() => '?').join(', ')})`)).all(...part) as T[]))
    return out
  }
  const applications = rowsOf<{ id: number, traineeId: number, sitsOn: string }>('application', 'SELECT a.id, a.trainee_id AS traineeId, s.sits_on AS sitsOn FROM applications a JOIN exam_sittings s ON s.id = a.sitting_id WHERE a.id IN (?)')
  const statements = rowsOf<{ id: number, code: string, traineeId: number }>('statement', 'SELECT id, code, trainee_id AS traineeId FROM statements WHERE id IN (?)')
  const attempts = rowsOf<{ id: number, traineeId: number, body: string }>('attempt', 'SELECT a.id, a.trainee_id AS traineeId, b.body FROM attempts a JOIN blueprint_versions b ON b.id = a.blueprint_version_id WHERE a.id IN (?)')
  for (const x of [...applications, ...statements, ...attempts]) want('trainee', x.traineeId)
  const named = (kind: string, sql: string) => new Map(rowsOf<{ id: number, name: string }>(kind, sql).map((r) => [r.id, r.name]))
  return {
    users: named('user', 'SELECT id, display_name AS name FROM users WHERE id IN (?)'),
    trainees: named('trainee', 'SELECT id, full_name AS name FROM trainees WHERE id IN (?)'),
    enterprises: named('enterprise', 'SELECT id, name FROM enterprises WHERE id IN (?)'),
    jurisdictions: named('jurisdiction', 'SELECT id, name FROM jurisdictions WHERE id IN (?)'),
    cohorts: named('cohort', 'SELECT id, name FROM cohorts WHERE id IN (?)'),
    curricula: named('curriculum', 'SELECT id, title AS name FROM curricula WHERE id IN (?)'),
    releases: named('release', 'SELECT id, label AS name FROM bank_releases WHERE id IN (?)'),
    sittings: new Map(rowsOf<{ id: number, sitsOn: string, venue: string }>('sitting', 'SELECT id, sits_on AS sitsOn, venue FROM exam_sittings WHERE id IN (?)').map((r) => [r.id, { sitsOn: r.sitsOn, venue: r.venue }])),
    applications: new Map(applications.map((r) => [r.id, { traineeId: r.traineeId, sitsOn: r.sitsOn }])),
    // Verification codes are shown in groups of four, as printed (readiness's formatCode).
    statements: new Map(statements.map((r) => [r.id, { code: r.code.replace(/(.{4})(?=.)/g, '$1-'), traineeId: r.traineeId }])),
    attempts: new Map(attempts.map((r) => [r.id, { traineeId: r.traineeId, exam: (JSON.parse(r.body) as { title: { en: string, zh?: string } }).title }]))
  }
}
