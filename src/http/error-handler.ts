import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, TooManyRequests } from './errors.js'
import { translator, localeFromAcceptLanguage, isMessageKey, type MessageKey } from '../i18n/index.js'

/** Fastify's own 4xx errors, mapped to catalogue messages a person understands. */
const FASTIFY_CODES: Record<string, MessageKey> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'errors.too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'errors.unsupported-media',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'errors.bad-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'errors.bad-request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'errors.bad-request',
  FST_ERR_VALIDATION: 'errors.bad-request',
  FST_ERR_BAD_URL: 'errors.bad-request'
}

/**
 * SQLite refused a second row with the same unique key: two requests raced to
 * create the same thing (a cohort name checked free by both, a double submit).
 * The earlier one won; the later one is told so, instead of getting a 500.
 */
const isUniqueViolation = (err: unknown) => {
  const code = (err as { code?: unknown }).code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

const wantsJson = (req: FastifyRequest) =>
  req.url.startsWith('/api/') || req.url === '/healthz' || (req.headers.accept?.includes('application/json') && !req.headers.accept.includes('text/html'))

const errorTitle = (status: number) => {
  const key = `errors.title-${status}`
  return isMessageKey(key) ? key : status >= 500 ? 'errors.title-500' : 'errors.title-400'
}

export const errorPlugin = fp(async (app) => {
  const send = async (req: FastifyRequest, reply: FastifyReply, status: number, code: MessageKey, params?: Record<string, string | number>) => {
    // The request may have failed before the session hook ran (a bad URL, a body parser error).
    const t = req.t ?? translator(localeFromAcceptLanguage(req.headers['accept-language'], app.config.defaultLanguage))
    const message = t(code, params)
    reply.code(status)
    if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send({ error: code, message })
    if (!req.t) req.t = t
    const tpl = req.headers['hx-request'] === 'true' && req.headers['hx-boosted'] !== 'true' ? 'errors/_message' : 'errors/error'
    return tpl === 'errors/_message' ? reply.fragment(tpl, { status, message }) : reply.page(tpl, { status, message, title: errorTitle(status) })
  }

  app.setErrorHandler(async (err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      if (err instanceof TooManyRequests && err.retryAfterSeconds) reply.header('Retry-After', String(err.retryAfterSeconds))
      return send(req, reply, err.statusCode, err.code, err.params)
    }
    if (isUniqueViolation(err)) {
      req.log.info({ code: err.code, status: 409 }, 'client error')
      return send(req, reply, 409, 'errors.conflict')
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500
    if (status >= 400 && status < 500) {
      req.log.info({ code: err.code, status }, 'client error')
      return send(req, reply, status, (err.code ? FASTIFY_CODES[err.code] : undefined) ?? 'errors.bad-request')
    }
    req.log.error({ err, url: req.routeOptions.url, method: req.method }, 'request failed')
    return send(req, reply, 500, 'errors.server')
  })

  app.setNotFoundHandler(async (req, reply) => send(req, reply, 404, 'errors.not-found'))
}, { name: 'errors' })
