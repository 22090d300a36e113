import { and, count, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm'
import { chunks } from '../../lib/chunks.js'
import type { AuditNames } from './describe.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { prepared } from '../../db/statements.js'
import { keysetQuery } from '../../db/keyset.js'
import { keysetChunks, toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { maskIdNumbersIn } from '../../lib/id-checksums.js'
import { users, auditEvents, auditTotals, auditScopes } from '../../db/schema.js'

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

/**
 * Appends one audit event with its jurisdictions (audit_scopes); call it inside the transaction
 * of the change it records. Called on the connection outside a transaction, the two writes
 * are one transaction of their own.
 */
export function recordAudit (db: DbOrTx, entry: AuditEntry, now: Date): void {
  const insert = () => db.insert(auditEvents).values({
    at: now,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId === undefined ? null : String(entry.subjectId),
    details: entry.details ? scrub(entry.details) as Record<string, unknown> : null,
    clientIp: entry.clientIp ?? null
  }).returning({ id: auditEvents.id }).get().id
  if ('$client' in db) {
    // On the connection: the scope statement compiled once (scopeEvents).
    const c = (db as Db).$client
    const write = () => { const id = insert(); scopeEvents(db as Db, id, id) }
    if (c.inTransaction) write()
    else c.transaction(write).immediate()
    return
  }
  const id = insert()
  db.run(sql`${sql.raw(SCOPE_EVENTS_HEAD)} ${id} AND ${id}${sql.raw(SCOPE_EVENTS_TAIL)}`)
}

/**
 * The same through a prepared statement, for a change that writes thousands of
 * entries in one transaction (a roster import): on the connection of `db`, so
 * inside the caller's transaction.
 */
export function recordAuditPrepared (db: Db, entry: AuditEntry, now: Date): void {
  const { lastInsertRowid } = prepared(db, 'INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, details, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    now.getTime(), entry.actorId, entry.action, entry.subjectType ?? null, entry.subjectId === undefined ? null : String(entry.subjectId),
    entry.details ? JSON.stringify(scrub(entry.details)) : null, entry.clientIp ?? null)
  scopeEvents(db, Number(lastInsertRowid), Number(lastInsertRowid))
}

/*
 * The jurisdictions of audit events (audit_scopes): the unit of the actor (a police officer's,
 * a trainer's enterprise's, a trainee's current employer's) and of the subject (an enterprise;
 * a person's current employer, or the enterprise the entry names for a person not yet employed;
 * an attempt's person's employer; a statement's or application's enterprise; a sitting's unit;
 * a supervision event's site (the station of its area and the enterprise's registration, see
 * SITE_OF_EVENT), a bravery report's reviewing station and enterprise, a message's sending unit),
 * each with every unit above it. Read when the event is written: an event stays with the units
 * it belonged to then. Migration 0014 runs the same statement over the whole log.
 */
/**
 * The managed site a supervision event is about (its subject: a site, an inspection, a
 * notice, a case; or a guard posted at or taken off sites, details.siteIds): such an event
 * belongs to the station whose area the site lies in and to the enterprise's registration.
 */
export const SITE_OF_EVENT = `SELECT ev.id, ev.at, CASE ev.subject_type
    WHEN 'site' THEN CAST(ev.subject_id AS INTEGER)
    WHEN 'inspection' THEN (SELECT i.site_id FROM inspections i WHERE i.id = CAST(ev.subject_id AS INTEGER))
    WHEN 'notice' THEN (SELECT n.site_id FROM rectification_notices n WHERE n.id = CAST(ev.subject_id AS INTEGER))
    WHEN 'case' THEN (SELECT n.site_id FROM escalation_cases c JOIN rectification_notices n ON n.id = c.notice_id WHERE c.id = CAST(ev.subject_id AS INTEGER))
  END FROM ev WHERE ev.subject_type IN ('site', 'inspection', 'notice', 'case')
  UNION ALL SELECT ev.id, ev.at, x.value FROM ev, json_each(ev.details, '$.siteIds') x WHERE ev.subject_type = 'trainee' AND ev.details IS NOT NULL`

const SCOPE_EVENTS_HEAD = 'WITH RECURSIVE ev AS MATERIALIZED (SELECT id, at, actor_id, subject_type, subject_id, details FROM audit_events WHERE id BETWEEN'
const SCOPE_EVENTS_TAIL = `),
ev_site (event_id, at, site_id) AS (${SITE_OF_EVENT}),
direct (event_id, at, j) AS (
  SELECT ev.id, ev.at, u.jurisdiction_id FROM ev CROSS JOIN users u ON u.id = ev.actor_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN users u ON u.id = ev.actor_id CROSS JOIN enterprises e ON e.id = u.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN trainees t ON t.user_id = ev.actor_id CROSS JOIN employments m ON m.trainee_id = t.id AND m.ended_on IS NULL CROSS JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN enterprises e ON ev.subject_type = 'enterprise' AND e.id = CAST(ev.subject_id AS INTEGER)
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN employments m ON ev.subject_type = 'trainee' AND m.trainee_id = CAST(ev.subject_id AS INTEGER) AND m.ended_on IS NULL CROSS JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN enterprises e ON ev.subject_type = 'trainee' AND e.id = json_extract(ev.details, '$.enterpriseId')
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN attempts a ON ev.subject_type = 'attempt' AND a.id = CAST(ev.subject_id AS INTEGER) CROSS JOIN employments m ON m.trainee_id = a.trainee_id AND m.ended_on IS NULL CROSS JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN statements s ON ev.subject_type = 'statement' AND s.id = CAST(ev.subject_id AS INTEGER) CROSS JOIN enterprises e ON e.id = s.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN applications x ON ev.subject_type = 'application' AND x.id = CAST(ev.subject_id AS INTEGER) CROSS JOIN enterprises e ON e.id = x.enterprise_id
  UNION ALL SELECT ev.id, ev.at, g.jurisdiction_id FROM ev CROSS JOIN exam_sittings g ON ev.subject_type = 'sitting' AND g.id = CAST(ev.subject_id AS INTEGER)
  UNION ALL SELECT x.event_id, x.at, s.jurisdiction_id FROM ev_site x CROSS JOIN sites s ON s.id = x.site_id
  UNION ALL SELECT x.event_id, x.at, e.jurisdiction_id FROM ev_site x CROSS JOIN sites s ON s.id = x.site_id CROSS JOIN enterprises e ON e.id = s.enterprise_id
  UNION ALL SELECT ev.id, ev.at, b.station_id FROM ev CROSS JOIN bravery_reports b ON ev.subject_type = 'bravery' AND b.id = CAST(ev.subject_id AS INTEGER)
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev CROSS JOIN bravery_reports b ON ev.subject_type = 'bravery' AND b.id = CAST(ev.subject_id AS INTEGER) CROSS JOIN enterprises e ON e.id = b.enterprise_id
  UNION ALL SELECT ev.id, ev.at, m.unit_id FROM ev CROSS JOIN enterprise_messages m ON ev.subject_type = 'message' AND m.id = CAST(ev.subject_id AS INTEGER)
),
up (event_id, at, j) AS (
  SELECT event_id, at, j FROM direct WHERE j IS NOT NULL
  UNION SELECT up.event_id, up.at, p.parent_id FROM up CROSS JOIN jurisdictions p ON p.id = up.j WHERE p.parent_id IS NOT NULL
)
INSERT OR IGNORE INTO audit_scopes (jurisdiction_id, at, event_id) SELECT j, at, event_id FROM up`

/**
 * Writes the jurisdictions of the audit events with ids from..to (see above): each new event, or a
 * generator's whole log at once. The events are read first (ev, MATERIALIZED) and every branch
 * starts from them (CROSS JOIN keeps SQLite's join order as written): left to itself the planner
 * drove some branches from enterprises, users or employments and walked them whole for one event
 * (190 ms an event at M, 50,000 guards).
 */
export function scopeEvents (db: Db, from: number, to: number): void {
  prepared(db, `${SCOPE_EVENTS_HEAD} ? AND ?${SCOPE_EVENTS_TAIL}`).run(from, to)
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
 * enterprises or by the people they employed then; or about its enterprises, those people
 * (and their attempts), the statements and applications of its enterprises, and its sittings.
 * So a station officer also sees what the district decided about the station's guards.
 * Read from audit_scopes, which holds every event under each unit it belongs to and each unit
 * above: the subtree's roots (a police officer's own unit) name all of it.
 */
function subtreeRoots (db: DbOrTx, ids: readonly number[]): number[] {
  if (ids.length === 0) return []
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `)
  return db.all<{ id: number }>(sql`SELECT id FROM jurisdictions WHERE id IN (${list}) AND (parent_id IS NULL OR parent_id NOT IN (${list}))`).map((r) => r.id)
}

function jurisdictionCondition (roots: readonly number[]): SQL {
  if (roots.length === 0) return sql`0`
  return sql`${auditEvents.id} IN (SELECT s.event_id FROM ${auditScopes} s WHERE s.jurisdiction_id IN (${sql.join(roots.map((id) => sql`${id}`), sql`, `)}))`
}

/** A filter with its subtree resolved: the one unit whose scope rows are read, or the several roots. */
interface Resolved { f: AuditFilter, root?: number, roots?: number[] }

function resolve (db: DbOrTx, f: AuditFilter): Resolved {
  if (!f.jurisdictionIds) return { f }
  const roots = subtreeRoots(db, f.jurisdictionIds)
  return roots.length === 1 ? { f, root: roots[0] } : { f, roots }
}

function auditWhere ({ f, root, roots }: Resolved) {
  // A single unit: its scope rows are the index range, the dates bound it.
  const at = root === undefined ? auditEvents.at : auditScopes.at
  return and(
    root === undefined ? undefined : eq(auditScopes.jurisdictionId, root),
    f.action ? like(auditEvents.action, `${f.action.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
    f.actor ? eq(users.username, f.actor) : undefined,
    f.from ? gte(at, f.from) : undefined,
    f.to ? lt(at, f.to) : undefined,
    roots ? jurisdictionCondition(roots) : undefined
  )
}

/** How many entries a filter finds (the list's true total). */
export function countAudit (db: DbOrTx, f: AuditFilter): number {
  return countResolved(db, resolve(db, f))
}

function countResolved (db: DbOrTx, r: Resolved): number {
  const f = r.f
  const plain = !f.action && !f.actor
  // The whole log: the total the trigger keeps, not a count of every row.
  if (plain && !f.from && !f.to && !f.jurisdictionIds) return db.select({ n: auditTotals.events }).from(auditTotals).get()?.n ?? 0
  if (r.root !== undefined) {
    // One unit: a count over its range of the scope index, reading events only to filter by action or actor.
    if (plain) return db.select({ n: count() }).from(auditScopes).where(auditWhere(r)).get()?.n ?? 0
    return db.select({ n: count() }).from(auditScopes).innerJoin(auditEvents, eq(auditEvents.id, auditScopes.eventId))
      .leftJoin(users, eq(users.id, auditEvents.actorId)).where(auditWhere(r)).get()?.n ?? 0
  }
  return db.select({ n: count() }).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId)).where(auditWhere(r)).get()?.n ?? 0
}

