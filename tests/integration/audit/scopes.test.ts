import { describe, test, expect, beforeAll } from 'vitest'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { dom, postForm, type TestApp } from '../../helpers/app.js'
import { sqlRows, onPostgres } from '../../helpers/db.js'
import { useWorld, type World } from '../../helpers/world.js'
import { countAudit, eachAudit, pageAudit, scopeEvents, writeAudit } from '../../../src/features/audit/queries.js'
import { statements } from '../../../src/db/schema.js'
import { exec, transaction } from '../../../src/db/engine.js'
import { MIGRATIONS_DIR } from '../../../src/paths.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } })

/**
 * The police log as it was read before audit_scopes: the eight conditions over the whole
 * log, with the people employed now. The stored scopes must find the same events while
 * nobody has changed employer since (the world's people have not).
 */
async function referenceIds (ids: readonly number[]): Promise<number[]> {
  const list = sql.join(ids.map((id) => sql`${id}`), sql`, `)
  const ents = sql`SELECT e.id FROM enterprises e WHERE e.jurisdiction_id IN (${list})`
  const people = sql`SELECT m.trainee_id FROM employments m WHERE m.ended_on IS NULL AND m.enterprise_id IN (${ents})`
  // (Ids read as numbers: PostgreSQL returns audit_events' bigint ids as strings.)
  return (await sqlRows<{ id: number | string }>(t.db, sql`SELECT ev.id FROM audit_events ev WHERE
    ev.actor_id IN (SELECT u.id FROM users u WHERE u.jurisdiction_id IN (${list}) OR u.enterprise_id IN (${ents}))
    OR ev.actor_id IN (SELECT t.user_id FROM trainees t WHERE t.user_id IS NOT NULL AND t.id IN (${people}))
    OR (ev.subject_type = 'enterprise' AND ev.subject_id IN (SELECT CAST(e.id AS TEXT) FROM enterprises e WHERE e.jurisdiction_id IN (${list})))
    OR (ev.subject_type = 'trainee' AND ev.subject_id IN (SELECT CAST(p.trainee_id AS TEXT) FROM (${people}) p))
    OR (ev.subject_type = 'attempt' AND ev.subject_id IN (SELECT CAST(a.id AS TEXT) FROM attempts a WHERE a.trainee_id IN (${people})))
    OR (ev.subject_type = 'statement' AND ev.subject_id IN (SELECT CAST(s.id AS TEXT) FROM statements s WHERE s.enterprise_id IN (${ents})))
    OR (ev.subject_type = 'application' AND ev.subject_id IN (SELECT CAST(x.id AS TEXT) FROM applications x WHERE x.enterprise_id IN (${ents})))
    OR (ev.subject_type = 'sitting' AND ev.subject_id IN (SELECT CAST(g.id AS TEXT) FROM exam_sittings g WHERE g.jurisdiction_id IN (${list})))
    ORDER BY ev.at DESC, ev.id DESC`)).map((r) => Number(r.id))
}

async function scopedIds (jurisdictionIds: number[]): Promise<number[]> {
  const out: number[] = []
  for await (const rows of eachAudit(t.db, { jurisdictionIds }, 7)) out.push(...rows.map((r) => r.id))
  return out
}

beforeAll(async () => {
  // Events of every kind the police log follows: look-ups, a decision on an application, a statement checked, a sitting, a finished attempt.
  const appId = await w.application()
  expect((await postForm(t, `/applications/${appId}/decision`, w.cookie('policeD1'), { decision: 'return', reason: 'Photo missing' })).statusCode).toBe(303)
  const stId = await w.statement()
  const code = (await t.db.select().from(statements)).find((x) => x.id === stId)!.code
  expect((await get(`/jurisdiction/verify?code=${code}`, w.cookie('policeCity'))).statusCode).toBe(200)
  await w.finishedAttempt()
  expect((await get(`/people/${w.ids.personA}`, w.cookie('policeS2'))).statusCode).toBe(404)
})

