import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { pickLocale, translator } from '../i18n/index.js'
import { Forbidden } from './errors.js'
import { LOCALE_COOKIE } from './cookies.js'
import type { Access, Authenticate } from './types.js'

export const isHtmx = (req: FastifyRequest) => req.headers['hx-request'] === 'true'

/** Sends a signed-out or redirected user elsewhere: 303 for pages, HX-Redirect for htmx. */
export function redirectTo (req: FastifyRequest, reply: FastifyReply, location: string, status = 303): FastifyReply {
  if (isHtmx(req)) return reply.code(status === 303 ? 401 : status).header('HX-Redirect', location).send()
  return reply.code(303).header('Location', location).send()
}

function accessAllows (access: Access, role: string): boolean {
  if (access === 'public' || access === 'signed-in') return true
  return access.includes(role as never)
}

/**
 * Resolves the session and the language of every request, then enforces the
 * route's declared access before any body is read. Who is signed in is the auth
 * area's to say (`authenticate`, passed in by app.ts): this layer sits below the areas.
 */
export const sessionPlugin = fp<{ authenticate: Authenticate }>(async (app, opts) => {
  const authenticate = opts.authenticate
  app.decorateRequest('actor', null)
  app.decorateRequest('locale', app.config.defaultLanguage)
  app.decorateRequest('t', null as never)
  app.decorateRequest('flash', null)

  // A callback hook (it runs on every request): done() goes on; a redirect answers at once and does not call it.
  app.addHook('onRequest', (req, reply, done) => {
    authenticate(req, reply, app.clock.now()).then((found) => { resolved(req, reply, done, found) }, done)
  })
  const resolved = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void, found: Awaited<ReturnType<Authenticate>>) => {
    if (found) req.actor = found.actor
    req.locale = pickLocale(found?.locale, req.cookies[LOCALE_COOKIE], req.headers['accept-language'], app.config.defaultLanguage)
    req.t = translator(req.locale)

    const cfg = req.routeOptions.config
    const access = cfg.access ?? 'public' // routes without a declaration are refused at registration (app.ts)
    if (access === 'public') { done(); return }
    if (!req.actor) {
      const next = req.method === 'GET' && !isHtmx(req) ? `?next=${encodeURIComponent(req.url)}` : ''
      redirectTo(req, reply, `/login${next}`)
      return
    }
    if (req.actor.pending && !cfg.allowPending) { redirectTo(req, reply, req.actor.pending === 'password' ? '/account/password' : '/privacy'); return }
    done(accessAllows(access, req.actor.role) ? undefined : new Forbidden())
  }
}, { name: 'session', dependencies: ['security'] })
