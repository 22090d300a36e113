import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NotFound, TooManyRequests } from '../../http/errors.js'
import { queryText } from '../../http/params.js'
import { readThrottle, writeThrottle, afterFailure, lockedUntil, type ThrottlePolicy } from '../auth/index.js'
import { normaliseCode, formatCode } from './statements.js'
import { publicVerification } from './view.js'
import { readinessHelpers } from './helpers.js'
import { findStatementByCode } from './queries.js'

/** 20 unknown codes from one address within 15 minutes lock it out of verification for 15 minutes. */
const VERIFY_POLICY: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 }

/** Public verification of a statement by its code: a form, a page and JSON, showing only the minimum. */
export async function publicVerifyRoutes (app: FastifyInstance) {
  const h = readinessHelpers(app)
  const key = (req: FastifyRequest) => `verify:${req.ip}`

  /** The statement for a typed code, or null; unknown codes count towards the address's lock, and a locked address gets 429. */
  const lookUp = async (req: FastifyRequest, typed: string) => {
    const now = h.now()
    const locked = lockedUntil(await app.exec(readThrottle, key(req)), now)
    if (locked) throw new TooManyRequests('verify.throttled', {}, Math.ceil((locked.getTime() - now.getTime()) / 1000))
    const code = normaliseCode(typed)
    const st = code ? await app.exec(findStatementByCode, code) : undefined
    if (!st) {
      await app.transaction(function * (tx) { yield * writeThrottle(tx, key(req), afterFailure(yield * readThrottle(tx, key(req)), now, VERIFY_POLICY)) })
      return null
    }
    return publicVerification(st, now, h.day)
  }

  app.get('/verify', { config: { access: 'public' } }, async (req, reply) => {
    const typed = queryText(req, 'code', 40)
    if (typed) {
      const code = normaliseCode(typed)
      if (code) return reply.seeOther(`/verify/${formatCode(code)}`)
      return reply.code(422).page('verify/form', { title: 'verify.title', code: typed, error: 'verify.format' })
    }
    return reply.page('verify/form', { title: 'verify.title', code: '', error: null })
  })

  app.get('/verify/:code', { config: { access: 'public' } }, async (req, reply) => {
    const typed = (req.params as { code: string }).code
    const v = await lookUp(req, typed)
    reply.header('Cache-Control', 'no-store').header('X-Robots-Tag', 'noindex')
    // An unknown code is an answer, not a broken page: still 404, on the verification page, saying what to check.
    if (!v) return reply.code(404).page('verify/form', { title: 'verify.not-found-title', code: typed.slice(0, 40), error: null, notFound: true })
    return reply.page('verify/show', { title: 'verify.title', v })
  })

  app.get('/api/verify/:code', { config: { access: 'public' } }, async (req, reply) => {
    const v = await lookUp(req, (req.params as { code: string }).code)
    if (!v) throw new NotFound('verify.unknown')
    return reply.header('Cache-Control', 'no-store').type('application/json; charset=utf-8').send(v)
  })
}
