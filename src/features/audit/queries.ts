import { and, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { prepared } from '../../db/statements.js'
import { maskIdNumbersIn } from '../../lib/id-checksums.js'
import { users } from '../auth/schema.js'
import { auditEvents } from './schema.js'

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
  limit: number
  offset: number
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

/** Newest first; `action` matches a prefix ("login" finds login.success and login.failure). */
export function listAudit (db: DbOrTx, f: AuditFilter) {
  const where = and(
    f.action ? like(auditEvents.action, `${f.action.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
    f.actor ? eq(users.username, f.actor) : undefined,
    f.from ? gte(auditEvents.at, f.from) : undefined,
    f.to ? lt(auditEvents.at, f.to) : undefined,
    f.jurisdictionIds ? jurisdictionCondition(f.jurisdictionIds) : undefined
  )
  return db.select({
    id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, subjectType: auditEvents.subjectType, subjectId: auditEvents.subjectId,
    details: auditEvents.details, clientIp: auditEvents.clientIp, actorUsername: users.username
  }).from(auditEvents).leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(where).orderBy(desc(auditEvents.at), desc(auditEvents.id)).limit(f.limit).offset(f.offset).all()
}
