import { describe, test, expect } from 'vitest'
import type { TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { ROLES, type Role } from '../../../src/features/auth/index.js'
import { encodeKey } from '../../../src/lib/keyset.js'
import { ROUTES, AS_ROLE as asRole, registeredRoutes, injectAs } from '../access-table.js'

// Ids typed into addresses, query strings and forms that no row can have: past PostgreSQL's
// `integer` (2^31 − 1), which most id columns are there, and past JavaScript's exact integers.
// On either engine such a record does not exist: a 404 for an address, a first page for a
// list's key or filter, a form's own refusal; never a 500 (PostgreSQL refuses the value itself).

let t: TestApp
let w: World

useWorld((app, world) => { t = app; w = world })

const OVER = ['2147483648', '99999999999', '9999999999999999']
/** Path parameters that name a row or a position; the others (:code, :key, :domain, :topic) are text. */
const NUMERIC = new Set(['id', 'item', 'slot', 'qid', 'traineeId', 'n'])

const routeKeys = () => registeredRoutes(t)
const numericParams = (route: string) => [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!).filter((p) => NUMERIC.has(p))
const allowedRoles = (key: string): Role[] => {
  const access = ROUTES[key]!.access
  if (access === 'public' || access === 'signed-in') return ['admin']
  return [...access]
}

const inject = (method: string, url: string, cookie: string, payload: Record<string, string | string[]> = {}) => injectAs(t, method, url, cookie, payload)

describe('ids no row can have', () => {
  test('the walk covers the routes with numeric parameters', () => {
    expect(routeKeys().filter((k) => numericParams(k).length > 0).length).toBeGreaterThan(60)
  })

  // Every route with an id in its address, as each role allowed on it: 404.
  test.each(OVER)('an address id of %s is a 404 on every route', async (big) => {
    const wrong: string[] = []
    for (const key of routeKeys()) {
      const [method, route] = key.split(' ') as [string, string]
      const params = numericParams(route)
      if (params.length === 0) continue
      for (const role of allowedRoles(key)) {
        // Each numeric parameter over the range in turn, the others an ordinary id that does not exist.
        for (const p of params) {
          let url = route
          for (const q of params) url = url.replace(`:${q}`, q === p ? big : '1')
          url = url.replace(/:(\w+)/g, 'x')
          const res = await inject(method, url, w.cookie(asRole[role]), ROUTES[key]!.payload)
          if (res.statusCode !== 404) wrong.push(`${method} ${url} as ${role}: ${res.statusCode}`)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  /** Every key shape a list could have (2 to 4 parts, text or number, the last a row's id), numbers over the range. */
  const keys = (big: number): string[] => {
    const out: string[] = []
    for (let len = 2; len <= 4; len++) {
      for (let bits = 0; bits < 1 << (len - 1); bits++) {
        out.push(encodeKey([...Array.from({ length: len - 1 }, (_, i) => (bits >> i) & 1 ? big : 'x'), big]))
      }
    }
    return out
  }
  const FILTERS = ['enterprise', 'site', 'person', 'inspection', 'cohort', 'jurisdiction', 'trainee', 'page', 'q']

  // Every list and page without an address id, with the page keys and filters a list reads.
  test.each([2 ** 31, 2 ** 53 - 1])('page keys and filters of %s never give a 500', async (big) => {
    const wrong: string[] = []
    const filters = Object.fromEntries(FILTERS.map((f) => [f, String(big)]))
    for (const key of routeKeys()) {
      const [method, route] = key.split(' ') as [string, string]
      if (method !== 'GET' || route.includes(':') || route.includes('*') || ROUTES[key]!.endsAtLogin) continue
      for (const role of allowedRoles(key)) {
        for (const k of keys(big)) {
          // ?before= is bound the same way as ?after= (db/keyset.ts); one of them keeps the walk short.
          const query = new URLSearchParams({ ...filters, after: k, 'pending-after': k, 'applied-after': k })
          const res = await inject('GET', `${route}?${query}`, w.cookie(asRole[role]))
          if (res.statusCode >= 500) wrong.push(`GET ${route}?after=${Buffer.from(k, 'base64url').toString()} as ${role}: ${res.statusCode}`)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  /** Form fields that name a record, in the forms that have them. */
  const ID_FIELDS = ['siteId', 'jurisdictionId', 'enterpriseId', 'traineeId', 'parentId', 'stationId', 'site', 'inspection', 'cohort', 'position', 'trainees', 'cohorts', 'person']

  test.each(OVER)('a form naming record %s never gives a 500', async (big) => {
    const wrong: string[] = []
    for (const key of routeKeys()) {
      const [method, route] = key.split(' ') as [string, string]
      if (method !== 'POST' || route.includes(':') || ROUTES[key]!.endsAtLogin) continue
      const payload = { ...ROUTES[key]!.payload, ...Object.fromEntries(ID_FIELDS.map((f) => [f, big])) }
      for (const role of allowedRoles(key)) {
        const res = await inject('POST', route, w.cookie(asRole[role]), payload)
        if (res.statusCode >= 500) wrong.push(`POST ${route} as ${role}: ${res.statusCode}`)
      }
    }
    expect(wrong).toEqual([])
  })
})

// The roles of a signed-in visitor a route accepts: every role appears in some route (a check on the table's shape).
test('every role is walked', () => {
  expect(new Set(Object.keys(ROUTES).flatMap((k) => allowedRoles(k)))).toEqual(new Set(ROLES))
})
