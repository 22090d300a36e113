import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import { openDatabase, migrateDatabase, type Db } from '../../../src/db/connection.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank, ReleaseConflict } from '../../../src/features/bank/publish.js'
import { diffReleases, findQuestionVersion, questionHistory, searchQuestions, findReleaseByLabel } from '../../../src/features/bank/queries.js'
import { bankReleases, questionVersions, releaseQuestions, lessonVersions, blueprintVersions } from '../../../src/db/schema.js'
import { smallBank, edit } from '../../helpers/bank.js'
import { publishOnStart } from '../../../src/features/bank/cli.js'

const LAW = 'questions/law/guard-eligibility.yaml'
let dir: string
let db: Db
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-bank-'))
  db = openDatabase(path.join(dir, 'b.db'))
  migrateDatabase(db)
})
afterEach(() => {
  db.$client.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const bankOf = (files: Map<string, string>) => {
  const r = checkBank(files)
  expect(r.problems).toEqual([])
  return r.bank
}
const rows = () => ({
  releases: db.select().from(bankReleases).all().length,
  questions: db.select().from(questionVersions).all().length,
  lessons: db.select().from(lessonVersions).all().length,
  blueprints: db.select().from(blueprintVersions).all().length,
  members: db.select().from(releaseQuestions).all().length
})
let clock = Date.UTC(2026, 10, 1)
const now = () => new Date((clock += 60_000))

describe('publishing a release', () => {
  test('the first publish adds everything, in one release', () => {
    const r = publishBank(db, bankOf(smallBank()), null, now())
    expect(r.outcome).toBe('published')
    expect(r.questions).toEqual({ added: 28, changed: 0, unchanged: 0, retired: 0 })
    expect(r.lessons).toEqual({ added: 4, changed: 0, unchanged: 0, retired: 0 })
    expect(r.blueprints).toEqual({ added: 1, changed: 0, unchanged: 0, retired: 0 })
    expect(rows()).toEqual({ releases: 1, questions: 28, lessons: 4, blueprints: 1, members: 28 })
  })

  test('publishing the same release again changes nothing', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const before = rows()
    const again = publishBank(db, bankOf(smallBank()), null, now())
    expect(again.outcome).toBe('already-published')
    expect(rows()).toEqual(before)
  })

  test('the same release id with other content is refused, with what to do', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const changed = bankOf(edit(smallBank(), LAW, 'What is the minimum age at which', 'At what minimum age'))
    expect(() => publishBank(db, changed, null, now())).toThrow(ReleaseConflict)
    expect(() => publishBank(db, changed, null, now())).toThrow(/already published with different content.*2026\.1/)
    expect(rows().releases).toBe(1)
  })

  test('one question edited: one new version; the old version stays readable by id; the rest keep theirs', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const oldVersion = db.select().from(questionVersions).all().find((q) => q.questionKey === 'law.guard-eligibility.001')!
    const next = edit(edit(smallBank(), LAW, 'What is the minimum age at which', 'At what minimum age'), 'bank.yaml', '2026.0', '2026.1')
    const r = publishBank(db, bankOf(next), null, now())
    expect(r.questions).toEqual({ added: 0, changed: 1, unchanged: 27, retired: 0 })
    expect(r.lessons).toEqual({ added: 0, changed: 0, unchanged: 4, retired: 0 })
    expect(rows().questions).toBe(29)
    // The guarantee the exam engine relies on: an attempt's reference still shows what the trainee saw.
    expect(findQuestionVersion(db, oldVersion.id)!.body.stem.en).toContain('What is the minimum age at which')
    const history = questionHistory(db, 'law.guard-eligibility.001')
    expect(history.map((h) => [h.version, h.releases])).toEqual([[1, ['2026.0']], [2, ['2026.1']]])
    expect(history[1]!.body.stem.en).toContain('At what minimum age')
    const d = diffReleases(db, findReleaseByLabel(db, '2026.0')!.id, findReleaseByLabel(db, '2026.1')!.id)
    expect(d.questions).toEqual({ added: [], changed: ['law.guard-eligibility.001'], retired: [], unchanged: 27 })
  })

  test('one question removed: retired, never deleted, still readable; it leaves the active list', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const gone = db.select().from(questionVersions).all().find((q) => q.questionKey === 'law.guard-eligibility.003')!
    const next = edit(edit(smallBank(), LAW, / {2}- id: law\.guard-eligibility\.003[\s\S]*?(?= {2}- id: law\.guard-eligibility\.013)/, ''), 'bank.yaml', '2026.0', '2026.1')
    const r = publishBank(db, bankOf(next), null, now())
    expect(r.questions).toEqual({ added: 0, changed: 0, unchanged: 27, retired: 1 })
    expect(findQuestionVersion(db, gone.id)!.questionKey).toBe('law.guard-eligibility.003')
    expect(rows().questions).toBe(28)
    const active = searchQuestions(db, { status: 'active', limit: 100, offset: 0 }).map((q) => q.questionKey)
    const retired = searchQuestions(db, { status: 'retired', limit: 100, offset: 0 }).map((q) => q.questionKey)
    expect(active).not.toContain('law.guard-eligibility.003')
    expect(retired).toEqual(['law.guard-eligibility.003'])
    expect(diffReleases(db, findReleaseByLabel(db, '2026.0')!.id, findReleaseByLabel(db, '2026.1')!.id).questions.retired).toEqual(['law.guard-eligibility.003'])
  })

  test('a retired question that comes back unchanged keeps its old version', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const without = edit(edit(smallBank(), LAW, / {2}- id: law\.guard-eligibility\.003[\s\S]*?(?= {2}- id: law\.guard-eligibility\.013)/, ''), 'bank.yaml', '2026.0', '2026.1')
    publishBank(db, bankOf(without), null, now())
    const back = publishBank(db, bankOf(edit(smallBank(), 'bank.yaml', '2026.0', '2026.2')), null, now())
    expect(back.questions).toEqual({ added: 1, changed: 0, unchanged: 27, retired: 0 })
    expect(questionHistory(db, 'law.guard-eligibility.003').map((h) => h.version)).toEqual([1])
  })

  test('the whole publish rolls back when any part fails', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const before = rows()
    // Make the last step (blueprint membership) fail.
    db.$client.exec("CREATE TRIGGER fail_blueprints BEFORE INSERT ON release_blueprints BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    const next = edit(edit(smallBank(), LAW, 'What is the minimum age at which', 'At what minimum age'), 'bank.yaml', '2026.0', '2026.1')
    expect(() => publishBank(db, bankOf(next), null, now())).toThrow(/disk on fire/)
    expect(rows()).toEqual(before)
    expect(findReleaseByLabel(db, '2026.1')).toBeUndefined()
  })

  test('the admin search finds by text, id, domain and type', () => {
    publishBank(db, bankOf(smallBank()), null, now())
    const s = (q: Parameters<typeof searchQuestions>[1]) => searchQuestions(db, q).map((r) => r.questionKey)
    expect(s({ text: 'chest compressions', limit: 50, offset: 0 })).toEqual(['skills.cpr-aed.001', 'skills.cpr-aed.002', 'skills.cpr-aed.012'])
    expect(s({ text: 'gatekeeping.00', limit: 50, offset: 0 })).toHaveLength(6)
    expect(s({ domain: 'ethics', type: 'judge', limit: 50, offset: 0 })).toEqual(['ethics.confidentiality.003', 'ethics.confidentiality.008'])
    expect(s({ text: '100%_', limit: 50, offset: 0 })).toEqual([])
  })
})

