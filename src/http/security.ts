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
 * Sec-Fetch-Site says same-origin, or (older browsers) the Origin host is ours.
 */
export function isSameOriginRequest (req: Pick<FastifyRequest, 'headers'>, publicUrl: URL): boolean {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined) return site === 'same-origin'
  const origin = req.headers.origin
  if (typeof origin !== 'string' || origin === 'null') return false
  try {
    return new URL(origin).host === publicUrl.host
  } catch {
    return false
  }
}

export const securityPlugin = fp(async (app) => {
  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method)) return
    if (!isSameOriginRequest(req, app.config.publicUrl)) throw new Forbidden('errors.cross-site')
  })

  app.addHook('onSend', async (_req, reply) => {
    reply.header('Content-Security-Policy', CSP)
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('X-Frame-Options', 'DENY')
    reply.header('Referrer-Policy', 'same-origin')
    reply.header('Cross-Origin-Opener-Policy', 'same-origin')
    reply.header('Cross-Origin-Resource-Policy', 'same-origin')
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()')
    if (app.config.cookieSecure) reply.header('Strict-Transport-Security', 'max-age=31536000')
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store')
  })
}, { name: 'security' })
