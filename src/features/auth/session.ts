import type { FastifyReply, FastifyRequest } from 'fastify'
import { SESSION_COOKIE, setSessionCookie, clearSessionCookie } from '../../http/cookies.js'
import type { Authenticated } from '../../http/types.js'
import { exec } from '../../db/engine.js'
import { validateSessionToken } from './queries.js'
import { sessionExpiresAt } from './tokens.js'

/**
 * The signed-in user of a request (the http layer's session plugin calls it on
 * every request): the session cookie checked against the database, cleared when
 * it is no longer valid, and set again when its expiry moved.
 */
export async function authenticateRequest (req: FastifyRequest, reply: FastifyReply, now: Date): Promise<Authenticated | null> {
  const token = req.cookies[SESSION_COOKIE]
  if (!token) return null
  const { db, config } = req.server
  const found = await exec(db, validateSessionToken, token, now)
  if (!found) {
    clearSessionCookie(reply, config)
    return null
  }
  const u = found.user
  const login = u.role === 'trainee' ? found.trainee : null
  const pending = u.mustChangePassword ? 'password' : login?.privacyAccepted === false ? 'privacy' : null
  if (found.refreshed) setSessionCookie(reply, config, token, sessionExpiresAt(found.lastVerifiedAt))
  return {
    actor: {
      id: u.id, username: u.username, displayName: u.displayName, role: u.role, mustChangePassword: u.mustChangePassword,
      sessionId: found.sessionId, signedInAt: found.createdAt, enterpriseId: u.enterpriseId, jurisdictionId: u.jurisdictionId, traineeId: login?.id ?? null, pending
    },
    locale: u.locale
  }
}
