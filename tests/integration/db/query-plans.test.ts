import { describe, test, expect } from 'vitest'
import type { TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { makeEligible } from '../../helpers/readiness.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

/**
 * The tables that grow with the guards and their history, and the per-enterprise counts and
 * applications the dashboard sums: no page of these may read one whole.
 */
const GROWING = ['employments', 'attempts', 'lesson_progress', 'trainee_readiness', 'enterprise_counts', 'applications']

interface Ran { sql: string, params: unknown[] }

/** Every statement the connection runs while `f` runs, with its parameters. */
async function statementsOf (f: () => Promise<unknown>): Promise<Ran[]> {
  const probe = t.db.$client.prepare('SELECT 1')
  const proto = Object.getPrototypeOf(probe) as Record<string, (...args: unknown[]) => unknown>
  const ran: Ran[] = []
  const saved = new Map<string, (...args: unknown[]) => unknown>()
  for (const m of ['all', 'get', 'run', 'iterate']) {
    const original = proto[m]!
    saved.set(m, original)
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      ran.push({ sql: this.source, params: args })
      return original.apply(this, args)
    }
  }
  try {
    await f()
  } finally {
    for (const [m, original] of saved) proto[m] = original
  }
  return ran
}

/** EXPLAIN QUERY PLAN of each read, and the lines that read a growing table whole. */
function fullScans (ran: readonly Ran[]): string[] {
  const out: string[] = []
  for (const r of ran) {
    if (!/^\s*(SELECT|WITH)\b/i.test(r.sql)) continue
    const plan = t.db.$client.prepare(`EXPLAIN QUERY PLAN ${r.sql}`).all(...r.params as never[]) as Array<{ detail: string }>
    for (const p of plan) {
      const m = /^SCAN (\w+)/.exec(p.detail)
      if (m && GROWING.includes(m[1]!)) out.push(`${p.detail}  ←  ${r.sql.slice(0, 160)}`)
    }
  }
  return out
}

describe('the pages police and trainers live in read the growing tables through indexes', () => {
  const pages: Array<[string, () => string, keyof World['users']]> = [
    ['the police dashboard', () => '/jurisdiction', 'policeD1'],
    ['its CSV', () => '/jurisdiction/export.csv', 'policeD1'],
    ['its guard list CSV', () => '/jurisdiction/people.csv', 'policeD1'],
    ['the city dashboard', () => '/jurisdiction', 'policeCity'],
    ['the city dashboard, a later page', () => `/jurisdiction?after=${Buffer.from(JSON.stringify(['w Enterprise A', w.ids.entA])).toString('base64url')}`, 'policeCity'],
    ['the admin\'s enterprises', () => '/admin/enterprises', 'admin'],
    ['the drill-down', () => `/jurisdiction/enterprises/${w.ids.entA}`, 'policeS1'],
    ['/readiness/roster', () => '/readiness/roster', 'trainerA'],
    ['the readiness person page', () => `/readiness/people/${w.ids.personA}`, 'trainerA'],
    ['the person page', () => `/people/${w.ids.personA}`, 'trainerA']
  ]
  test.each(pages)('%s', async (_name, url, who) => {
    const p = await w.ready()
    await makeEligible(t, p.traineeId, w.users.trainerA)
    await w.finishedAttempt()
    const ran = await statementsOf(async () => {
      const res = await t.app.inject({ url: url(), headers: { cookie: w.cookie(who) } })
      expect(res.statusCode).toBe(200)
    })
    expect(ran.filter((r) => GROWING.some((tb) => r.sql.includes(`"${tb}"`) || r.sql.includes(` ${tb} `))).length, 'the page reads them').toBeGreaterThan(0)
    expect(fullScans(ran)).toEqual([])
  })

  test('the check sees a whole-table read when there is one', async () => {
    const ran = await statementsOf(async () => { t.db.$client.prepare('SELECT count(*) FROM attempts WHERE score > ?').get(1) })
    expect(ran).toHaveLength(1)
    expect(fullScans(ran)).toEqual([expect.stringMatching(/^SCAN attempts/)])
    // The dashboard's old per-enterprise count over employments without the duty status in its index.
    expect(fullScans([{ sql: 'SELECT count(*) FROM employments WHERE duty_status = ?', params: ['on-duty'] }])).toHaveLength(1)
  })
})
