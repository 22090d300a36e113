import { describe, test, expect, beforeAll } from 'vitest'
import type Database from 'better-sqlite3'
import type { TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { addCrowd } from '../../helpers/crowd.js'
import { insertCohort, addCohortMembers } from '../../../src/features/learning/queries.js'
import { SORTS } from '../../../src/features/learning/view.js'
import { transaction } from '../../../src/db/engine.js'
import { sites } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })
let cohortId = 0
let siteId: number
beforeAll(async () => {
  const crowd = await addCrowd(t, w.ids.entA, 500)
  await w.finishedAttempt()
  const audit = { actorId: w.users.trainerA, clientIp: null, action: 'x' }
  const cohort = await transaction(t.db, insertCohort, w.ids.entA, 'Plans', audit, t.clock.now())
  await transaction(t.db, addCohortMembers, cohort, crowd.filter((_, i) => i % 5 === 0), audit, t.clock.now())
  cohortId = cohort.id
  // A site of enterprise A with half the crowd posted there (the per-site counts read employments by site).
  const now = t.clock.now()
  siteId = t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, name: 'Plan site', createdAt: now, updatedAt: now }).returning().get().id
  t.db.$client.prepare('UPDATE employments SET site_id = ? WHERE enterprise_id = ? AND ended_on IS NULL AND id % 2 = 0').run(siteId, w.ids.entA)
})

/** The big tables: a page must reach them through an index, never read one whole. */
const BIG = ['employments', 'attempts', 'audit_events', 'lesson_progress', 'audit_scopes', 'trainee_learning', 'cohort_members']

/** Every SELECT the database runs while `fn` runs, with its arguments. */
async function statementsOf (fn: () => Promise<unknown>): Promise<Array<{ sql: string, args: unknown[] }>> {
  const client = t.db.$client
  const seen: Array<{ sql: string, args: unknown[] }> = []
  const original = client.prepare
  client.prepare = function (this: Database.Database, source: string) {
    const stmt = original.call(this, source)
    if (!/^\s*(SELECT|WITH)\b/i.test(source)) return stmt
    for (const method of ['all', 'get', 'iterate', 'raw'] as const) {
      const real = (stmt[method] as (...a: unknown[]) => unknown).bind(stmt)
      ;(stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (method !== 'raw') seen.push({ sql: source, args })
        const out = real(...args)
        return out === stmt ? stmt : out
      }
    }
    return stmt
  } as typeof client.prepare
  try { await fn() } finally { client.prepare = original }
  return seen
}

/** The full scans of BIG tables (by name or alias) in a statement's query plan. */
function fullScans (sql: string, args: unknown[]): string[] {
  const names = new Set(BIG)
  for (const m of sql.matchAll(/\b(employments|attempts|audit_events|lesson_progress|audit_scopes|trainee_learning|cohort_members)"?\s+(?:AS\s+)?"?([a-z_]\w*)/gi)) {
    if (!/^(where|on|join|left|inner|group|order|limit|set|values|using)$/i.test(m[2]!)) names.add(m[2]!)
  }
  const plan = t.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(args as never[])) as Array<{ detail: string }>
  // Walking an index in the list's order up to a LIMIT (a page, newest first) reads the page, not the table.
  const walksToLimit = /\blimit\b/i.test(sql) && !plan.some((p) => /TEMP B-TREE FOR ORDER BY/.test(p.detail))
  return plan.map((p) => p.detail).filter((d) => {
    const m = /^SCAN (?:TABLE )?"?(\w+)"?( USING INDEX)?/.exec(d)
    return m !== null && names.has(m[1]!) && !(m[2] && walksToLimit)
  })
}

