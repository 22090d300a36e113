import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import { isMessageKey, type Params } from '../i18n/index.js'
import { FLASH_COOKIE } from './cookies.js'
import { NAV, isCurrent } from './nav.js'
import type { PageData } from './types.js'
import { formatDateTime, formatTime } from '../lib/time.js'
import { localText } from '../lib/text.js'

export const VIEWS_DIR = fileURLToPath(new URL('../../views', import.meta.url))
const LAYOUT = 'layouts/app.eta'

/** An htmx request that wants a fragment; boosted navigation and history restores get the whole page. */
export const isPartial = (h: IncomingHttpHeaders) =>
  h['hx-request'] === 'true' && h['hx-boosted'] !== 'true' && h['hx-history-restore-request'] !== 'true'

function readFlash (raw: string | undefined): { key: string, params?: Params } | null {
  if (!raw) return null
  const q = new URLSearchParams(raw)
  const key = q.get('k')
  if (!key || !key.startsWith('flash.') || !isMessageKey(key)) return null
  q.delete('k')
  const params = Object.fromEntries(q)
  return Object.keys(params).length ? { key, params } : { key }
}

export const renderPlugin = fp(async (app) => {
  const eta = new Eta({ views: VIEWS_DIR, cache: app.config.viewCache, autoEscape: true, autoTrim: false })
  await app.register(view, { engine: { eta }, root: VIEWS_DIR, production: app.config.viewCache })

  app.addHook('onRequest', async (req) => {
    req.flash = readFlash(req.cookies[FLASH_COOKIE])
  })

  const context = (req: FastifyRequest, reply: FastifyReply, data: PageData) => {
    if (req.flash) reply.clearCookie(FLASH_COOKIE, { path: '/' })
    return {
      ...data,
      t: req.t,
      locale: req.locale,
      actor: req.actor,
      nav: req.actor && !req.actor.pending ? NAV[req.actor.role] : [],
      flash: req.flash,
      path: req.url,
      isCurrent,
      /** Bank text in the reader's language where it exists, else English. */
      tx: (text: { en: string, zh?: string } | undefined) => localText(text, req.locale),
      fmt: { dateTime: (d: Date | number) => formatDateTime(d, req.locale, app.config.timeZone), time: (d: Date | number) => formatTime(d, app.config.timeZone) }
    }
  }

  app.decorateReply('page', async function (this: FastifyReply, template: string, data: PageData = {}) {
    const partial = isPartial(this.request.headers)
    const html = await this.viewAsync(template, context(this.request, this, data), partial ? {} : { layout: LAYOUT })
    return this.header('Vary', 'HX-Request').type('text/html; charset=utf-8').send(html)
  })

  app.decorateReply('fragment', async function (this: FastifyReply, template: string, data: PageData = {}) {
    const html = await this.viewAsync(template, context(this.request, this, data))
    return this.header('Vary', 'HX-Request').type('text/html; charset=utf-8').send(html)
  })

  app.decorateReply('seeOther', function (this: FastifyReply, to: string, flashKey?: string, params?: Params) {
    if (flashKey) {
      const q = new URLSearchParams({ k: flashKey, ...Object.fromEntries(Object.entries(params ?? {}).map(([k, v]) => [k, String(v)])) })
      this.setCookie(FLASH_COOKIE, q.toString(), { path: '/', httpOnly: true, sameSite: 'lax', secure: app.config.cookieSecure })
    }
    return this.code(303).header('Location', safeLocalPath(to)).send()
  })
}, { name: 'render', dependencies: ['session'] })

/** Only a path on this site: "/x?y". Anything else (//host, http:, backslashes) becomes "/". */
export function safeLocalPath (to: string | undefined): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.includes('\\') || /[\r\n]/.test(to)) return '/'
  return to
}

