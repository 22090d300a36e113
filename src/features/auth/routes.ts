import type { FastifyInstance, FastifyReply } from 'fastify'
import { readForm } from '../../lib/form.js'
import { isLocale } from '../../i18n/index.js'
import { BadRequest } from '../../http/errors.js'
import { setSessionCookie, clearSessionCookie, setLocaleCookie } from '../../http/cookies.js'
import { safeLocalPath } from '../../http/render.js'
import type { Actor } from '../../http/types.js'
import { signIn, checkCurrentPassword } from './sign-in.js'
import { findUserById, setPassword, setLocale, endSession } from './queries.js'
import { hashPassword, verifyPassword, checkNewPassword, PASSWORD_MAX } from './passwords.js'
import { sessionExpiresAt } from './tokens.js'

const LOGIN_FORM = {
  username: { required: true, max: 64, identifier: true },
  password: { required: true, max: PASSWORD_MAX, raw: true },
  next: { max: 512, identifier: true }
} as const

const NEW_PASSWORD_FORM = {
  password: { required: true, max: PASSWORD_MAX * 2, raw: true },
  confirm: { required: true, max: PASSWORD_MAX * 2, raw: true }
} as const
const PASSWORD_FORM = { current: { required: true, max: PASSWORD_MAX, raw: true }, ...NEW_PASSWORD_FORM } as const

/**
 * A user who must replace the one-time password and signed in with it moments
 * ago is not asked for it again: the sign-in of this session is the proof.
 */
export const FRESH_SIGN_IN_MS = 15 * 60_000
const asksCurrent = (actor: Actor, now: Date) => !(actor.mustChangePassword && now.getTime() - actor.signedInAt.getTime() < FRESH_SIGN_IN_MS)

export async function authRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()

  app.get('/login', { config: { access: 'public' } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>
    const next = typeof q.next === 'string' ? q.next : ''
    if (req.actor) return reply.seeOther(safeLocalPath(next))
    return reply.page('auth/login', { title: 'login.title', values: { username: '', next: next.slice(0, 512) }, errors: {} })
  })

  app.post('/login', { config: { access: 'public' } }, async (req, reply) => {
    const form = readForm(req.body, LOGIN_FORM)
    const again = (status: number, errors: Record<string, string>, notice?: { key: string, params?: Record<string, number> }) =>
      reply.code(status).page('auth/login', { title: 'login.title', values: { username: form.values.username, next: form.values.next }, errors, notice })
    if (!form.ok) return again(422, form.errors)

    const result = await signIn(app.db, form.values, req.ip, now)
    if (!result.ok) {
      if (result.reason === 'locked-account' || result.reason === 'locked-address') {
        reply.header('Retry-After', String(result.minutes * 60))
        return again(429, {}, { key: `login.${result.reason}`, params: { minutes: result.minutes } })
      }
      return again(422, {}, { key: result.reason === 'disabled' ? 'login.disabled' : 'login.invalid' })
    }
    setSessionCookie(reply, app.config, result.session.token, sessionExpiresAt(now()))
    if (result.user.mustChangePassword) return reply.seeOther('/account/password')
    return reply.seeOther(safeLocalPath(form.values.next || '/'))
  })

  app.post('/logout', { config: { access: 'signed-in', allowPending: true } }, async (req, reply) => {
    const actor = req.actor!
    await app.transaction(endSession, actor.sessionId, { actorId: actor.id, action: 'logout', subjectType: 'user', subjectId: actor.id, clientIp: req.ip }, now())
    clearSessionCookie(reply, app.config)
    return reply.seeOther('/login', 'flash.signed-out')
  })

  const passwordPage = (reply: FastifyReply, actor: Actor, errors: Record<string, string> = {}, notice?: { key: string, params?: Record<string, number> }) =>
    reply.page('account/password', { title: 'password.title', forced: actor.mustChangePassword, askCurrent: asksCurrent(actor, now()), errors, notice })

  app.get('/account/password', { config: { access: 'signed-in', allowPending: true } }, async (req, reply) => passwordPage(reply, req.actor!))

  app.post('/account/password', { config: { access: 'signed-in', allowPending: true } }, async (req, reply) => {
    const actor = req.actor!
    const askCurrent = asksCurrent(actor, now())
    const form = readForm(req.body, askCurrent ? PASSWORD_FORM : NEW_PASSWORD_FORM)
    const current = 'current' in form.values ? form.values.current as string : null
    const errors = { ...form.errors }
    const user = (await app.exec(findUserById, actor.id))!
    if (current !== null && !errors.current) {
      // The same limits as signing in, on the same counters, reserved before the check.
      const checked = await checkCurrentPassword(app.db, user, current, req.ip, now)
      if (!checked.ok && checked.reason !== 'wrong') {
        reply.header('Retry-After', String(checked.minutes * 60))
        return passwordPage(reply.code(429), actor, {}, { key: `login.${checked.reason}`, params: { minutes: checked.minutes } })
      }
      if (!checked.ok) errors.current = 'password.current-wrong'
    }
    if (!errors.password) {
      const problem = checkNewPassword(form.values.password, user.username)
      if (problem) errors.password = problem
      else if (current !== null ? form.values.password === current : await verifyPassword(user.passwordHash, form.values.password)) errors.password = 'password.same-as-old'
    }
    if (!errors.password && !errors.confirm && form.values.confirm !== form.values.password) errors.confirm = 'password.mismatch'
    if (Object.keys(errors).length > 0) return passwordPage(reply.code(422), actor, errors)
    const hash = await hashPassword(form.values.password)
    const session = await app.transaction(setPassword, actor.id, hash, { mustChange: false, signIn: true },
      { actorId: actor.id, action: 'account.password-changed', subjectType: 'user', subjectId: actor.id, clientIp: req.ip }, now())
    setSessionCookie(reply, app.config, session!.token, sessionExpiresAt(now()))
    return reply.seeOther('/', 'flash.password-changed')
  })

  app.post('/language', { config: { access: 'public', allowPending: true } }, async (req, reply) => {
    const form = readForm(req.body, { lang: { required: true, max: 8 }, back: { max: 512, identifier: true } })
    if (!form.ok || !isLocale(form.values.lang)) throw new BadRequest('errors.unknown-language')
    setLocaleCookie(reply, app.config, form.values.lang)
    if (req.actor) await app.exec(setLocale, req.actor.id, form.values.lang, now())
    return reply.seeOther(safeLocalPath(form.values.back || '/'))
  })
}
