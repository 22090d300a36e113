import { eq, count } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { prepared } from '../../db/statements.js'
import { recordAudit, type AuditEntry } from '../audit/index.js'
import { users, sessions, loginThrottle, type Role, type UserStatus } from '../../db/schema.js'
import { generateSessionToken, parseSessionToken, secretMatches, sessionFreshness, type NewSessionToken } from './tokens.js'
import type { ThrottleState } from './throttle.js'

export type User = typeof users.$inferSelect

export function normaliseUsername (raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase()
}

export function findUserByUsername (db: DbOrTx, username: string): User | undefined {
  return db.select().from(users).where(eq(users.username, normaliseUsername(username))).get()
}

export function findUserById (db: DbOrTx, id: number): User | undefined {
  return db.select().from(users).where(eq(users.id, id)).get()
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

export function insertUser (db: DbOrTx, u: NewUser, now: Date): User {
  return db.insert(users).values({
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
  }).returning().get()
}

export function countUsers (db: DbOrTx): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0
}

// ---- sessions ----

export function createSession (db: DbOrTx, userId: number, now: Date): NewSessionToken {
  const t = generateSessionToken()
  db.insert(sessions).values({ id: t.id, secretHash: Buffer.from(t.secretHash), userId, createdAt: now, lastVerifiedAt: now }).run()
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

/** Validates a session token: unknown, wrong secret, timed out or disabled user all give null. (Every request: prepared statements.) */
export function validateSessionToken (db: Db, token: string | undefined, now: Date): SessionActor | null {
  const parsed = parseSessionToken(token)
  if (!parsed) return null
  // The person record of a trainee account comes in the same query: one query on every request, not two.
  const row = prepared(db, `SELECT s.secret_hash AS secretHash, s.last_verified_at AS lastVerifiedAt, s.created_at AS sessionCreatedAt, u.*,
      t.id AS traineeId, t.privacy_accepted_at AS privacyAcceptedAt
    FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN trainees t ON t.user_id = u.id WHERE s.id = ?`).get(parsed.id) as Record<string, unknown> | undefined
  if (!row) return null
  if (!secretMatches(parsed.secret, row.secretHash as Uint8Array)) return null
  const lastVerifiedAt = new Date(row.lastVerifiedAt as number)
  const user: User = {
    id: row.id as number, username: row.username as string, displayName: row.display_name as string, passwordHash: row.password_hash as string,
    role: row.role as User['role'], status: row.status as User['status'], mustChangePassword: row.must_change_password === 1, locale: (row.locale as string | null) ?? null,
    enterpriseId: (row.enterprise_id as number | null) ?? null, jurisdictionId: (row.jurisdiction_id as number | null) ?? null,
    createdAt: new Date(row.created_at as number), updatedAt: new Date(row.updated_at as number)
  }
  const trainee = row.traineeId === null || row.traineeId === undefined ? null : { id: row.traineeId as number, privacyAccepted: row.privacyAcceptedAt !== null }
  const createdAt = new Date(row.sessionCreatedAt as number)
  const freshness = sessionFreshness(lastVerifiedAt, now)
  if (freshness === 'expired' || user.status !== 'active') {
    db.delete(sessions).where(eq(sessions.id, parsed.id)).run()
    return null
  }
  if (freshness === 'touch') {
    db.update(sessions).set({ lastVerifiedAt: now }).where(eq(sessions.id, parsed.id)).run()
    return { sessionId: parsed.id, lastVerifiedAt: now, createdAt, refreshed: true, user, trainee }
  }
  return { sessionId: parsed.id, lastVerifiedAt, createdAt, refreshed: false, user, trainee }
}

export function endSession (db: Db, sessionId: string, audit: AuditEntry, now: Date): void {
  db.transaction((tx) => {
    tx.delete(sessions).where(eq(sessions.id, sessionId)).run()
    recordAudit(tx, audit, now)
  })
}

// ---- account changes: each ends every session of the user, in the same transaction ----

/** Sets a password and ends every session; with `signIn` a fresh session is made for the caller. */
export function setPassword (db: Db, userId: number, passwordHash: string, opts: { mustChange: boolean, signIn: boolean }, audit: AuditEntry, now: Date): NewSessionToken | null {
  return db.transaction((tx) => {
    recordAudit(tx, audit, now)
    tx.update(users).set({ passwordHash, mustChangePassword: opts.mustChange, updatedAt: now }).where(eq(users.id, userId)).run()
    tx.delete(sessions).where(eq(sessions.userId, userId)).run()
    return opts.signIn ? createSession(tx, userId, now) : null
  }, { behavior: 'immediate' })
}

export function setStatus (db: Db, userId: number, status: UserStatus, audit: AuditEntry, now: Date): void {
  db.transaction((tx) => {
    recordAudit(tx, audit, now)
    tx.update(users).set({ status, updatedAt: now }).where(eq(users.id, userId)).run()
    if (status !== 'active') tx.delete(sessions).where(eq(sessions.userId, userId)).run()
  }, { behavior: 'immediate' })
}

export function setRole (db: Db, userId: number, role: Role, audit: AuditEntry, now: Date): void {
  db.transaction((tx) => {
    recordAudit(tx, audit, now)
    tx.update(users).set({ role, updatedAt: now }).where(eq(users.id, userId)).run()
    tx.delete(sessions).where(eq(sessions.userId, userId)).run()
  }, { behavior: 'immediate' })
}

export function setLocale (db: DbOrTx, userId: number, locale: string, now: Date): void {
  db.update(users).set({ locale, updatedAt: now }).where(eq(users.id, userId)).run()
}

// ---- throttle ----

export function readThrottle (db: DbOrTx, key: string): ThrottleState | undefined {
  const row = db.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get()
  return row ? { failures: row.failures, windowStartedAt: row.windowStartedAt, lockedUntil: row.lockedUntil } : undefined
}

export function writeThrottle (db: DbOrTx, key: string, state: ThrottleState): void {
  db.insert(loginThrottle).values({ key, ...state })
    .onConflictDoUpdate({ target: loginThrottle.key, set: { ...state } }).run()
}

export function clearThrottle (db: DbOrTx, key: string): void {
  db.delete(loginThrottle).where(eq(loginThrottle.key, key)).run()
}
