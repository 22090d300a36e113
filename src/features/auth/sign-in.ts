import type { Db } from '../../db/connection.js'
import { exec, transaction, type Q } from '../../db/engine.js'
import { writeAudit } from '../audit/index.js'
import { findUserByUsername, normaliseUsername, readThrottle, writeThrottle, clearThrottle, createSession, type User } from './queries.js'
import { verifyPassword } from './passwords.js'
import { ACCOUNT_POLICY, ADDRESS_POLICY, minutesLeft, refundAttempt, reserveAttempt } from './throttle.js'
import type { NewSessionToken } from './tokens.js'

export type Locked = { ok: false, reason: 'locked-account' | 'locked-address', minutes: number }

export type SignInResult =
  | { ok: true, user: User, session: NewSessionToken }
  | Locked
  | { ok: false, reason: 'invalid' | 'disabled' }

const accountKey = (username: string) => `user:${username}`
const addressKey = (ip: string) => `ip:${ip}`

/**
 * Reserves one password check on the account's and the address's counters, in
 * one transaction, before any password is verified: refused (and nothing
 * counted) when either is locked. Requests sent together are serialised here,
 * so a burst checks at most as many passwords as the counts allow.
 */
function * reserveCheck (tx: Db, username: string, clientIp: string, now: Date): Q<Locked | null> {
  const address = reserveAttempt(yield * readThrottle(tx, addressKey(clientIp)), now, ADDRESS_POLICY)
  if (!address.ok) return { ok: false, reason: 'locked-address', minutes: minutesLeft(address.until, now) } as const
  const account = reserveAttempt(yield * readThrottle(tx, accountKey(username)), now, ACCOUNT_POLICY)
  if (!account.ok) return { ok: false, reason: 'locked-account', minutes: minutesLeft(account.until, now) } as const
  yield * writeThrottle(tx, addressKey(clientIp), address.state)
  yield * writeThrottle(tx, accountKey(username), account.state)
  return null
}

/** The password was right: the account's count starts again and the address gets its reservation back. */
function * settleRightPassword (tx: Db, username: string, clientIp: string, now: Date): Q<void> {
  yield * clearThrottle(tx, accountKey(username))
  const refunded = refundAttempt(yield * readThrottle(tx, addressKey(clientIp)), now, ADDRESS_POLICY)
  if (refunded) yield * writeThrottle(tx, addressKey(clientIp), refunded)
}

/**
 * Checks a username and password against the throttle and the stored hash. The
 * check is reserved first (see reserveCheck); the password is verified outside
 * any transaction; a success, its audit entry and the session are written in one.
 */
export async function signIn (db: Db, input: { username: string, password: string }, clientIp: string, now: () => Date): Promise<SignInResult> {
  const username = normaliseUsername(input.username)
  const start = now()
  const refused = await transaction(db, reserveCheck, username, clientIp, start)
  if (refused) {
    if (refused.reason === 'locked-account') await transaction(db, writeAudit, { actorId: null, action: 'login.refused-locked', details: { username }, clientIp }, start)
    return refused
  }

  const user = await exec(db, findUserByUsername, username)
  const passwordOk = await verifyPassword(user?.passwordHash, input.password)
  const at = now()

  if (!user || !passwordOk) {
    // The reservation already counted this failure.
    await transaction(db, writeAudit, { actorId: user?.id ?? null, action: 'login.failure', subjectType: user ? 'user' : undefined, subjectId: user?.id, details: { username }, clientIp }, at)
    return { ok: false, reason: 'invalid' }
  }
  if (user.status !== 'active') {
    await transaction(db, function * (tx) {
      yield * settleRightPassword(tx, username, clientIp, at)
      yield * writeAudit(tx, { actorId: user.id, action: 'login.refused-disabled', subjectType: 'user', subjectId: user.id, clientIp }, at)
    })
    return { ok: false, reason: 'disabled' }
  }
  const session = await transaction(db, function * (tx) {
    yield * settleRightPassword(tx, username, clientIp, at)
    yield * writeAudit(tx, { actorId: user.id, action: 'login.success', subjectType: 'user', subjectId: user.id, clientIp }, at)
    return yield * createSession(tx, user.id, at)
  })
  return { ok: true, user, session }
}

/**
 * Checks a signed-in user's current password (before a password change) under
 * the same limits as signing in, on the same counters: a stolen session cannot
 * guess the password any faster than the sign-in form allows.
 */
export async function checkCurrentPassword (db: Db, user: User, password: string, clientIp: string, now: () => Date): Promise<{ ok: true } | Locked | { ok: false, reason: 'wrong' }> {
  const start = now()
  const refused = await transaction(db, reserveCheck, user.username, clientIp, start)
  if (refused) return refused
  const right = await verifyPassword(user.passwordHash, password)
  const at = now()
  if (!right) {
    await transaction(db, writeAudit, { actorId: user.id, action: 'account.password-check-failed', subjectType: 'user', subjectId: user.id, clientIp }, at)
    return { ok: false, reason: 'wrong' }
  }
  await transaction(db, settleRightPassword, user.username, clientIp, at)
  return { ok: true }
}