const pages: Array<[string, () => string, keyof World['users']]> = [
  ['the roster', () => '/roster', 'trainerA'],
  ['the roster, a later page', () => '/roster?after=WyLotbXkvJ8iLDk5OTk5OTld', 'trainerA'],
  ['the police drill-down', () => `/jurisdiction/enterprises/${w.ids.entA}`, 'policeS1'],
  ['/training', () => '/training', 'trainerA'],
  ['/training sorted by progress, descending, a later page', () => '/training?sort=progress&dir=desc&after=WzUwLCLnjovkvJ8iLDk5OTk5OTld', 'trainerA'],
  ['/training searched, by state, sorted by practice', () => `/training?q=${encodeURIComponent('王')}&state=open&sort=practised`, 'trainerA'],
  ['/training of a cohort', () => `/training?cohort=${cohortId}&sort=score&dir=desc`, 'trainerA'],
  ['/training/export.csv', () => '/training/export.csv?sort=mastery', 'trainerA'],
  ['/readiness/roster', () => '/readiness/roster', 'trainerA'],
  ['the person page', () => `/people/${w.ids.personA}`, 'trainerA'],
  ['the admin audit log', () => '/admin/audit', 'admin'],
  ['the police audit log', () => '/jurisdiction/audit', 'policeS1'],
  ['the sites with their counts (police)', () => '/supervision/sites', 'policeS1'],
  ['the sites with their counts (trainer)', () => '/supervision/sites', 'trainerA'],
  ['a site with its counts', () => `/supervision/sites/${siteId}`, 'policeS1']
]

describe('pages reach the big tables through indexes', () => {
  test.each(pages)('%s', async (_name, url, who) => {
    const statements = await statementsOf(async () => {
      const res = await t.app.inject({ url: url(), headers: { cookie: w.cookie(who) } })
      expect(res.statusCode).toBe(200)
    })
    expect(statements.length).toBeGreaterThan(0)
    const scans = statements.flatMap((s) => fullScans(s.sql, s.args).map((d) => `${d} in: ${s.sql.replace(/\s+/g, ' ').slice(0, 400)}`))
    expect(scans).toEqual([])
  })
})

describe('the police audit log', () => {
  test("is a range of the officer's unit in audit_scopes, newest first: its page needs no sort and its count reads no events", async () => {
    const statements = await statementsOf(async () => {
      const res = await t.app.inject({ url: '/jurisdiction/audit', headers: { cookie: w.cookie('policeS1') } })
      expect(res.statusCode).toBe(200)
    })
    const scoped = statements.filter((s) => /audit_scopes/.test(s.sql))
    expect(scoped).toHaveLength(2)
    for (const s of scoped) {
      const plan = (t.db.$client.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...(s.args as never[])) as Array<{ detail: string }>).map((p) => p.detail)
      expect(plan.some((d) => /^SEARCH "?audit_scopes"? USING (COVERING )?INDEX .*\(jurisdiction_id=\?/.test(d)), plan.join('; ')).toBe(true)
      expect(plan.filter((d) => /TEMP B-TREE/.test(d))).toEqual([])
    }
    const count = scoped.find((s) => /count\(/i.test(s.sql))!
    expect(count.sql).not.toMatch(/audit_events/)
  })
})

describe('/training reads the stored learning summary', () => {
  test.each(SORTS.flatMap((sort) => [[sort, ''], [sort, 'desc']]))('sorted by %s %s: a page walks an index of the enterprise in its order, no sort of its own', async (sort, dir) => {
    const statements = await statementsOf(async () => {
      const res = await t.app.inject({ url: `/training?sort=${sort}&dir=${dir}`, headers: { cookie: w.cookie('trainerA') } })
      expect(res.statusCode).toBe(200)
    })
    const page = statements.filter((s) => /from "trainee_learning"/i.test(s.sql) && /\blimit\b/i.test(s.sql))
    expect(page).toHaveLength(1)
    const plan = (t.db.$client.prepare(`EXPLAIN QUERY PLAN ${page[0]!.sql}`).all(...(page[0]!.args as never[])) as Array<{ detail: string }>).map((p) => p.detail)
    expect(plan.some((d) => /^SEARCH "?trainee_learning"? USING (COVERING )?INDEX trainee_learning_\w+_idx \(enterprise_id=\?/.test(d)), plan.join('; ')).toBe(true)
    expect(plan.filter((d) => /TEMP B-TREE/.test(d))).toEqual([])
  })
})