describe('publishing at start', () => {
  const copy = (to: string) => {
    for (const [file, text] of smallBank()) { fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true }); fs.writeFileSync(path.join(to, file), text) }
    return to
  }

  test('publishes a release the database lacks, once; a release already there is recognised from bank.yaml alone', () => {
    const bankDir = copy(path.join(dir, 'bank'))
    const lines: string[] = []
    publishOnStart(db, bankDir, new Date(), (l) => lines.push(l))
    expect(lines[0]).toBe('Published release 2026.0.')
    expect(db.select().from(bankReleases).all()).toHaveLength(1)
    // The rest of the bank is not even read: a broken question file goes unnoticed while the release is published.
    fs.writeFileSync(path.join(bankDir, LAW), 'questions: [')
    publishOnStart(db, bankDir, new Date(), (l) => lines.push(l))
    expect(lines).toHaveLength(4)
    // A new release id with errors is checked, and not published.
    fs.writeFileSync(path.join(bankDir, 'bank.yaml'), fs.readFileSync(path.join(bankDir, 'bank.yaml'), 'utf8').replace('2026.0', '2026.1'))
    publishOnStart(db, bankDir, new Date(), (l) => lines.push(l))
    expect(lines.at(-1)).toMatch(/has \d+ errors and was not published/)
    expect(db.select().from(bankReleases).all()).toHaveLength(1)
  })
})
