import fp from 'fastify-plugin'
import fastifyView from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import { isMessageKey, type Params } from '../i18n/index.js'
import { FLASH_COOKIE } from './cookies.js'
import { NAV, isCurrent } from './nav.js'
import type { PageData } from './types.js'
import { formatDateTime, formatTime } from '../lib/time.js'
import { localText, localTitle, type LocalText } from '../lib/text.js'
import { VIEWS_DIR } from '../paths.js'

export { VIEWS_DIR }
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

/**
 * Eta, with each template name resolved to its file once. Eta resolves the name
 * on every render and every include (JSON, path joins and a relative-path
 * check), which cost more than rendering a small fragment; names and the views
 * folder never change while the server runs.
 */
export function viewEngine (cache: boolean): Eta {
  const eta = new Eta({ views: VIEWS_DIR, cache, autoEscape: true, autoTrim: false })
  const resolve = eta.resolvePath!
  const paths = new Map<string, string>()
  eta.resolvePath = function (template, options) {
    const key = `${options?.filepath ?? ''}|${template}`
    let file = paths.get(key)
    if (file === undefined) { file = resolve.call(this, template, options); paths.set(key, file) }
    return file
  }
  return eta
}

export interface RenderOptions {
  /**
   * Render with Eta directly instead of through @fastify/view: the bench's floor for
   * the exam pages (npm run bench), the same pages and data without the plugin.
   */
  direct?: boolean
}

/**
 * reply.page and reply.fragment render through @fastify/view (reply.view), which is
 * given the app's own Eta instance (viewEngine) and `production` from the config:
 * @fastify/view calls configure({ views, cache }) on it at every render, and with
 * production on, cache stays on, so a template is compiled once (a test holds it
 * to that). A page is its template inside the layout, which receives the rendered
 * template as `it.body`; an htmx partial request gets the template alone.
 */
export const renderPlugin = fp<RenderOptions>(async (app, opts) => {
  const eta = viewEngine(app.config.viewCache)
  app.decorate('views', eta)
  // Declared here, @fastify/view adds no onRequest hook of its own to set reply.locals on every request.
  app.decorateReply('locals', null)
  await app.register(fastifyView, { engine: { eta }, root: VIEWS_DIR, production: app.config.viewCache })

  app.addHook('onRequest', (req, _reply, done) => {
    const raw = req.cookies[FLASH_COOKIE]
    if (raw) req.flash = readFlash(raw)
    done()
  })

  // The template's data, with what every view uses added to it. The route's object is filled in
  // place: spreading it into a new object cost more than rendering a small fragment.
  const context = (req: FastifyRequest, reply: FastifyReply, data: PageData): PageData => {
    if (req.flash) reply.clearCookie(FLASH_COOKIE, { path: '/' })
    const locale = req.locale
    data.t = req.t
    data.locale = locale
    data.actor = req.actor
    data.nav = req.actor && !req.actor.pending ? NAV[req.actor.role] : []
    data.flash = req.flash
    data.path = req.url
    data.isCurrent = isCurrent
    /** Bank text and titles in the reader's language (text of an English-only release stays English). */
    data.tx = (text: LocalText | undefined) => localText(text, locale)
    data.localTitle = (row: { title: string, titles?: LocalText | null }) => localTitle(row, locale)
    data.fmt = { dateTime: (d: Date | number) => formatDateTime(d, locale, app.config.timeZone), time: (d: Date | number) => formatTime(d, app.config.timeZone), count: (n: number) => n.toLocaleString('en-US') }
    return data
  }

  const withLayout = { layout: LAYOUT }

  if (opts.direct) {
    // The floor: what @fastify/view does for us, done by hand (see RenderOptions).
    app.decorateReply('page', async function (this: FastifyReply, template: string, data: PageData = {}) {
      const ctx = context(this.request, this, data)
      let html = eta.render(`${template}.eta`, ctx)
      if (!isPartial(this.request.headers)) {
        ctx.body = html
        html = eta.render(LAYOUT, ctx)
      }
      return this.header('Vary', 'HX-Request').type('text/html; charset=utf-8').send(html)
    })
    app.decorateReply('fragment', async function (this: FastifyReply, template: string, data: PageData = {}) {
      const html = eta.render(`${template}.eta`, context(this.request, this, data))
      return this.header('Vary', 'HX-Request').type('text/html; charset=utf-8').send(html)
    })
  } else {
    // reply.view is typed as returning the reply; it returns a promise of it (sent when rendered).
    app.decorateReply('page', async function (this: FastifyReply, template: string, data: PageData = {}) {
      const ctx = context(this.request, this, data)
      this.header('Vary', 'HX-Request')
      return isPartial(this.request.headers) ? this.view(template, ctx) : this.view(template, ctx, withLayout)
    })
    app.decorateReply('fragment', async function (this: FastifyReply, template: string, data: PageData = {}) {
      this.header('Vary', 'HX-Request')
      return this.view(template, context(this.request, this, data))
    })
  }

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