/** The key of the audit log's order, newest first: the time, then the id. */
export const AUDIT_KEY = ['n', 'n'] as const
const auditKey = (r: { at: Date, id: number }): Key => [r.at.getTime(), r.id]

const auditColumns = {
  id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, actorId: auditEvents.actorId, subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId,
  details: auditEvents.details, clientIp: auditEvents.clientIp, actorUsername: users.username
}

function auditRows (db: DbOrTx, r: Resolved, page: KeysetRequest) {
  if (r.root !== undefined) {
    // One unit's log: a range of its scope rows, newest first, joined to the events of the page.
    const k = keysetQuery([auditScopes.at, auditScopes.eventId], page, true)
    return db.select(auditColumns).from(auditScopes).innerJoin(auditEvents, eq(auditEvents.id, auditScopes.eventId))
      .leftJoin(users, eq(users.id, auditEvents.actorId)).where(and(auditWhere(r), k.where)).orderBy(...k.orderBy).limit(k.limit).all()
  }
  const k = keysetQuery([auditEvents.at, auditEvents.id], page, true)
  return db.select(auditColumns).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(auditWhere(r), k.where)).orderBy(...k.orderBy).limit(k.limit).all()
}

export type AuditRow = ReturnType<typeof auditRows>[number]

/** One keyset page of the log, newest first, with the filter's true total; `action` matches a prefix ("login" finds login.success and login.failure). */
export function pageAudit (db: DbOrTx, f: AuditFilter, page: KeysetRequest): KeysetPage<AuditRow> {
  const r = resolve(db, f)
  return toPage(auditRows(db, r, page), page, countResolved(db, r), auditKey)
}

