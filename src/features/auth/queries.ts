import { eq, count, sql } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { one, run, prepared, type Q } from '../../db/engine.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import { users, sessions, loginThrottle, trainees, type Role, type UserStatus } from '../../db/schema.js'
import { generateSessionToken, parseSessionToken, secretMatches, sessionFreshness, type NewSessionToken } from './tokens.js'
import type { ThrottleState } from './throttle.js'

// Query functions for both engines (ARCHITECTURE, "The data layer on two engines"): each yields
// its statements; the caller runs it with query() or transaction(), or yield*s it inside one.

export type User = typeof users.$inferSelect

export function normaliseUsername (raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase()
}

export function * findUserByUsername (db: Db, username: string): Q<User | undefined> {
  return yield * one(db.select().from(users).where(eq(users.username, normaliseUsername(username))))
}

export function * findUserById (db: Db, id: number): Q<User | undefined> {
  return yield * one(db.select().from(users).where(eq(users.id, id)))
}

export interface NewUser {
  username: string
  displayName: string
  passwordHash: string
  role: Role
  mustChangePassword?: boolean
  locale?: string | null
  enterpriseId?: number | null
  jurisdictionId?: number | null
}

export function * insertUser (db: Db, u: NewUser, now: Date): Q<User> {
  const user = yield * one(db.insert(users).values({
    username: normaliseUsername(u.username),
    displayName: u.displayName,
    passwordHash: u.passwordHash,
    role: u.role,
    mustChangePassword: u.mustChangePassword ?? false,
    locale: u.locale ?? null,
    enterpriseId: u.enterpriseId ?? null,
    jurisdictionId: u.jurisdictionId ?? null,
    createdAt: now,
    updatedAt: now
  }).returning())
  return user!
}

export function * countUsers (db: Db): Q<number> {
  return (yield * one(db.select({ n: count() }).from(users)))?.n ?? 0
}

// ---- sessions ----

export function * createSession (db: Db, userId: number, now: Date): Q<NewSessionToken> {
  const t = generateSessionToken()
  yield * run(db.insert(sessions).values({ id: t.id, secretHash: Buffer.from(t.secretHash), userId, createdAt: now, lastVerifiedAt: now }))
  return t
}

export interface SessionActor {
  sessionId: string
  lastVerifiedAt: Date
  /** When the session began: when the user signed in with a password. */
  createdAt: Date
  /** True when the activity time moved and the cookie should be set again. */
  refreshed: boolean
  user: User
  /** A trainee account's person record (orgs' trainees row): its id and whether the privacy notice was accepted. */
  trainee: { id: number, privacyAccepted: boolean } | null
}

/**
 * Validates a session token: unknown, wrong secret, timed out or disabled user all give null.
 * Every request asks: one prepared query, with a trainee account's person record in it.
 */
export function * validateSessionToken (db: Db, token: string | undefined, now: Date): Q<SessionActor | null> {
  const parsed = parseSessionToken(token)
  if (!parsed) return null
  const row = yield * one(prepared(db, 'auth.session', () => db.select({
    secretHash: sessions.secretHash, lastVerifiedAt: sessions.lastVerifiedAt, createdAt: sessions.createdAt,
    user: users, traineeId: trainees.id, privacyAcceptedAt: trainees.privacyAcceptedAt
  }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).leftJoin(trainees, eq(trainees.userId, users.id))
    .where(eq(sessions.id, sql.placeholder('id')))), { id: parsed.id })
  if (!row) return null
  if (!secretMatches(parsed.secret, row.secretHash)) return null
  const { user } = row
  const trainee = row.traineeId === null ? null : { id: row.traineeId, privacyAccepted: row.privacyAcceptedAt !== null }
  const freshness = sessionFreshness(row.lastVerifiedAt, now)
  if (freshness === 'expired' || user.status !== 'active') {
    yield * run(db.delete(sessions).where(eq(sessions.id, parsed.id)))
    return null
  }
  if (freshness === 'touch') {
    yield * run(db.update(sessions).set({ lastVerifiedAt: now }).where(eq(sessions.id, parsed.id)))
    return { sessionId: parsed.id, lastVerifiedAt: now, createdAt: row.createdAt, refreshed: true, user, trainee }
  }
  return { sessionId: parsed.id, lastVerifiedAt: row.lastVerifiedAt, createdAt: row.createdAt, refreshed: false, user, trainee }
}

export function * endSession (db: Db, sessionId: string, audit: AuditEntry, now: Date): Q<void> {
  yield * run(db.delete(sessions).where(eq(sessions.id, sessionId)))
  yield * writeAudit(db, audit, now)
}

// ---- account changes: each ends every session of the user (run them in one transaction) ----

/** Sets a password and ends every session; with `signIn` a fresh session is made for the caller. */
export function * setPassword (db: Db, userId: number, passwordHash: string, opts: { mustChange: boolean, signIn: boolean }, audit: AuditEntry, now: Date): Q<NewSessionToken | null> {
  yield * writeAudit(db, audit, now)
  yield * run(db.update(users).set({ passwordHash, mustChangePassword: opts.mustChange, updatedAt: now }).where(eq(users.id, userId)))
  yield * run(db.delete(sessions).where(eq(sessions.userId, userId)))
  return opts.signIn ? yield * createSession(db, userId, now) : null
}

export function * setStatus (db: Db, userId: number, status: UserStatus, audit: AuditEntry, now: Date): Q<void> {
  yield * writeAudit(db, audit, now)
  yield * run(db.update(users).set({ status, updatedAt: now }).where(eq(users.id, userId)))
  if (status !== 'active') yield * run(db.delete(sessions).where(eq(sessions.userId, userId)))
}

export function * setRole (db: Db, userId: number, role: Role, audit: AuditEntry, now: Date): Q<void> {
  yield * writeAudit(db, audit, now)
  yield * run(db.update(users).set({ role, updatedAt: now }).where(eq(users.id, userId)))
  yield * run(db.delete(sessions).where(eq(sessions.userId, userId)))
}

export function * setLocale (db: Db, userId: number, locale: string, now: Date): Q<void> {
  yield * run(db.update(users).set({ locale, updatedAt: now }).where(eq(users.id, userId)))
}

// ---- throttle ----

export function * readThrottle (db: Db, key: string): Q<ThrottleState | undefined> {
  const row = yield * one(db.select().from(loginThrottle).where(eq(loginThrottle.key, key)))
  return row ? { failures: row.failures, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil } : undefined
}

export function * writeThrottle (db: Db, key: string, state: ThrottleState): Q<void> {
  yield * run(db.insert(loginThrottle).values({ key, ...state })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { ...state } }))
}

export function * clearThrottle (db: Db, key: string): Q<void> {
  yield * run(db.delete(loginThrottle).where(eq(loginThrottle.key, key)))
}
