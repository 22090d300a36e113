import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import type pg from 'pg'
import { asc } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { openDatabase, migrateDatabase, type Db } from '../../../src/db/connection.js'
import { openPool, migratePostgres } from '../../../src/db/postgres.js'
import { exec } from '../../../src/db/engine.js'
import * as lite from '../../../src/db/sqlite-schema.js'
import * as pgs from '../../../src/db/pg-schema.js'
import { scopeEvents } from '../../../src/features/audit/queries.js'
import { freshPgDatabase, type PgDatabase } from '../../helpers/pg.js'

// The scope statement has a text per engine (audit/queries.ts). The same rows, written through each
// dialect's tables, must get the same audit_scopes rows from each.

const at = (n: number) => new Date(Date.UTC(2026, 0, 5, 8, 0, n, 250))
const stamp = { createdAt: at(0), updatedAt: at(0) }
const person = (id: number, userId: number | null) => ({
  id, userId, fullName: `Guard ${id}`, idNumberEnc: `enc${id}`, idNumberHmac: `hmac${id}`, birthDate: '1990-01-01', education: 'college' as const, ...stamp
})

// city 1 > districts 2, 3 > stations 4 (in 2), 5 (in 3).
const ROWS = {
  jurisdictions: [
    { id: 1, code: 'c', name: 'City', level: 'city' as const, parentId: null, createdAt: at(0) },
    { id: 2, code: 'd2', name: 'D2', level: 'district' as const, parentId: 1, createdAt: at(0) },
    { id: 3, code: 'd3', name: 'D3', level: 'district' as const, parentId: 1, createdAt: at(0) },
    { id: 4, code: 's4', name: 'S4', level: 'station' as const, parentId: 2, createdAt: at(0) },
    { id: 5, code: 's5', name: 'S5', level: 'station' as const, parentId: 3, createdAt: at(0) }
  ],
  enterprises: [
    { id: 1, name: 'East Guard', creditCode: '910000000000000001', jurisdictionId: 4, ...stamp },
    { id: 2, name: 'West Guard', creditCode: '910000000000000002', jurisdictionId: 5, ...stamp }
  ],
  users: [
    { id: 1, username: 'police2', displayName: 'P', passwordHash: 'x', role: 'police' as const, jurisdictionId: 2, ...stamp },
    { id: 2, username: 'trainer1', displayName: 'T', passwordHash: 'x', role: 'trainer' as const, enterpriseId: 1, ...stamp },
    { id: 3, username: 'guard1', displayName: 'G', passwordHash: 'x', role: 'trainee' as const, ...stamp }
  ],
  trainees: [person(1, 3), person(2, null), person(3, null)],
  employments: [
    { id: 1, traineeId: 1, enterpriseId: 1, startedOn: '2025-01-01', dutyStatus: 'on-duty' as const, ...stamp },
    // An ended employment gives no scope; the open one (enterprise 1) does.
    { id: 2, traineeId: 2, enterpriseId: 2, startedOn: '2024-01-01', endedOn: '2024-06-01', dutyStatus: 'released' as const, ...stamp },
    { id: 3, traineeId: 2, enterpriseId: 1, startedOn: '2025-01-01', dutyStatus: 'on-duty' as const, ...stamp }
  ],
  // Enterprise 1's site in station 5's area.
  sites: [{ id: 1, enterpriseId: 1, jurisdictionId: 5, name: 'Lake Garden', ...stamp }],
  enterpriseMessages: [{ id: 1, unitId: 3, title: 'Notice', body: 'Text', sentBy: 1, sentAt: at(0) }],
  auditEvents: [
    { id: 1, at: at(1), actorId: 1, action: 'police.lookup', subjectType: 'enterprise', subjectId: '2', details: null, clientIp: null },
    { id: 2, at: at(2), actorId: 2, action: 'person.updated', subjectType: 'trainee', subjectId: '2', details: { fullName: 'x' }, clientIp: '10.0.0.1' },
    { id: 3, at: at(3), actorId: 2, action: 'person.created', subjectType: 'trainee', subjectId: '3', details: { enterpriseId: 2 }, clientIp: null },
    { id: 4, at: at(4), actorId: 3, action: 'login.success', subjectType: 'user', subjectId: '3', details: null, clientIp: null },
    { id: 5, at: at(5), actorId: null, action: 'site.created', subjectType: 'site', subjectId: '1', details: null, clientIp: null },
    { id: 6, at: at(6), actorId: 2, action: 'employment.site', subjectType: 'trainee', subjectId: '1', details: { from: null, to: 1, siteIds: [1] }, clientIp: null },
    { id: 7, at: at(7), actorId: 1, action: 'message.sent', subjectType: 'message', subjectId: '1', details: null, clientIp: null },
    // Ids that are not numbers, or name nothing, or details of odd shapes: no scope from them, and no error.
    { id: 8, at: at(8), actorId: null, action: 'odd', subjectType: 'enterprise', subjectId: 'E-1', details: { enterpriseId: 'two', siteIds: 'none' }, clientIp: null },
    { id: 9, at: at(9), actorId: null, action: 'odd', subjectType: 'trainee', subjectId: '99999999999', details: { enterpriseId: { id: 1 }, siteIds: ['x', null, 1.5] }, clientIp: null },
    { id: 10, at: at(10), actorId: null, action: 'odd', subjectType: 'trainee', subjectId: '2', details: { enterpriseId: '2', siteIds: ['1'] }, clientIp: null }
  ]
}
const ORDER = ['jurisdictions', 'enterprises', 'users', 'trainees', 'employments', 'sites', 'enterpriseMessages', 'auditEvents'] as const