describe('the police log read from audit_scopes', () => {
  test('each unit of the tree finds the same events, newest first, as the conditions over the whole log did; totals agree', async () => {
    const { city, d1, d2, s1, s2 } = w.ids
    const tree = await sqlRows<{ id: number, parentId: number | null }>(t.db, sql`SELECT id, parent_id AS "parentId" FROM jurisdictions`)
    const subtree = (root: number): number[] => [root, ...tree.filter((j) => j.parentId === root).flatMap((j) => subtree(j.id))]
    for (const root of [city, d1, d2, s1, s2]) {
      const ids = subtree(root)
      const expected = await referenceIds(ids)
      expect(expected.length, `unit ${root}`).toBeGreaterThan(0)
      expect(await scopedIds(ids), `unit ${root}`).toEqual(expected)
      expect(await exec(t.db, countAudit, { jurisdictionIds: ids })).toBe(expected.length)
      expect(await exec(t.db, countAudit, { jurisdictionIds: ids, action: 'police.' })).toBe((await sqlRows<{ id: number | string }>(t.db, sql`SELECT id FROM audit_events WHERE action LIKE 'police.%'`)).filter((r) => expected.includes(Number(r.id))).length)
    }
    // Two disjoint stations at once (no single root): the union of theirs.
    const both = [...subtree(s1), ...subtree(s2)]
    expect(await scopedIds(both)).toEqual(await referenceIds(both))
  })

  test('a page is a keyset range of one unit: the next page continues where the first stopped', async () => {
    const ids = [w.ids.d1, w.ids.s1, w.ids.s2]
    const first = await exec(t.db, pageAudit, { jurisdictionIds: ids }, { size: 3 })
    expect(first.rows).toHaveLength(3)
    const next = await exec(t.db, pageAudit, { jurisdictionIds: ids }, { size: 3, after: [first.rows[2]!.at.getTime(), first.rows[2]!.id] })
    expect([...first.rows, ...next.rows].map((r) => r.id)).toEqual((await referenceIds(ids)).slice(0, 6))
    expect(first.total).toBe((await referenceIds(ids)).length)
  })

  test('writing the scopes again changes nothing (the generator and the migration may both run)', async () => {
    const before = await sqlRows(t.db, sql`SELECT * FROM audit_scopes ORDER BY jurisdiction_id, at, event_id`)
    await exec(t.db, scopeEvents, 1, 1_000_000)
    expect(await sqlRows(t.db, sql`SELECT * FROM audit_scopes ORDER BY jurisdiction_id, at, event_id`)).toEqual(before)
  })

  // SQLite's migration (PostgreSQL's schema starts with the table: nothing to fill).
  test.skipIf(onPostgres)('the migration fills the same rows for existing events as writing them did', () => {
    const rows = () => t.db.all(sql`SELECT * FROM audit_scopes ORDER BY jurisdiction_id, at, event_id`)
    const before = rows()
    const fill = fs.readFileSync(path.join(MIGRATIONS_DIR, '0018_audit_scopes.sql'), 'utf8').split('--> statement-breakpoint').find((part) => /INSERT OR IGNORE INTO `audit_scopes`/.test(part))!
    t.db.$client.exec('DELETE FROM audit_scopes')
    t.db.$client.exec(fill)
    expect(rows()).toEqual(before)
  })

  test("the station officer's page lists the district's decision about the station's guard, the other station's does not", async () => {
    const rows = async (cookie: string) => dom((await get('/jurisdiction/audit?action=application.returned', cookie)).body).querySelectorAll('li.audit-entry').length
    expect(await rows(w.cookie('policeS1'))).toBe(1)
    expect(await rows(w.cookie('policeS2'))).toBe(0)
  })
  test('the action filter is a prefix: a typed % or _ stands for itself', async () => {
    const now = t.clock.now()
    await transaction(t.db, function * (tx) {
      yield * writeAudit(tx, { actorId: null, action: 'probe_x.done', subjectType: 'enterprise', subjectId: w.ids.entA }, now)
      yield * writeAudit(tx, { actorId: null, action: 'probeAx.done', subjectType: 'enterprise', subjectId: w.ids.entA }, now)
    })
    expect(await exec(t.db, countAudit, { action: 'probe_' })).toBe(1)
    expect(await exec(t.db, countAudit, { action: 'probe%' })).toBe(0)
    expect(await exec(t.db, countAudit, { action: 'probe' })).toBe(2)
    // The same through one unit's scope rows (the enterprise's).
    expect(await exec(t.db, countAudit, { action: 'probe_', jurisdictionIds: [w.ids.s1] })).toBe(1)
  })
})
