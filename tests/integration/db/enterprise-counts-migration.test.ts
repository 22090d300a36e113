import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, afterAll } from 'vitest'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { openDatabase, MIGRATIONS_DIR } from '../../../src/db/connection.js'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-counts-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Journal { entries: Array<{ idx: number, tag: string }> }

/**
 * The migrations before the one that creates enterprise_counts (found by its SQL, not its number:
 * migrations are renumbered when branches merge), in a folder of their own.
 */
function migrationsBeforeCounts (): string {
  const out = path.join(dir, 'before')
  fs.cpSync(MIGRATIONS_DIR, out, { recursive: true })
  const journalFile = path.join(out, 'meta/_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as Journal
  const at = journal.entries.findIndex((e) => fs.readFileSync(path.join(out, `${e.tag}.sql`), 'utf8').includes('CREATE TABLE `enterprise_counts`'))
  expect(at).toBeGreaterThan(0)
  journal.entries = journal.entries.slice(0, at)
  fs.writeFileSync(journalFile, JSON.stringify(journal))
  return out
}

describe('the enterprise counts migration', () => {
  test('fills each enterprise\'s counts from the stored readiness as it stands', () => {
    const db = openDatabase(path.join(dir, 'g.db'))
    migrate(db, { migrationsFolder: migrationsBeforeCounts() })
    const c = db.$client
    c.exec("INSERT INTO jurisdictions (id, code, name, level, created_at) VALUES (1, 'C', 'City', 'city', 0)")
    for (const id of [1, 2, 3]) c.prepare("INSERT INTO enterprises (id, name, credit_code, address, jurisdiction_id, created_at, updated_at) VALUES (?, ?, ?, '', 1, 0, 0)").run(id, `E${id}`, `CODE${id}`)
    // [enterprise, duty, certified, status]: enterprise 3 has nobody; one person has no employer.
    const rows: Array<[number | null, string | null, number, string]> = [
      [1, 'in-training', 0, 'not-yet'], [1, 'on-duty', 0, 'eligible'], [1, 'on-duty', 1, 'eligible'], [1, 'on-duty', 1, 'not-yet'],
      [2, 'in-training', 0, 'eligible'], [2, 'released', 1, 'disqualified'], [null, null, 0, 'not-yet']
    ]
    rows.forEach(([enterprise, duty, certified, status], i) => {
      c.prepare("INSERT INTO trainees (id, full_name, id_number_enc, id_number_hmac, birth_date, education, created_at, updated_at) VALUES (?, 'P', 'e', ?, '1990-01-01', 'college', 0, 0)").run(i + 1, `h${i}`)
      c.prepare("INSERT INTO trainee_readiness (trainee_id, enterprise_id, duty_status, certified, status, rules, qualifying, evaluated_on, generation, updated_at) VALUES (?, ?, ?, ?, ?, '[]', '[]', '', 1, 0)")
        .run(i + 1, enterprise, duty, certified, status)
    })
    migrate(db, { migrationsFolder: MIGRATIONS_DIR })
    expect(c.prepare('SELECT * FROM enterprise_counts ORDER BY enterprise_id').all()).toEqual([
      { enterprise_id: 1, people: 4, in_training: 1, on_duty: 3, on_duty_uncertified: 1, eligible: 2, eligible_uncertified: 1, certified: 2 },
      { enterprise_id: 2, people: 2, in_training: 1, on_duty: 0, on_duty_uncertified: 0, eligible: 1, eligible_uncertified: 1, certified: 1 }
    ])
    c.close()
  })
})
