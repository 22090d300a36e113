import { and, count, eq, gte, inArray, isNull, lt, notInArray, or, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { chunks } from '../../lib/chunks.js'
import type { AuditNames } from './describe.js'
import type { Db } from '../../db/connection.js'
import { all, exec, isPostgres, one, prepared, run, type Q } from '../../db/engine.js'
import { keysetQuery } from '../../db/keyset.js'
import { keysetChunks, toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import { maskIdNumbersIn } from '../../lib/id-checksums.js'
import {
  users, auditEvents, auditTotals, auditScopes, jurisdictions, enterprises, sites, trainees, cohorts, curricula, bankReleases, blueprintVersions, attempts,
  statements, examSittings, applications as applications_, braveryReports, inspections, rectificationNotices, escalationCases, enterpriseMessages
} from '../../db/schema.js'

/** A table read by id for the names an entry mentions. */
type NamedTable = SQLiteTable & { id: SQLiteColumn }

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

/** The row an entry becomes, ID numbers masked. */
function eventRow (entry: AuditEntry, now: Date) {
  return {
    at: now,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId === undefined ? null : String(entry.subjectId),
    details: entry.details ? scrub(entry.details) as Record<string, unknown> : null,
    clientIp: entry.clientIp ?? null
  }
}

/** A prepared query on the handle's connection (engine.ts `prepared`). */
function statement<P> (db: Db, key: string, build: () => P & { prepare(): unknown }): P {
  return prepared(db, key, build) as P
}

/**
 * Appends one audit event with its jurisdictions (audit_scopes): yield* it inside the
 * transaction of the change it records, or run it with `transaction` when it records nothing
 * else (a refused sign-in, an export). Prepared: it is written on most changes. Many entries
 * at once (a roster import's thousands): writeAudits.
 */
export function * writeAudit (db: Db, entry: AuditEntry, now: Date): Q<void> {
  const p = (name: string) => sql.placeholder(name)
  const row = yield * one(statement(db, 'audit.insert', () => db.insert(auditEvents).values({
    at: p('at'), actorId: p('actorId'), action: p('action'), subjectType: p('subjectType'), subjectId: p('subjectId'), details: p('details'), clientIp: p('clientIp')
  }).returning({ id: auditEvents.id })), eventRow(entry, now))
  yield * scopeEvents(db, row!.id, row!.id)
}

/**
 * Appends several audit events in their order, inside the caller's transaction: a multi-row
 * insert per 500 events (the ids it returns), then their jurisdictions for each run of
 * consecutive ids (one run unless another transaction took ids in between on PostgreSQL), so a
 * roster import's thousands of entries cost a few statements, not two each.
 */
export function * writeAudits (db: Db, entries: readonly AuditEntry[], now: Date): Q<void> {
  for (const part of chunks(entries, 500)) {
    const ids = (yield * all(db.insert(auditEvents).values(part.map((e) => eventRow(e, now))).returning({ id: auditEvents.id }))).map((r) => r.id).sort((a, b) => a - b)
    let from = 0
    for (let i = 1; i <= ids.length; i++) {
      if (i < ids.length && ids[i] === ids[i - 1]! + 1) continue
      yield * scopeEvents(db, ids[from]!, ids[i - 1]!)
      from = i
    }
  }
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

// SQLite-only (with SITE_OF_EVENT): json_each, json_extract, CAST of any text, CROSS JOIN … ON; PostgreSQL runs SCOPE_EVENTS_PG_HEAD/TAIL below.
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
SELECT j, at, event_id FROM up WHERE true`

/**
 * The same statement in PostgreSQL's words. An id in text is read only when it is digits (PostgreSQL's
 * cast refuses other text where SQLite's gives 0, and may run before the subject-type test beside
 * it): the events CTE reads it once, as `sid`, and the enterprise a person's entry names as `ent`.
 * `details.siteIds` is read only when it is an array (the app writes nothing else; SQLite's json_each
 * would also read an object's values). PostgreSQL has no CROSS JOIN … ON and orders joins itself;
 * the events are still read first (MATERIALIZED) and every branch joins on a key.
 */
const PG_INT = (text: string) => `CASE WHEN ${text} ~ '^[0-9]{1,9}$' THEN (${text})::integer END`
const SCOPE_EVENTS_PG_HEAD = `WITH RECURSIVE ev AS MATERIALIZED (SELECT id, at, actor_id, subject_type, details,
    ${PG_INT('subject_id')} AS sid, ${PG_INT("details->>'enterpriseId'")} AS ent FROM audit_events WHERE id BETWEEN`
const SCOPE_EVENTS_PG_TAIL = `),
ev_site (event_id, at, site_id) AS (
  SELECT ev.id, ev.at, CASE ev.subject_type
    WHEN 'site' THEN ev.sid
    WHEN 'inspection' THEN (SELECT i.site_id FROM inspections i WHERE i.id = ev.sid)
    WHEN 'notice' THEN (SELECT n.site_id FROM rectification_notices n WHERE n.id = ev.sid)
    WHEN 'case' THEN (SELECT n.site_id FROM escalation_cases c JOIN rectification_notices n ON n.id = c.notice_id WHERE c.id = ev.sid)
  END FROM ev WHERE ev.subject_type IN ('site', 'inspection', 'notice', 'case')
  UNION ALL SELECT ev.id, ev.at, ${PG_INT('x.value')} FROM ev
    CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(ev.details->'siteIds') = 'array' THEN ev.details->'siteIds' END) AS x (value)
    WHERE ev.subject_type = 'trainee'
),
direct (event_id, at, j) AS (
  SELECT ev.id, ev.at, u.jurisdiction_id FROM ev JOIN users u ON u.id = ev.actor_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN users u ON u.id = ev.actor_id JOIN enterprises e ON e.id = u.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN trainees t ON t.user_id = ev.actor_id JOIN employments m ON m.trainee_id = t.id AND m.ended_on IS NULL JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN enterprises e ON ev.subject_type = 'enterprise' AND e.id = ev.sid
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN employments m ON ev.subject_type = 'trainee' AND m.trainee_id = ev.sid AND m.ended_on IS NULL JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN enterprises e ON ev.subject_type = 'trainee' AND e.id = ev.ent
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN attempts a ON ev.subject_type = 'attempt' AND a.id = ev.sid JOIN employments m ON m.trainee_id = a.trainee_id AND m.ended_on IS NULL JOIN enterprises e ON e.id = m.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN statements s ON ev.subject_type = 'statement' AND s.id = ev.sid JOIN enterprises e ON e.id = s.enterprise_id
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN applications x ON ev.subject_type = 'application' AND x.id = ev.sid JOIN enterprises e ON e.id = x.enterprise_id
  UNION ALL SELECT ev.id, ev.at, g.jurisdiction_id FROM ev JOIN exam_sittings g ON ev.subject_type = 'sitting' AND g.id = ev.sid
  UNION ALL SELECT x.event_id, x.at, s.jurisdiction_id FROM ev_site x JOIN sites s ON s.id = x.site_id
  UNION ALL SELECT x.event_id, x.at, e.jurisdiction_id FROM ev_site x JOIN sites s ON s.id = x.site_id JOIN enterprises e ON e.id = s.enterprise_id
  UNION ALL SELECT ev.id, ev.at, b.station_id FROM ev JOIN bravery_reports b ON ev.subject_type = 'bravery' AND b.id = ev.sid
  UNION ALL SELECT ev.id, ev.at, e.jurisdiction_id FROM ev JOIN bravery_reports b ON ev.subject_type = 'bravery' AND b.id = ev.sid JOIN enterprises e ON e.id = b.enterprise_id
  UNION ALL SELECT ev.id, ev.at, m.unit_id FROM ev JOIN enterprise_messages m ON ev.subject_type = 'message' AND m.id = ev.sid
),
up (event_id, at, j) AS (
  SELECT event_id, at, j FROM direct WHERE j IS NOT NULL
  UNION SELECT up.event_id, up.at, p.parent_id FROM up JOIN jurisdictions p ON p.id = up.j WHERE p.parent_id IS NOT NULL
)
SELECT j, at, event_id FROM up`

/**
 * Writes the jurisdictions of the audit events with ids from..to (see above): each new event, or a
 * generator's whole log at once; rows already there are kept (ON CONFLICT DO NOTHING). The text
 * is the engine's. On SQLite the events are read first (ev, MATERIALIZED) and every branch
 * starts from them (CROSS JOIN keeps SQLite's join order as written): left to itself the planner
 * drove some branches from enterprises, users or employments and walked them whole for one event
 * (190 ms an event at M, 50,000 guards).
 */
export function * scopeEvents (db: Db, from: number, to: number): Q<void> {
  const pg = isPostgres(db)
  const [head, tail] = pg ? [SCOPE_EVENTS_PG_HEAD, SCOPE_EVENTS_PG_TAIL] : [SCOPE_EVENTS_HEAD, SCOPE_EVENTS_TAIL]
  yield * run(statement(db, pg ? 'audit.scopes.pg' : 'audit.scopes', () => db.insert(auditScopes)
    .select(sql`${sql.raw(head)} ${sql.placeholder('from')} AND ${sql.placeholder('to')}${sql.raw(tail)}`)
    .onConflictDoNothing()), { from, to })
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
function * subtreeRoots (db: Db, ids: readonly number[]): Q<number[]> {
  if (ids.length === 0) return []
  const rows = yield * all(db.select({ id: jurisdictions.id }).from(jurisdictions)
    .where(and(inArray(jurisdictions.id, [...ids]), or(isNull(jurisdictions.parentId), notInArray(jurisdictions.parentId, [...ids])))))
  return rows.map((r) => r.id)
}

function jurisdictionCondition (roots: readonly number[]): SQL {
  if (roots.length === 0) return sql`1 = 0`
  return sql`${auditEvents.id} IN (SELECT s.event_id FROM ${auditScopes} s WHERE s.jurisdiction_id IN (${sql.join(roots.map((id) => sql`${id}`), sql`, `)}))`
}

/** A filter with its subtree resolved: the one unit whose scope rows are read, or the several roots. */
interface Resolved { f: AuditFilter, root?: number, roots?: number[] }

function * resolveAuditFilter (db: Db, f: AuditFilter): Q<Resolved> {
  if (!f.jurisdictionIds) return { f }
  const roots = yield * subtreeRoots(db, f.jurisdictionIds)
  return roots.length === 1 ? { f, root: roots[0] } : { f, roots }
}

function auditWhere ({ f, root, roots }: Resolved) {
  // A single unit: its scope rows are the index range, the dates bound it.
  const at = root === undefined ? auditEvents.at : auditScopes.at
  return and(
    root === undefined ? undefined : eq(auditScopes.jurisdictionId, root),
    // ESCAPE: a typed % or _ is matched as itself on both engines (SQLite's LIKE has no escape character by default).
    f.action ? sql`${auditEvents.action} LIKE ${`${f.action.replace(/[%_\\]/g, '\\$&')}%`} ESCAPE '\\'` : undefined,
    f.actor ? eq(users.username, f.actor) : undefined,
    f.from ? gte(at, f.from) : undefined,
    f.to ? lt(at, f.to) : undefined,
    roots ? jurisdictionCondition(roots) : undefined
  )
}

/** How many entries a filter finds (the list's true total). */
export function * countAudit (db: Db, f: AuditFilter): Q<number> {
  return yield * countResolved(db, yield * resolveAuditFilter(db, f))
}

function * countResolved (db: Db, r: Resolved): Q<number> {
  const f = r.f
  const plain = !f.action && !f.actor
  // The whole log: the total the trigger keeps, not a count of every row (one row on SQLite; on
  // PostgreSQL in up to 16 shards, so that events recorded at once do not conflict over one row).
  if (plain && !f.from && !f.to && !f.jurisdictionIds) return (yield * one(db.select({ n: sql`coalesce(sum(${auditTotals.events}), 0)`.mapWith(Number) }).from(auditTotals)))?.n ?? 0
  if (r.root !== undefined) {
    // One unit: a count over its range of the scope index, reading events only to filter by action or actor.
    if (plain) return (yield * one(db.select({ n: count() }).from(auditScopes).where(auditWhere(r))))?.n ?? 0
    return (yield * one(db.select({ n: count() }).from(auditScopes).innerJoin(auditEvents, eq(auditEvents.id, auditScopes.eventId))
      .leftJoin(users, eq(users.id, auditEvents.actorId)).where(auditWhere(r))))?.n ?? 0
  }
  return (yield * one(db.select({ n: count() }).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId)).where(auditWhere(r))))?.n ?? 0
}

/** The key of the audit log's order, newest first: the time, then the id. */
export const AUDIT_KEY = ['n', 'n'] as const
const auditKey = (r: { at: Date, id: number }): Key => [r.at.getTime(), r.id]

const auditColumns = {
  id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, actorId: auditEvents.actorId, subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId,
  details: auditEvents.details, clientIp: auditEvents.clientIp, actorUsername: users.username
}

export interface AuditRow {
  id: number
  at: Date
  action: string
  actorId: number | null
  subjectType: string | null
  subjectId: string | null
  details: Record<string, unknown> | null
  clientIp: string | null
  actorUsername: string | null
}

function * auditRows (db: Db, r: Resolved, page: KeysetRequest): Q<AuditRow[]> {
  if (r.root !== undefined) {
    // One unit's log: a range of its scope rows, newest first, joined to the events of the page.
    const k = keysetQuery([auditScopes.at, auditScopes.eventId], page, true)
    return yield * all(db.select(auditColumns).from(auditScopes).innerJoin(auditEvents, eq(auditEvents.id, auditScopes.eventId))
      .leftJoin(users, eq(users.id, auditEvents.actorId)).where(and(auditWhere(r), k.where)).orderBy(...k.orderBy).limit(k.limit))
  }
  const k = keysetQuery([auditEvents.at, auditEvents.id], page, true)
  return yield * all(db.select(auditColumns).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(auditWhere(r), k.where)).orderBy(...k.orderBy).limit(k.limit))
}

/** One keyset page of the log, newest first, with the filter's true total; `action` matches a prefix ("login" finds login.success and login.failure). */
export function * pageAudit (db: Db, f: AuditFilter, page: KeysetRequest): Q<KeysetPage<AuditRow>> {
  const r = yield * resolveAuditFilter(db, f)
  return toPage(yield * auditRows(db, r, page), page, yield * countResolved(db, r), auditKey)
}

/**
 * Every entry of a filter, newest first, in bounded chunks with the event loop free between them:
 * the export. Each chunk is its own read (exec), as the pages are.
 */
export async function * eachAudit (db: Db, f: AuditFilter, chunk = 500): AsyncGenerator<AuditRow[]> {
  const r = await exec(db, resolveAuditFilter, f)
  yield * keysetChunks((after, size) => exec(db, auditRows, r, { size: size - 1, after }), auditKey, chunk)
}

type Mentioned = ReadonlyArray<{ actorId: number | null, subjectType: string | null, subjectId: string | null, details: Record<string, unknown> | null }>

/**
 * The names a page of entries mentions, by kind and id, a query per kind (the
 * areas' tables read directly, as jurisdictionCondition does: audit cannot import the
 * areas that record into it): the actors, and the people, enterprises, sittings,
 * statements and the rest they are about.
 */
export function * auditNames (db: Db, rows: Mentioned): Q<AuditNames> {
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
  // The rows of one kind, a query per chunk of ids (what some entries name only through the record they are about).
  function * namedRowsOf<T> (kind: string, query: (list: number[]) => Q<T[]>): Q<T[]> {
    const out: T[] = []
    for (const part of chunks([...(ids.get(kind) ?? [])])) out.push(...(yield * query(part)))
    return out
  }
  const applications = yield * namedRowsOf('application', (list) => all(db.select({ id: applications_.id, traineeId: applications_.traineeId, sitsOn: examSittings.sitsOn })
    .from(applications_).innerJoin(examSittings, eq(examSittings.id, applications_.sittingId)).where(inArray(applications_.id, list))))
  const stmts = yield * namedRowsOf('statement', (list) => all(db.select({ id: statements.id, code: statements.code, traineeId: statements.traineeId }).from(statements).where(inArray(statements.id, list))))
  const attemptRows = yield * namedRowsOf('attempt', (list) => all(db.select({ id: attempts.id, traineeId: attempts.traineeId, body: blueprintVersions.body })
    .from(attempts).innerJoin(blueprintVersions, eq(blueprintVersions.id, attempts.blueprintVersionId)).where(inArray(attempts.id, list))))
  const bravery = yield * namedRowsOf('bravery', (list) => all(db.select({ id: braveryReports.id, traineeId: braveryReports.traineeId, occurredOn: braveryReports.occurredOn }).from(braveryReports).where(inArray(braveryReports.id, list))))
  for (const x of [...applications, ...stmts, ...attemptRows, ...bravery]) want('trainee', x.traineeId)
  const named = function * (kind: string, table: NamedTable, name: SQLiteColumn): Q<Map<number, string>> {
    const found = yield * namedRowsOf(kind, (list) => all(db.select({ id: table.id, name }).from(table).where(inArray(table.id, list))))
    return new Map(found.map((r) => [r.id as number, r.name as string]))
  }
  const sittings = yield * namedRowsOf('sitting', (list) => all(db.select({ id: examSittings.id, sitsOn: examSittings.sitsOn, venue: examSittings.venue }).from(examSittings).where(inArray(examSittings.id, list))))
  const cases = yield * namedRowsOf('case', (list) => all(db.select({ id: escalationCases.id, name: rectificationNotices.number })
    .from(escalationCases).innerJoin(rectificationNotices, eq(rectificationNotices.id, escalationCases.noticeId)).where(inArray(escalationCases.id, list))))
  const inspectionRows = yield * namedRowsOf('inspection', (list) => all(db.select({ id: inspections.id, site: sites.name, inspectedOn: inspections.inspectedOn })
    .from(inspections).innerJoin(sites, eq(sites.id, inspections.siteId)).where(inArray(inspections.id, list))))
  return {
    users: yield * named('user', users, users.displayName),
    trainees: yield * named('trainee', trainees, trainees.fullName),
    enterprises: yield * named('enterprise', enterprises, enterprises.name),
    jurisdictions: yield * named('jurisdiction', jurisdictions, jurisdictions.name),
    cohorts: yield * named('cohort', cohorts, cohorts.name),
    curricula: yield * named('curriculum', curricula, curricula.title),
    releases: yield * named('release', bankReleases, bankReleases.label),
    sittings: new Map(sittings.map((r) => [r.id, { sitsOn: r.sitsOn, venue: r.venue }])),
    applications: new Map(applications.map((r) => [r.id, { traineeId: r.traineeId, sitsOn: r.sitsOn }])),
    // Verification codes are shown in groups of four, as printed (readiness's formatCode).
    statements: new Map(stmts.map((r) => [r.id, { code: r.code.replace(/(.{4})(?=.)/g, '$1-'), traineeId: r.traineeId }])),
    attempts: new Map(attemptRows.map((r) => [r.id, { traineeId: r.traineeId, exam: r.body.title as { en: string, zh?: string } }])),
    sites: yield * named('site', sites, sites.name),
    notices: yield * named('notice', rectificationNotices, rectificationNotices.number),
    cases: new Map(cases.map((r) => [r.id, r.name])),
    inspections: new Map(inspectionRows.map((r) => [r.id, { site: r.site, inspectedOn: r.inspectedOn }])),
    messages: yield * named('message', enterpriseMessages, enterpriseMessages.title),
    bravery: new Map(bravery.map((r) => [r.id, { traineeId: r.traineeId, occurredOn: r.occurredOn }]))
  }
}
