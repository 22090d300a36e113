import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import { openDatabase, migrateDatabase, type Db } from '../../../src/db/connection.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank, ReleaseConflict } from '../../../src/features/bank/publish.js'
import { diffReleases, findQuestionVersion, questionHistory, searchQuestions, countQuestions, findReleaseByLabel, listReleases, previousRelease, latestReleaseId } from '../../../src/features/bank/queries.js'
import { exec, runSync, transaction, type Q } from '../../../src/db/engine.js'
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

const publish = (bank: ReturnType<typeof bankOf>, on: Db = db) => transaction(on, publishBank, bank, null, now())
const read = <A extends unknown[], T>(fn: (db: Db, ...args: A) => Q<T>, ...args: A) => runSync(fn(db, ...args))

describe('publishing a release', () => {
  test('the first publish adds everything, in one release', async () => {
    const r = await publish(bankOf(smallBank()))
    expect(r.outcome).toBe('published')
    expect(r.questions).toEqual({ added: 28, changed: 0, unchanged: 0, retired: 0 })
    expect(r.lessons).toEqual({ added: 4, changed: 0, unchanged: 0, retired: 0 })
    expect(r.blueprints).toEqual({ added: 1, changed: 0, unchanged: 0, retired: 0 })
    expect(rows()).toEqual({ releases: 1, questions: 28, lessons: 4, blueprints: 1, members: 28 })
  })

  test('publishing the same release again changes nothing', async () => {
    await publish(bankOf(smallBank()))
    const before = rows()
    const again = await publish(bankOf(smallBank()))
    expect(again.outcome).toBe('already-published')
    expect(rows()).toEqual(before)
  })

  test('two publishes of the same bank at once, through two connections (two nodes), leave one release', async () => {
    const other = openDatabase(path.join(dir, 'b.db'))
    try {
      const results = await Promise.all([publish(bankOf(smallBank())), publish(bankOf(smallBank()), other)])
      expect(results.map((r) => r.outcome).sort()).toEqual(['already-published', 'published'])
      expect(results[0]!.releaseId).toBe(results[1]!.releaseId)
      expect(rows()).toEqual({ releases: 1, questions: 28, lessons: 4, blueprints: 1, members: 28 })
    } finally {
      other.$client.close()
    }
  })

  test('a second publish that finds the label taken only by its insert is a no-op (the unique key decides, not the look-up before it)', async () => {
    await publish(bankOf(smallBank()))
    const before = rows()
    // The body alone, with no look-up by label before it: the release's insert meets the unique label.
    const again = runSync(publishBank(db, bankOf(smallBank()), null, now()))
    expect(again.outcome).toBe('already-published')
    expect(rows()).toEqual(before)
  })

  test('the same release id with other content is refused, with what to do', async () => {
    await publish(bankOf(smallBank()))
    const changed = bankOf(edit(smallBank(), LAW, 'What is the minimum age at which', 'At what minimum age'))
    await expect(publish(changed)).rejects.toThrow(ReleaseConflict)
    await expect(publish(changed)).rejects.toThrow(/already published with different content.*2026\.1/)
    expect(rows().releases).toBe(1)
  })

  test('one question edited: one new version; the old version stays readable by id; the rest keep theirs', async () => {
    await publish(bankOf(smallBank()))
    const oldVersion = db.select().from(questionVersions).all().find((q) => q.questionKey === 'law.guard-eligibility.001')!
    const next = edit(edit(smallBank(), LAW, 'What is the minimum age at which', 'At what minimum age'), 'bank.yaml', '2026.0', '2026.1')
    const r = await publish(bankOf(next))
    expect(r.questions).toEqual({ added: 0, changed: 1, unchanged: 27, retired: 0 })
    expect(r.lessons).toEqual({ added: 0, changed: 0, unchanged: 4, retired: 0 })
    expect(rows().questions).toBe(29)
    // The guarantee the exam engine relies on: an attempt's reference still shows what the trainee saw.
    expect(read(findQuestionVersion, oldVersion.id)!.body.stem.en).toContain('What is the minimum age at which')
    const history = await exec(db, questionHistory, 'law.guard-eligibility.001')
    expect(history.map((h) => [h.version, h.releases])).toEqual([[1, ['2026.0']], [2, ['2026.1']]])
    expect(history[1]!.body.stem.en).toContain('At what minimum age')
    const d = read(diffReleases, read(findReleaseByLabel, '2026.0')!.id, read(findReleaseByLabel, '2026.1')!.id)
    expect(d.questions).toEqual({ added: [], changed: ['law.guard-eligibility.001'], retired: [], unchanged: 27 })
  })

  test('one question removed: retired, never deleted, still readable; it leaves the active list', async () => {
    await publish(bankOf(smallBank()))
    const gone = db.select().from(questionVersions).all().find((q) => q.questionKey === 'law.guard-eligibility.003')!
    const next = edit(edit(smallBank(), LAW, / {2}- id: law\.guard-eligibility\.003[\s\S]*?(?= {2}- id: law\.guard-eligibility\.013)/, ''), 'bank.yaml', '2026.0', '2026.1')
    const r = await publish(bankOf(next))
    expect(r.questions).toEqual({ added: 0, changed: 0, unchanged: 27, retired: 1 })
    expect(read(findQuestionVersion, gone.id)!.questionKey).toBe('law.guard-eligibility.003')
    expect(rows().questions).toBe(28)
    const active = read(searchQuestions, { status: 'active', limit: 100, offset: 0 })
    const retired = read(searchQuestions, { status: 'retired', limit: 100, offset: 0 })
    expect(active.map((q) => q.questionKey)).not.toContain('law.guard-eligibility.003')
    expect(retired.map((q) => q.questionKey)).toEqual(['law.guard-eligibility.003'])
    // The status column reads as a boolean on both engines.
    expect(new Set(active.map((q) => q.active))).toEqual(new Set([true]))
    expect(retired.map((q) => q.active)).toEqual([false])
    expect(read(countQuestions, { status: 'retired' })).toBe(1)
    expect(read(diffReleases, read(findReleaseByLabel, '2026.0')!.id, read(findReleaseByLabel, '2026.1')!.id).questions.retired).toEqual(['law.guard-eligibility.003'])
  })

  test('a retired question that comes back unchanged keeps its old version', async () => {
    await publish(bankOf(smallBank()))
    const without = edit(edit(smallBank(), LAW, / {2}- id: law\.guard-eligibility\.003[\s\S]*?(?= {2}- id: law\.guard-eligibility\.013)/, ''), 'bank.yaml', '2026.0', '2026.1')
    await publish(bankOf(without))
    const back = await publish(bankOf(edit(smallBank(), 'bank.yaml', '2026.0', '2026.2')))
    expect(back.questions).toEqual({ added: 1, changed: 0, unchanged: 27, retired: 0 })
    expect(read(questionHistory, 'law.guard-eligibility.003').map((h) => h.version)).toEqual([1])
  })

  test('the whole publish rolls back when any part fails', async () => {
    await publish(bankOf(smallBank()))
    const before = rows()
    // Make the last step (blueprint membership) fail.
    db.$client.exec("CREATE TRIGGER fail_blueprints BEFORE INSERT ON release_blueprints BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    const next = edit(edit(smallBank(), LAW, 'What is the minimum age at which', 'At what minimum age'), 'bank.yaml', '2026.0', '2026.1')
    await expect(publish(bankOf(next))).rejects.toThrow(/disk on fire/)
    expect(rows()).toEqual(before)
    expect(read(findReleaseByLabel, '2026.1')).toBeUndefined()
  })

  test('the release before another, by publication time and then id', async () => {
    await publish(bankOf(smallBank()))
    await publish(bankOf(edit(smallBank(), 'bank.yaml', '2026.0', '2026.1')))
    const [newer, older] = read(listReleases)
    expect([newer!.label, older!.label]).toEqual(['2026.1', '2026.0'])
    expect(read(previousRelease, newer!)?.label).toBe('2026.0')
    expect(read(previousRelease, older!)).toBeUndefined()
    expect(read(latestReleaseId)).toBe(newer!.id)
  })

  test('the admin search finds by text, id, domain and type', async () => {
    await publish(bankOf(smallBank()))
    const s = (q: Parameters<typeof searchQuestions>[1]) => read(searchQuestions, q).map((r) => r.questionKey)
    expect(s({ text: 'chest compressions', limit: 50, offset: 0 })).toEqual(['skills.cpr-aed.001', 'skills.cpr-aed.002', 'skills.cpr-aed.012'])
    expect(s({ text: 'gatekeeping.00', limit: 50, offset: 0 })).toHaveLength(6)
    expect(s({ domain: 'ethics', type: 'judge', limit: 50, offset: 0 })).toEqual(['ethics.confidentiality.003', 'ethics.confidentiality.008'])
    expect(s({ text: '100%_', limit: 50, offset: 0 })).toEqual([])
    // % and _ are taken literally: "gatekeeping_00" is not "gatekeeping.00".
    expect(s({ text: 'gatekeeping_00', limit: 50, offset: 0 })).toEqual([])
    expect(s({ text: 'gatekeeping%00', limit: 50, offset: 0 })).toEqual([])
  })

  test('the admin search finds % and _ as written', async () => {
    await publish(bankOf(edit(smallBank(), LAW, 'What is the minimum age at which', 'What is the 100%_sure minimum age at which')))
    const s = (text: string) => read(searchQuestions, { text, limit: 50, offset: 0 }).map((r) => r.questionKey)
    expect(s('100%_sure')).toEqual(['law.guard-eligibility.001'])
    expect(s('100%')).toEqual(['law.guard-eligibility.001'])
    expect(s('100_')).toEqual([])
  })
})

describe('publishing at start', () => {
  const copy = (to: string) => {
    for (const [file, text] of smallBank()) { fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true }); fs.writeFileSync(path.join(to, file), text) }
    return to
  }

  test('publishes a release the database lacks, once; a release already there is recognised from bank.yaml alone', async () => {
    const bankDir = copy(path.join(dir, 'bank'))
    const lines: string[] = []
    await publishOnStart(db, bankDir, new Date(), (l) => lines.push(l))
    expect(lines[0]).toBe('Published release 2026.0.')
    expect(db.select().from(bankReleases).all()).toHaveLength(1)
    // The rest of the bank is not even read: a broken question file goes unnoticed while the release is published.
    fs.writeFileSync(path.join(bankDir, LAW), 'questions: [')
    await publishOnStart(db, bankDir, new Date(), (l) => lines.push(l))
    expect(lines).toHaveLength(4)
    // A new release id with errors is checked, and not published.
    fs.writeFileSync(path.join(bankDir, 'bank.yaml'), fs.readFileSync(path.join(bankDir, 'bank.yaml'), 'utf8').replace('2026.0', '2026.1'))
    await publishOnStart(db, bankDir, new Date(), (l) => lines.push(l))
    expect(lines.at(-1)).toMatch(/has \d+ errors and was not published/)
    expect(db.select().from(bankReleases).all()).toHaveLength(1)
  })

  test('two nodes starting together on one database publish the bank once', async () => {
    const bankDir = copy(path.join(dir, 'bank'))
    const other = openDatabase(path.join(dir, 'b.db'))
    try {
      const lines: string[] = []
      await Promise.all([publishOnStart(db, bankDir, new Date(), (l) => lines.push(`a: ${l}`)), publishOnStart(other, bankDir, new Date(), (l) => lines.push(`b: ${l}`))])
      expect(db.select().from(bankReleases).all()).toHaveLength(1)
      expect(rows()).toEqual({ releases: 1, questions: 28, lessons: 4, blueprints: 1, members: 28 })
      expect(lines.filter((l) => l.endsWith('Published release 2026.0.'))).toHaveLength(1)
    } finally {
      other.$client.close()
    }
  })
})
