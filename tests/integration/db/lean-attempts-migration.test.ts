import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, afterAll } from 'vitest'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { openDatabase, MIGRATIONS_DIR } from '../../../src/db/connection.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { smallBank } from '../../helpers/bank.js'
import { transaction } from '../../../src/db/engine.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-lean-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The migrations up to and including `tag`, in a folder of their own. */
function migrationsUpTo (tag: string): string {
  const out = path.join(dir, 'migrations')
  fs.cpSync(MIGRATIONS_DIR, out, { recursive: true })
  const journalFile = path.join(out, 'meta/_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: Array<{ idx: number, tag: string }> }
  const last = journal.entries.findIndex((e) => e.tag === tag)
  expect(last).toBeGreaterThan(0)
  journal.entries = journal.entries.slice(0, last + 1)
  fs.writeFileSync(journalFile, JSON.stringify(journal))
  return out
}

describe('the lean attempts migration moves existing data', () => {
  test('recently seen papers, steps and option orders survive; the attempts row loses recently_seen', async () => {
    const db = openDatabase(path.join(dir, 'g.db'))
    migrate(db, { migrationsFolder: migrationsUpTo('0009_roster_imports') })
    const now = new Date('2026-10-01T00:00:00Z')
    const c = db.$client
    // Publishing is today's code and writes today's audit scopes (migration 0014), whose statement also reads the supervision
    // tables of later migrations: tables of that shape for it, gone again before the migrations run.
    const later = {
      audit_scopes: 'jurisdiction_id integer NOT NULL, at integer NOT NULL, event_id integer NOT NULL, PRIMARY KEY (jurisdiction_id, at, event_id)',
      sites: 'id integer PRIMARY KEY, enterprise_id integer, jurisdiction_id integer',
      inspections: 'id integer PRIMARY KEY, site_id integer',
      rectification_notices: 'id integer PRIMARY KEY, site_id integer',
      escalation_cases: 'id integer PRIMARY KEY, notice_id integer',
      bravery_reports: 'id integer PRIMARY KEY, enterprise_id integer, station_id integer',
      enterprise_messages: 'id integer PRIMARY KEY, unit_id integer'
    }
    for (const [table, columns] of Object.entries(later)) c.exec(`CREATE TABLE ${table} (${columns})`)
    await transaction(db, publishBank, checkBank(smallBank()).bank, null, now)
    for (const table of Object.keys(later)) c.exec(`DROP TABLE ${table}`)
    const release = (c.prepare('SELECT id FROM bank_releases').get() as { id: number }).id
    const bp = c.prepare('SELECT id, blueprint_key AS k FROM blueprint_versions LIMIT 1').get() as { id: number, k: string }
    const questions = (c.prepare('SELECT id FROM question_versions ORDER BY id').all() as Array<{ id: number }>).map((q) => q.id)
    const userId = Number(c.prepare(`INSERT INTO users (username, display_name, password_hash, role, status, must_change_password, created_at, updated_at)
      VALUES ('m', 'M', 'x', 'trainee', 'active', 0, 0, 0)`).run().lastInsertRowid)
    const traineeId = Number(c.prepare(`INSERT INTO trainees (user_id, full_name, id_number_enc, id_number_hmac, birth_date, education, created_at, updated_at)
      VALUES (?, 'M', 'e', 'h', '1990-01-01', 'college', 0, 0)`).run(userId).lastInsertRowid)
    // Five finished attempts and an open one, in the old shape: recently_seen in the row, JSON option orders, steps with ids.
    const attemptIds: number[] = []
    const papers = new Map<number, number[]>()
    for (let n = 0; n < 6; n++) {
      const finished = n < 5 ? (n + 1) * 3_600_000 + 1000 : null
      const id = Number(c.prepare(`INSERT INTO attempts (trainee_id, blueprint_key, blueprint_version_id, release_id, seed, recently_seen, pass_mark, max_score, started_at, deadline_at, finished_at, finish_reason, score, passed)
        VALUES (?, ?, ?, ?, ?, ?, 60, 3, ?, ?, ?, ?, ?, ?)`).run(traineeId, bp.k, bp.id, release, `s${n}`, JSON.stringify(['law.q1', 'law.q2']), (n + 1) * 3_600_000, (n + 2) * 3_600_000,
        finished, finished ? 'submitted' : null, finished ? 2 : null, finished ? 1 : null).lastInsertRowid)
      attemptIds.push(id)
      const paper = [0, 1, 2].map((k) => questions[(n + k) % questions.length]!)
      papers.set(id, paper)
      paper.forEach((q, slot) => {
        const order = slot === 2 ? ['false', 'true'] : ['C', 'A', 'B', 'D']
        const item = Number(c.prepare('INSERT INTO attempt_items (attempt_id, slot, question_version_id, option_order, points) VALUES (?, ?, ?, ?, 1)').run(id, slot + 1, q, JSON.stringify(order)).lastInsertRowid)
        c.prepare('INSERT INTO attempt_steps (attempt_item_id, seq, response, at) VALUES (?, 1, ?, ?)').run(item, JSON.stringify([order[0]]), 1000 + slot)
        c.prepare('INSERT INTO attempt_steps (attempt_item_id, seq, response, at) VALUES (?, 2, ?, ?)').run(item, JSON.stringify([order[1]]), 2000 + slot)
      })
    }

    migrate(db, { migrationsFolder: MIGRATIONS_DIR })

    const columns = (c.prepare("SELECT name FROM pragma_table_info('attempts')").all() as Array<{ name: string }>).map((r) => r.name)
    expect(columns).not.toContain('recently_seen')
    expect(columns).toContain('score')
    // The papers of the last three finished attempts, in slot order; not the older ones, not the open one.
    const kept = c.prepare('SELECT attempt_id AS a, question_version_ids AS q FROM recent_papers ORDER BY attempt_id').all() as Array<{ a: number, q: string }>
    expect(kept).toEqual(attemptIds.slice(2, 5).map((a) => ({ a, q: JSON.stringify(papers.get(a)) })))
    // Every step kept, now keyed by (item, seq) without a rowid.
    expect((c.prepare('SELECT count(*) AS n FROM attempt_steps').get() as { n: number }).n).toBe(36)
    expect(c.prepare("SELECT sql FROM sqlite_schema WHERE name = 'attempt_steps'").get()).toMatchObject({ sql: expect.stringContaining('WITHOUT ROWID') })
    // Option orders as one character per option, read back as the keys they were.
    expect(new Set((c.prepare('SELECT option_order AS o FROM attempt_items').all() as Array<{ o: string }>).map((r) => r.o))).toEqual(new Set(['CABD', 'ft']))
    const item = db.query.attemptItems.findFirst({ where: (i, { eq }) => eq(i.slot, 3) }).sync()
    expect(item!.optionOrder).toEqual(['false', 'true'])
    expect(c.pragma('foreign_key_check')).toEqual([])
    db.$client.close()
  })
})
