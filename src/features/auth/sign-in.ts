import type { Db } from '../../db/connection.js'
import { recordAudit } from '../audit/index.js'
import { findUserByUsername, normaliseUsername, readThrottle, writeThrottle, clearThrottle, createSession, type User } from './queries.js'
import { verifyPassword } from './passwords.js'
import { ACCOUNT_POLICY, ADDRESS_POLICY, afterFailure, lockedUntil, minutesLeft } from './throttle.js'
import type { NewSessionToken } from './tokens.js'

export type SignInResult =
  | { ok: true, user: User, session: NewSessionToken }
  | { ok: false, reason: 'locked-account' | 'locked-address', minutes: number }
  | { ok: false, reason: 'invalid' | 'disabled' }

const accountKey = (username: string) => `user:${username}`
const addressKey = (ip: string) => `ip:${ip}`

/**
 * Checks a username and password against the throttle and the stored hash. The
 * password is verified before any transaction; failures, successes and their
 * audit entries are each written in one.
 */
export async function signIn (db: Db, input: { username: string, password: string }, clientIp: string, now: () => Date): Promise<SignInResult> {
  const username = normaliseUsername(input.username)
  const start = now()
  const addressLock = lockedUntil(readThrottle(db, addressKey(clientIp)), start)
  if (addressLock) return { ok: false, reason: 'locked-address', minutes: minutesLeft(addressLock, start) }
  const accountLock = lockedUntil(readThrottle(db, accountKey(username)), start)
  if (accountLock) {
    recordAudit(db, { actorId: null, action: 'login.refused-locked', details: { username }, clientIp }, start)
    return { ok: false, reason: 'locked-account', minutes: minutesLeft(accountLock, start) }
  }

  const user = findUserByUsername(db, username)
  const passwordOk = await verifyPassword(user?.passwordHash, input.password)
  const at = now()

  if (!user || !passwordOk) {
    db.transaction((tx) => {
      for (const [key, policy] of [[accountKey(username), ACCOUNT_POLICY], [addressKey(clientIp), ADDRESS_POLICY]] as const) {
        const current = readThrottle(tx, key)
        writeThrottle(tx, key, afterFailure(current, at, policy))
      }
      recordAudit(tx, { actorId: user?.id ?? null, action: 'login.failure', subjectType: user ? 'user' : undefined, subjectId: user?.id, details: { username }, clientIp }, at)
    }, { behavior: 'immediate' })
    return { ok: false, reason: 'invalid' }
  }
  if (user.status !== 'active') {
    recordAudit(db, { actorId: user.id, action: 'login.refused-disabled', subjectType: 'user', subjectId: user.id, clientIp }, at)
    return { ok: false, reason: 'disabled' }
  }
  const session = db.transaction((tx) => {
    clearThrottle(tx, accountKey(username))
    recordAudit(tx, { actorId: user.id, action: 'login.success', subjectType: 'user', subjectId: user.id, clientIp }, at)
    return createSession(tx, user.id, at)
  }, { behavior: 'immediate' })
  return { ok: true, user, session }
}
