import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { openDatabase, migrateDatabase, type Db } from '../../../src/db/connection.js'
import { createPii } from '../../../src/lib/pii.js'
import { insertUser } from '../../../src/features/auth/index.js'
import { trainees } from '../../../src/db/schema.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { readBankDir } from '../../../src/features/bank/files.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { currentBlueprints, questionPool, insertAttempt, attemptItemsWithState, keepStep, finalizeAttempt, recentlySeenKeys, RECENT_ATTEMPTS } from '../../../src/features/exams/queries.js'
import { assemblePaper } from '../../../src/features/exams/assembly.js'
import { demoIdNumber } from '../../../src/features/demo/seed.js'
import { exec, transaction, runSync } from '../../../src/db/engine.js'

const BANK = path.resolve(import.meta.dirname, '../../../question-bank')
/** Finished mocks measured together (the page-size rounding spreads over them). */
const ATTEMPTS = 60
const ATTEMPT_TABLES = ['attempts', 'attempt_items', 'attempt_steps']

let dir: string
let db: Db
const traineeIds: number[] = []

/** What the attempts' own tables and their indexes take on disk (dbstat: whole pages), by table. */
function bytesOn (tables: string[]): Map<string, number> {
  const rows = db.$client.prepare(`SELECT coalesce(i.tbl_name, d.name) AS tbl, sum(d.pgsize) AS bytes FROM dbstat d LEFT JOIN sqlite_schema i ON i.name = d.name AND i.type = 'index'
    GROUP BY tbl`).all() as Array<{ tbl: string, bytes: number }>
  return new Map(rows.filter((r) => tables.includes(r.tbl)).map((r) => [r.tbl, r.bytes]))
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-size-'))
  db = openDatabase(path.join(dir, 'g.db'))
  migrateDatabase(db)
  const pii = createPii(randomBytes(32))
  const now = new Date('2026-11-02T02:00:00Z')
  await transaction(db, publishBank, checkBank(readBankDir(BANK)).bank, null, now)
  const { release, blueprints } = await exec(db, currentBlueprints)
  const bp = blueprints.find((b) => b.key === 'national-mock')!
  const pool = await exec(db, questionPool, release!.id)
  // Six trainees with ten finished national mocks each: every question answered, one in five changed once (one transaction: quick).
  db.$client.transaction(() => {
    for (let t = 0; t < ATTEMPTS / 10; t++) {
      const user = runSync(insertUser(db, { username: `s${t}`, displayName: `S${t}`, passwordHash: 'x', role: 'trainee' }, now))
      const idn = demoIdNumber('110101', '1990-01-01', t)
      const tr = db.insert(trainees).values({ userId: user.id, fullName: `S${t}`, idNumberEnc: pii.encrypt(idn), idNumberHmac: pii.hash(idn), birthDate: '1990-01-01', education: 'college', createdAt: now, updatedAt: now }).returning().get()
      traineeIds.push(tr.id)
      for (let n = 0; n < 10; n++) {
        const startedAt = new Date(now.getTime() + (t * 10 + n) * 3 * 3_600_000)
        const seed = `size-${t}-${n}`
        const items = assemblePaper({ cells: bp.body.cells, shuffleOptions: true, pool, seed, recentlySeen: new Set(runSync(recentlySeenKeys(db, tr.id))) })
        expect(items).toHaveLength(100)
        const { attempt } = runSync(insertAttempt(db, { traineeId: tr.id, blueprintKey: bp.key, blueprintVersionId: bp.versionId, releaseId: release!.id, seed, passMark: bp.body.passMark, startedAt, deadlineAt: new Date(startedAt.getTime() + 2 * 3_600_000), items }, { actorId: user.id, clientIp: '127.0.0.1' }))
        runSync(attemptItemsWithState(db, attempt.id)).forEach((it, i) => {
          const at = (k: number) => new Date(startedAt.getTime() + (i * 2 + k) * 20_000)
          runSync(keepStep(db, attempt.id, it.id, 0, { seq: 1, response: [it.optionOrder[0]!], at: at(1) }))
          if (i % 5 === 0) runSync(keepStep(db, attempt.id, it.id, 1, { seq: 2, response: [it.optionOrder.at(-1)!], at: at(2) }))
        })
        runSync(finalizeAttempt(db, attempt.id, 'submitted', new Date(startedAt.getTime() + 3_600_000), { actorId: user.id }))
      }
    }
  })()
}, 120_000)

afterAll(() => {
  db.$client.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('a finished national mock on disk', () => {
  test('with its items and steps it takes at most 8 KB (measured with dbstat)', () => {
    const bytes = bytesOn(ATTEMPT_TABLES)
    const perAttempt = [...bytes.values()].reduce((s, b) => s + b, 0) / ATTEMPTS
    const recent = [...bytesOn(['recent_papers']).values()].reduce((s, b) => s + b, 0) / traineeIds.length
    console.log(`finished 100-question national mock: ${Math.round(perAttempt)} bytes on disk (${[...bytes].map(([k, v]) => `${k} ${Math.round(v / ATTEMPTS)}`).join(', ')}); exposure control: ${Math.round(recent)} bytes per trainee`)
    expect(perAttempt).toBeLessThanOrEqual(8192)
  })

  test('exposure control keeps only the papers of each trainee\'s last three finished attempts, and sees exactly their questions', () => {
    for (const id of traineeIds) {
      const kept = db.$client.prepare('SELECT attempt_id AS a FROM recent_papers WHERE trainee_id = ? ORDER BY attempt_id').all(id) as Array<{ a: number }>
      const last = db.$client.prepare('SELECT id AS a FROM attempts WHERE trainee_id = ? AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT ?').all(id, RECENT_ATTEMPTS) as Array<{ a: number }>
      expect(kept.map((r) => r.a)).toEqual(last.map((r) => r.a).sort((x, y) => x - y))
      // What the items of those attempts hold (the way it was read before recent_papers).
      const fromItems = db.$client.prepare(`SELECT DISTINCT q.question_key AS k FROM attempt_items i JOIN question_versions q ON q.id = i.question_version_id
        WHERE i.attempt_id IN (SELECT id FROM attempts WHERE trainee_id = ? AND finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 3) ORDER BY q.question_key`).all(id) as Array<{ k: string }>
      expect(runSync(recentlySeenKeys(db, id))).toEqual(fromItems.map((r) => r.k))
      expect(fromItems.length).toBeGreaterThan(100)
    }
  })
})
