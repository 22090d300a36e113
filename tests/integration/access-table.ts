import type { Access } from '../../src/http/types.js'
import type { TestApp } from '../helpers/app.js'

/**
 * Every route of the app, who may call it, and how the access test calls it.
 * The access test fails for any route registered by the app and missing here,
 * so a new route cannot ship without its access being decided and tested.
 *
 * `owned` routes hold records: the test calls them as the owner (expects 200)
 * and as an outsider of the same role (expects 404) on the same id.
 */
export interface RouteCase {
  access: Access
  /** The concrete URL to call (for parametrised routes); defaults to the route. */
  url?: string
  payload?: Record<string, string>
  /** The route itself ends at /login when allowed (sign-out). */
  endsAtLogin?: boolean
  owned?: (t: TestApp) => Promise<{ url: string, owner: string, outsider: string, payload?: Record<string, string> }>
}

export const ROUTES: Record<string, RouteCase> = {
  'GET /healthz': { access: 'public' },
  'GET /login': { access: 'public' },
  'POST /login': { access: 'public', payload: { username: 'nobody', password: 'nothing at all' } },
  'POST /logout': { access: 'signed-in', endsAtLogin: true },
  'POST /language': { access: 'public', payload: { lang: 'en', back: '/' } },
  'GET /account/password': { access: 'signed-in' },
  'POST /account/password': { access: 'signed-in', payload: { current: 'x' } },
  'GET /': { access: 'signed-in' },
  'GET /static/*': { access: 'public', url: '/static/app.css' },
  'GET /static/vendor/*': { access: 'public', url: '/static/vendor/htmx-2.0.11.min.js' }
}
