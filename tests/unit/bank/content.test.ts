import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { checkBank, countBank, hanCount, LATIN_RUN, ZH_LESSON_CHARS } from '../../../src/features/bank/format.js'
import { sourceText, citedReferences } from '../../../src/features/bank/sources.js'
import { readBankDir } from '../../../src/features/bank/files.js'
import { assemblePaper } from '../../../src/features/exams/assembly.js'

// The shipped bank: the minimums of its issues, checked on every run.
const bankDir = path.resolve(import.meta.dirname, '../../../question-bank')
const { bank, problems, warnings } = checkBank(readBankDir(bankDir))

describe('the shipped question bank', () => {
  test('validates with no error and no warning', () => {
    expect(problems).toEqual([])
    expect(warnings).toEqual([])
  })

  test('has at least 1,200 questions, and the minimum per subject', () => {
    const c = countBank(bank.questions)
    expect(c.total).toBeGreaterThanOrEqual(1200)
    expect(c.byDomain.law).toBeGreaterThanOrEqual(350)
    expect(c.byDomain.knowledge).toBeGreaterThanOrEqual(330)
    expect(c.byDomain.skills).toBeGreaterThanOrEqual(330)
    expect(c.byDomain.ethics).toBeGreaterThanOrEqual(130)
  })

  test('every subject has 8 to 15 topics and every topic at least 15 questions and a lesson', () => {
    for (const d of bank.syllabus) {
      expect(d.topics.length, d.id).toBeGreaterThanOrEqual(8)
      expect(d.topics.length, d.id).toBeLessThanOrEqual(15)
      for (const t of d.topics) {
        expect(bank.questions.filter((q) => q.domain === d.id && q.topic === t.id).length, `${d.id}/${t.id}`).toBeGreaterThanOrEqual(15)
        expect(bank.lessons.some((l) => l.domain === d.id && l.topic === t.id), `${d.id}/${t.id} lesson`).toBe(true)
      }
    }
  })

  test('the mix is close to the public banks: about 55% single, 25% multiple, 20% true/false; a spread of difficulty', () => {
    const c = countBank(bank.questions)
    const share = (n = 0) => n / c.total
    expect(share(c.byType.single)).toBeGreaterThan(0.48)
    expect(share(c.byType.single)).toBeLessThan(0.62)
    expect(share(c.byType.multi)).toBeGreaterThan(0.18)
    expect(share(c.byType.multi)).toBeLessThan(0.32)
    expect(share(c.byType.judge)).toBeGreaterThan(0.13)
    expect(share(c.byType.judge)).toBeLessThan(0.27)
    for (const level of [1, 2, 3]) expect(bank.questions.filter((q) => q.difficulty === level).length / c.total).toBeGreaterThan(0.1)
    // Every key letter of single choice between 22% and 28% of single-choice keys: the position gives nothing away.
    const singles = bank.questions.filter((q) => q.type === 'single')
    for (const letter of ['A', 'B', 'C', 'D']) {
      const share = singles.filter((q) => q.answer[0] === letter).length / singles.length
      expect(share, `key ${letter}`).toBeGreaterThanOrEqual(0.22)
      expect(share, `key ${letter}`).toBeLessThanOrEqual(0.28)
    }
    // Single choice with four options, multiple choice with five (A to E), as in the outline samples.
    expect(bank.questions.filter((q) => q.type === 'single').every((q) => q.options.length === 4)).toBe(true)
    expect(bank.questions.filter((q) => q.type === 'multi').every((q) => q.options.length === 5)).toBe(true)
  })

  test('the national mock: 100 questions, 100 points, 90 minutes, pass at 60, subjects 30/30/30/10', () => {
    const mock = bank.blueprints.find((b) => b.id === 'national-mock')!
    expect(mock).toBeDefined()
    const per = (d: string) => mock.cells.filter((c) => c.domain === d).reduce((s, c) => s + c.count * c.points, 0)
    expect(mock.cells.reduce((s, c) => s + c.count, 0)).toBe(100)
    expect(mock.cells.reduce((s, c) => s + c.count * c.points, 0)).toBe(100)
    expect([mock.timeLimitMinutes, mock.passMark]).toEqual([90, 60])
    expect([per('law'), per('knowledge'), per('skills'), per('ethics')]).toEqual([30, 30, 30, 10])
    for (const d of ['law', 'knowledge', 'skills', 'ethics']) {
      const practice = bank.blueprints.find((b) => b.id === `practice-${d}`)!
      expect(practice.cells.every((c) => c.domain === d)).toBe(true)
      expect(practice.cells.reduce((s, c) => s + c.count, 0)).toBe(20)
    }
  })

  test('the national mock assembles from 50 seeds, every cell filled and no question twice', () => {
    const mock = bank.blueprints.find((b) => b.id === 'national-mock')!
    const pool = bank.questions.map((q, i) => ({ versionId: i + 1, questionKey: q.id, domain: q.domain, topic: q.topic, type: q.type, optionKeys: q.options.map((o) => o.key) }))
    const papers = new Set<string>()
    for (let s = 0; s < 50; s++) {
      const paper = assemblePaper({ cells: mock.cells, shuffleOptions: mock.shuffleOptions, pool, seed: `national-${s}`, recentlySeen: new Set() })
      expect(paper).toHaveLength(100)
      expect(new Set(paper.map((q) => q.questionKey)).size).toBe(100)
      for (const c of mock.cells) expect(paper.filter((q) => q.domain === c.domain && q.type === c.type)).toHaveLength(c.count)
      papers.add(paper.map((q) => q.questionKey).join(','))
    }
    expect(papers.size).toBe(50)
  })

  test('no source or explanation is missing, and no key rests on the outdated training permit', () => {
    for (const q of bank.questions) {
      expect(q.explanation.en!.length, q.id).toBeGreaterThanOrEqual(60)
      const keyed = q.options.filter((o) => q.answer.includes(o.key)).map((o) => o.text.en).join(' ')
      // Naming the old permit as what was replaced is fine; keying that one is needed is not.
      expect(keyed.replace(/instead of (obtaining )?a training permit/gi, ''), q.id).not.toMatch(/training permit/i)
    }
  })

  test('is written in Chinese first and English second: every question and lesson in both', () => {
    expect(bank.languages).toEqual(['zh', 'en'])
    for (const q of bank.questions) {
      for (const lang of ['zh', 'en'] as const) {
        expect(q.stem[lang], `${q.id} stem ${lang}`).toBeTruthy()
        expect(q.explanation[lang], `${q.id} explanation ${lang}`).toBeTruthy()
        for (const o of q.options) expect(o.text[lang], `${q.id} option ${o.key} ${lang}`).toBeTruthy()
      }
    }
    for (const l of bank.lessons) {
      expect(l.body.zh, `${l.domain}/${l.topic} zh`).toBeTruthy()
      expect(l.body.en, `${l.domain}/${l.topic} en`).toBeTruthy()
      const n = hanCount(l.body.zh!)
      expect(n, `${l.domain}/${l.topic}: 汉字`).toBeGreaterThanOrEqual(ZH_LESSON_CHARS.min)
      expect(n, `${l.domain}/${l.topic}: 汉字`).toBeLessThanOrEqual(ZH_LESSON_CHARS.max)
    }
    expect(bank.lessons).toHaveLength(bank.syllabus.reduce((n, d) => n + d.topics.length, 0))
  })

  test('no Chinese stem, option, explanation or lesson holds a run of three or more Latin words', () => {
    const runs: string[] = []
    for (const q of bank.questions) {
      for (const [what, text] of [['stem', q.stem.zh], ['explanation', q.explanation.zh], ...q.options.map((o) => [`option ${o.key}`, o.text.zh])] as Array<[string, string]>) {
        const m = LATIN_RUN.exec(text)
        if (m) runs.push(`${q.id} ${what}: ${m[0]}`)
      }
    }
    for (const l of bank.lessons) {
      const m = LATIN_RUN.exec(l.body.zh!)
      if (m) runs.push(`${l.domain}/${l.topic} lesson: ${m[0]}`)
    }
    expect(runs).toEqual([])
  })

  test('the Chinese follows the national exam: the full-width blank, true/false as one statement', () => {
    for (const q of bank.questions) {
      const stem = q.stem.zh!
      // A blank is always the full-width （\u3000） with an ideographic space.
      expect(stem.replace(/（\u3000）/g, ''), q.id).not.toMatch(/[(（]\s*[)）]/u)
      if (q.type === 'judge') expect(stem, q.id).toMatch(/。$/)
      else expect(stem.includes('（\u3000）') || /？$/.test(stem), q.id).toBe(true)
    }
  })

  test('every source reads in Chinese from the table, with no English left', () => {
    for (const q of bank.questions) {
      const zh = sourceText(q.source, 'zh')
      expect(zh, q.id).toMatch(/\p{Script=Han}/u)
      expect(LATIN_RUN.exec(zh)?.[0], `${q.id}: ${zh}`).toBeUndefined()
    }
  })

  test('no question rests on the 2012 text of the Public Security Administration Punishments Law', () => {
    // Its items cite the law in force (the 2025 text, checked in sources/law/public-security-admin.md).
    for (const q of bank.questions) expect(q.source, q.id).not.toMatch(/PSAPL[^;]*2012/)
    expect(bank.questions.filter((q) => /^PSAPL art\. \d/.test(q.source)).length).toBeGreaterThan(10)
  })

  test('every question was reviewed: the release record has a row for each question new in it, the records together for every question', () => {
    const rowsOf = (file: string) => [...fs.readFileSync(path.join(bankDir, 'reviews', file), 'utf8').matchAll(/^\| ([a-z]+\.[a-z0-9-]+\.\d{3}) \|([^|]+)\|([^|]+)\|/gm)]
      .map((m) => ({ id: m[1]!, checked: m[2]!.trim(), verdict: m[3]!.trim() }))
    const records = fs.readdirSync(path.join(bankDir, 'reviews')).filter((f) => /^\d{4}\.\d+\.md$/.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    expect(records.at(-1)).toBe(`${bank.release}.md`)
    const current = rowsOf(`${bank.release}.md`)
    const earlier = new Set(records.slice(0, -1).flatMap((f) => rowsOf(f).map((r) => r.id)))
    const reviewedNow = new Set(current.map((r) => r.id))
    for (const q of bank.questions) {
      expect(reviewedNow.has(q.id) || earlier.has(q.id), `${q.id} has no review row`).toBe(true)
    }
    for (const r of current) {
      expect(['correct', 'fixed', 'key fixed'], r.id).toContain(r.verdict)
      expect(r.checked.length, r.id).toBeGreaterThan(3)
    }
    expect(new Set(current.map((r) => r.id)).size, 'one row per question').toBe(current.length)
  })

  test('every new topic has a sources file, and each of its questions cites only references that file lists', () => {
    const topics = bank.syllabus.flatMap((d) => d.topics.map((t) => `${d.id}/${t.id}`))
    for (const t of NEW_TOPICS_2026_3) {
      expect(topics, t).toContain(t)
      const file = path.join(bankDir, 'sources', `${t}.md`)
      expect(fs.existsSync(file), `${t}: sources file`).toBe(true)
      const listed = sourcesListed(fs.readFileSync(file, 'utf8'))
      const questions = bank.questions.filter((x) => `${x.domain}/${x.topic}` === t)
      expect(questions.length, t).toBeGreaterThanOrEqual(15)
      for (const q of questions) {
        const missing = citedReferences(q.source).filter((r) => !listed.has(r))
        expect(missing, `${q.id} cites ${q.source}`).toEqual([])
      }
    }
  })
})

/** The topics release 2026.3 added: BRIEF.md does not cover them, so each has a sources file. */
const NEW_TOPICS_2026_3 = ['law/criminal-offences', 'law/anti-terrorism', 'law/labour-contracts', 'knowledge/key-units', 'knowledge/security-screening',
  'skills/crowd-incidents', 'skills/lifts-disasters', 'skills/fire-control-room', 'skills/self-protection']

/** The references a sources file lists: the backticked first cell of each table row. */
function sourcesListed (text: string): Set<string> {
  const out = new Set<string>()
  for (const m of text.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)) for (const r of citedReferences(m[1]!)) out.add(r)
  return out
}