type ScopeRow = { jurisdictionId: number, at: number, eventId: number }
const plain = (rows: Array<{ jurisdictionId: number, at: Date, eventId: number }>): ScopeRow[] => rows.map((r) => ({ ...r, at: r.at.getTime() }))

let dir: string
let sqlite: Db
let database: PgDatabase
let pool: pg.Pool
let pgDb: ReturnType<typeof drizzlePg<typeof pgs>>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-scopes-'))
  sqlite = openDatabase(path.join(dir, 's.db'))
  migrateDatabase(sqlite)
  database = await freshPgDatabase()
  pool = openPool(database.url, 2)
  await migratePostgres(pool)
  pgDb = drizzlePg(pool, { schema: pgs })
  for (const name of ORDER) {
    // The row types of both dialects are the same (tests/unit/db/pg-schema-parity.test.ts).
    sqlite.insert(lite[name] as typeof lite.users).values(ROWS[name] as never).run()
    await pgDb.insert(pgs[name] as typeof pgs.users).values(ROWS[name] as never)
  }
})

afterAll(async () => {
  sqlite?.$client.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
  await pool?.end()
  await database?.drop()
})

const sqliteScopes = () => plain(sqlite.select().from(lite.auditScopes).orderBy(asc(lite.auditScopes.eventId), asc(lite.auditScopes.jurisdictionId)).all())
const pgScopes = async () => plain(await pgDb.select().from(pgs.auditScopes).orderBy(asc(pgs.auditScopes.eventId), asc(pgs.auditScopes.jurisdictionId)))

describe('the scope statement on PostgreSQL', () => {
  test('writes the rows SQLite writes for the same events, and writing again adds nothing', async () => {
    await exec(sqlite, scopeEvents, 1, 10)
    // The query functions are typed with the SQLite handle; the engine runs them on either (ARCHITECTURE, "Tables per process").
    await exec(pgDb as unknown as Db, scopeEvents, 1, 10)
    const expected = sqliteScopes()
    expect(await pgScopes()).toEqual(expected)

    // What the rows mean, spelled out, so that both cannot agree on a wrong answer.
    const units = (eventId: number) => expected.filter((r) => r.eventId === eventId).map((r) => r.jurisdictionId)
    expect(units(1)).toEqual([1, 2, 3, 5]) // the district officer's unit; enterprise 2 (station 5)
    expect(units(2)).toEqual([1, 2, 4]) // trainer of enterprise 1; guard 2 works there now (the ended employment does not count)
    expect(units(3)).toEqual([1, 2, 3, 4, 5]) // trainer; the enterprise the entry names for a person not employed
    expect(units(4)).toEqual([1, 2, 4]) // a guard acting: their employer's unit
    expect(units(5)).toEqual([1, 2, 3, 4, 5]) // the site's area (station 5) and its enterprise's registration (station 4)
    expect(units(6)).toEqual([1, 2, 3, 4, 5])
    expect(units(7)).toEqual([1, 2, 3]) // the message's sending unit, and the officer's
    expect(units(8)).toEqual([])
    expect(units(9)).toEqual([])
    expect(units(10)).toEqual([1, 2, 3, 4, 5]) // numbers written as text count on both engines
    expect(expected.find((r) => r.eventId === 5)!.at).toBe(at(5).getTime())

    await exec(pgDb as unknown as Db, scopeEvents, 1, 10)
    expect(await pgScopes()).toEqual(expected)
  })

  test('a range of events at once is the same as one at a time', async () => {
    await pgDb.delete(pgs.auditScopes)
    for (let id = 10; id >= 1; id--) await exec(pgDb as unknown as Db, scopeEvents, id, id)
    expect(await pgScopes()).toEqual(sqliteScopes())
  })
})