/** Every entry of a filter, newest first, in bounded chunks with the event loop free between them: the export. */
export function eachAudit (db: DbOrTx, f: AuditFilter, chunk = 500): AsyncGenerator<AuditRow[]> {
  const r = resolve(db, f)
  return keysetChunks((after, size) => auditRows(db, r, { size: size - 1, after }), auditKey, chunk)
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
    if (r.subjectType === 'trainee') { want('site', d.from); want('site', d.to) }
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
  const bravery = rowsOf<{ id: number, traineeId: number, occurredOn: string }>('bravery', 'SELECT id, trainee_id AS traineeId, occurred_on AS occurredOn FROM bravery_reports WHERE id IN (?)')
  for (const x of [...applications, ...statements, ...attempts, ...bravery]) want('trainee', x.traineeId)
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
    attempts: new Map(attempts.map((r) => [r.id, { traineeId: r.traineeId, exam: (JSON.parse(r.body) as { title: { en: string, zh?: string } }).title }])),
    sites: named('site', 'SELECT id, name FROM sites WHERE id IN (?)'),
    notices: named('notice', 'SELECT id, number AS name FROM rectification_notices WHERE id IN (?)'),
    cases: named('case', 'SELECT c.id, n.number AS name FROM escalation_cases c JOIN rectification_notices n ON n.id = c.notice_id WHERE c.id IN (?)'),
    inspections: new Map(rowsOf<{ id: number, site: string, inspectedOn: string }>('inspection', 'SELECT i.id, s.name AS site, i.inspected_on AS inspectedOn FROM inspections i JOIN sites s ON s.id = i.site_id WHERE i.id IN (?)').map((r) => [r.id, { site: r.site, inspectedOn: r.inspectedOn }])),
    messages: named('message', 'SELECT id, title AS name FROM enterprise_messages WHERE id IN (?)'),
    bravery: new Map(bravery.map((r) => [r.id, { traineeId: r.traineeId, occurredOn: r.occurredOn }]))
  }
}
