import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { Forbidden } from './errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

/**
 * A state-changing request must come from our own pages: the browser's
 * Sec-Fetch-Site says same-origin, or (older browsers) the Origin is ours: the
 * same scheme, host and port as PUBLIC_URL (an http page of our host, or another
 * port on it, is another origin and may be someone else's).
 */
export function isSameOriginRequest (req: Pick<FastifyRequest, 'headers'>, publicUrl: URL): boolean {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined) return site === 'same-origin'
  const origin = req.headers.origin
  if (typeof origin !== 'string' || origin === 'null') return false
  try {
    return new URL(origin).origin === publicUrl.origin
  } catch {
    return false
  }
}

/** The headers every response carries (HSTS is added when cookies are marked secure, i.e. behind https). */
function securityHeaders (hsts: boolean): Record<string, string> {
  return {
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    ...(hsts ? { 'Strict-Transport-Security': 'max-age=31536000' } : {})
  }
}

// Callback hooks: they run on every request, and an async hook costs a promise and a turn more.
export const securityPlugin = fp(async (app) => {
  app.addHook('onRequest', (req, _reply, done) => {
    if (SAFE_METHODS.has(req.method) || isSameOriginRequest(req, app.config.publicUrl)) done()
    else done(new Forbidden('errors.cross-site'))
  })

  const headers = securityHeaders(app.config.cookieSecure)
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.headers(headers)
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store')
    done(null, payload)
  })
}, { name: 'security' })
