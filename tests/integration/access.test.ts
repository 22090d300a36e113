import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, sessionFor, form, FORM_HEADERS, type TestApp } from '../helpers/app.js'
import { ROLES, type Role } from '../../src/features/auth/index.js'
import { ROUTES } from './access-table.js'

let t: TestApp
const userIds = {} as Record<Role, number>

beforeAll(async () => {
  t = await buildTestApp()
  for (const role of ROLES) userIds[role] = (await createUser(t.db, `access-${role}`, role)).id
})
afterAll(async () => { await t.close() })

const registered = () => [...new Set(t.app.routeTable.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))].sort()

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

  const call = (key: string, cookie?: string) => {
    const [method, url] = key.split(' ') as [string, string]
    const c = ROUTES[key]!
    return t.app.inject({
      method: method as 'GET' | 'POST',
      url: c.url ?? url,
      headers: { ...(method === 'GET' ? {} : FORM_HEADERS), ...(cookie ? { cookie } : {}) },
      ...(method === 'GET' ? {} : { payload: form(c.payload ?? {}) })
    })
  }

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
    const res = await call(key, sessionFor(t, userIds[role]))
    const access = ROUTES[key]!.access
    const allowed = access === 'public' || access === 'signed-in' || access.includes(role)
    expect(res.statusCode).toBeLessThan(500)
    if (allowed) {
      expect(res.statusCode, `${key} should let a ${role} in`).not.toBe(403)
      if (!ROUTES[key]!.endsAtLogin) expect(String(res.headers.location ?? '')).not.toMatch(/^\/login/)
    } else {
      expect(res.statusCode, `${key} should refuse a ${role}`).toBe(403)
    }
  })

  const owned = Object.entries(ROUTES).filter(([, c]) => c.owned)
  test.runIf(owned.length > 0).each(owned)('%s: owner 200, outsider 404 on the same id', async (key, c) => {
    const [method] = key.split(' ') as [string]
    const { url, owner, outsider, payload } = await c.owned!(t)
    const send = (cookie: string) => t.app.inject({ method: method as 'GET', url, headers: { ...(method === 'GET' ? {} : FORM_HEADERS), cookie }, ...(payload ? { payload: form(payload) } : {}) })
    expect((await send(owner)).statusCode).toBe(200)
    expect((await send(outsider)).statusCode).toBe(404)
  })
})
