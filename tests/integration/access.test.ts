import { describe, test, expect } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { useWorld, type World } from '../helpers/world.js'
import { ROLES } from '../../src/features/auth/index.js'
import { auditEvents, trainees, employments, declarations } from '../../src/db/schema.js'
import { ROUTES, AS_ROLE as asRole, registeredRoutes, injectAs } from './access-table.js'

let t: TestApp
let w: World

useWorld((app, world) => { t = app; w = world })

const registered = () => registeredRoutes(t)
const inject = (method: string, url: string, cookie?: string, payload?: Record<string, string>) => injectAs(t, method, url, cookie, payload)

const call = (key: string, cookie?: string) => {
  const [method, route] = key.split(' ') as [string, string]
  const c = ROUTES[key]!
  return inject(method, c.url ?? route.replaceAll(':id', '999999'), cookie, c.payload)
}

/** Rows that outsiders' requests must never change. */
const snapshot = async () => JSON.stringify([
  await t.db.select().from(trainees), await t.db.select().from(employments), await t.db.select().from(declarations),
  (await t.db.select().from(auditEvents)).filter((a) => !a.action.startsWith('login') && a.action !== 'access.denied')
])

describe('route access table', () => {
  test('every registered route is in the table, and every table entry exists', () => {
    const missing = registered().filter((k) => !(k in ROUTES))
    expect(missing, 'routes without an entry in tests/integration/access-table.ts').toEqual([])
    expect(Object.keys(ROUTES).filter((k) => !registered().includes(k)), 'table entries for routes that do not exist').toEqual([])
  })

  test('each route declares the access the table expects', () => {
    for (const r of t.app.routeTable) {
      const expected = ROUTES[`${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`]
      if (!expected) continue
      expect(r.access, `${r.method} ${r.url}`).toEqual(expected.access)
    }
  })

  test.each(Object.keys(ROUTES))('%s signed out', async (key) => {
    const res = await call(key)
    const toLogin = res.statusCode === 303 && String(res.headers.location).startsWith('/login')
    if (ROUTES[key]!.access === 'public') {
      expect(toLogin, `${key} is public`).toBe(false)
      expect(res.statusCode).toBeLessThan(500)
    } else {
      expect(toLogin, `${key} must send a signed-out visitor to /login`).toBe(true)
    }
  })

  test.each(Object.keys(ROUTES).flatMap((k) => ROLES.map((role) => [k, role] as const)))('%s as %s', async (key, role) => {
    const res = await call(key, w.cookie(asRole[role]))
    // The world's sessions are made once: a route that ends the session (signing out) needs new ones after it.
    if (ROUTES[key]!.endsAtLogin) await w.refreshCookies()
    const access = ROUTES[key]!.access
    const allowed = access === 'public' || access === 'signed-in' || access.includes(role)
    expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(500)
    if (allowed) {
      expect(res.statusCode, `${key} should let a ${role} in`).not.toBe(403)
      if (!ROUTES[key]!.endsAtLogin) expect(String(res.headers.location ?? '')).not.toMatch(/^\/login/)
    } else {
      expect(res.statusCode, `${key} should refuse a ${role}`).toBe(403)
    }
  })

  const owned = Object.entries(ROUTES).filter(([, c]) => c.owned)
  test.each(owned)('%s: owner allowed, outsider 404 on the same id, changing nothing', async (key, c) => {
    const [method] = key.split(' ') as [string]
    for (const o of await c.owned!(w)) {
      const before = await snapshot()
      const outsider = await inject(method, o.url, o.outsider, o.payload)
      expect(outsider.statusCode, `outsider on ${o.url}`).toBe(404)
      expect(await snapshot(), 'an outsider changed something').toBe(before)
      const owner = await inject(method, o.url, o.owner, o.payload)
      expect(owner.statusCode, `owner on ${o.url}: ${owner.body.slice(0, 300)}`).toBe(o.ownerStatus ?? 200)
    }
  })
})
