import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../db/connection.js'
import { exec, transaction } from '../../db/engine.js'
import { BANK_DIR } from '../../paths.js'
import { checkBank, countBank, releaseLabel, type Bank, type CheckResult, type Problem, type Language, type Question } from './format.js'
import { readBankDir } from './files.js'
import { publishBank, ReleaseConflict, type PublishResult } from './publish.js'
import { diffReleases, findReleaseByLabel, type ItemDiff } from './queries.js'

/** Command-line output of the bank tools: plain lines for content authors and operators. */

/** The bank that ships with GuardPass, in the package root. */
export const DEFAULT_BANK_DIR = BANK_DIR

export function loadBank (dir: string): CheckResult {
  return checkBank(readBankDir(dir))
}

const fmtProblem = (dir: string, p: Problem) => `${path.join(dir, p.file)}:${p.line}: ${p.message}`

export function summaryLine (bank: Bank): string {
  const c = countBank(bank.questions)
  const part = (r: Record<string, number>) => Object.entries(r).map(([k, n]) => `${k} ${n}`).join(', ')
  const n = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`
  return `${bank.release || '?'} (${bank.languages.join(', ')}): ${n(c.total, 'question')} (${part(c.byDomain) || 'none'}; ${part(c.byType) || 'none'}), ${n(bank.lessons.length, 'lesson')}, ${n(bank.blueprints.length, 'blueprint')}`
}

export function validateCommand (dir: string, out: (s: string) => void): number {
  const r = loadBank(dir)
  for (const p of r.problems) out(`error: ${fmtProblem(dir, p)}`)
  for (const w of r.warnings) out(`warning: ${fmtProblem(dir, w)}`)
  if (r.problems.length > 0) {
    out(`${r.problems.length} error${r.problems.length === 1 ? '' : 's'}, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}. ${summaryLine(r.bank)}`)
    return 1
  }
  out(`OK, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}. ${summaryLine(r.bank)}`)
  return 0
}

const counts = (name: string, c: PublishResult['questions']) => `${name}: ${c.added} added, ${c.changed} changed, ${c.unchanged} unchanged, ${c.retired} retired`

/**
 * At start: publish the shipped bank when its release is not in the database yet.
 * A bank with errors is not published; the server starts anyway and says why.
 * Publishing is one transaction and idempotent (publishBank), so nodes starting together publish
 * once; on PostgreSQL the start will call this under the start advisory lock as well.
 */
export async function publishOnStart (db: Db, dir: string, now: Date, out: (s: string) => void): Promise<void> {
  // The usual start: the release is already in the database, and bank.yaml alone says which it is
  // (reading and checking the whole bank takes most of a second).
  const label = releaseLabel(fs.readFileSync(path.join(dir, 'bank.yaml'), 'utf8'))
  if (label && await exec(db, findReleaseByLabel, label)) return
  const r = loadBank(dir)
  if (r.problems.length > 0) { out(`The question bank in ${dir} has ${r.problems.length} errors and was not published; run npm run bank -- validate`); return }
  if (await exec(db, findReleaseByLabel, r.bank.release)) return
  await publishChecked(db, dir, r, now, out)
}

export function publishCommand (db: Db, dir: string, now: Date, out: (s: string) => void): Promise<number> {
  return publishChecked(db, dir, loadBank(dir), now, out)
}

async function publishChecked (db: Db, dir: string, r: CheckResult, now: Date, out: (s: string) => void): Promise<number> {
  if (r.problems.length > 0) {
    for (const p of r.problems) out(`error: ${fmtProblem(dir, p)}`)
    out(`Not published: the bank has ${r.problems.length} error${r.problems.length === 1 ? '' : 's'}; run npm run bank -- validate`)
    return 1
  }
  try {
    const res = await transaction(db, publishBank, r.bank, null, now)
    if (res.outcome === 'already-published') {
      out(`Release ${r.bank.release} is already published with this content; nothing changed.`)
      return 0
    }
    out(`Published release ${r.bank.release}.`)
    out(counts('questions', res.questions))
    out(counts('lessons', res.lessons))
    out(counts('blueprints', res.blueprints))
    return 0
  } catch (err) {
    if (err instanceof ReleaseConflict) { out(`Not published: ${err.message}`); return 1 }
    throw err
  }
}

export async function diffCommand (db: Db, from: string | undefined, to: string | undefined, out: (s: string) => void): Promise<number> {
  if (!from || !to) { out('usage: npm run bank -- diff <from release> <to release>'); return 2 }
  const a = await exec(db, findReleaseByLabel, from)
  const b = await exec(db, findReleaseByLabel, to)
  if (!a || !b) { out(`No published release ${!a ? from : to}. Published releases are listed on the admin bank page.`); return 1 }
  const d = await exec(db, diffReleases, a.id, b.id)
  const section = (name: string, x: ItemDiff) => {
    out(`${name}: ${x.added.length} added, ${x.changed.length} changed, ${x.retired.length} retired, ${x.unchanged} unchanged`)
    for (const k of x.added) out(`  + ${k}`)
    for (const k of x.changed) out(`  ~ ${k}`)
    for (const k of x.retired) out(`  - ${k}`)
  }
  out(`Changes from ${from} to ${to}:`)
  section('questions', d.questions)
  section('lessons', d.lessons)
  section('blueprints', d.blueprints)
  return 0
}

export interface BankStats {
  release: string
  total: number
  byDomain: Record<string, number>
  byType: Record<string, number>
  byTopic: Record<string, number>
  byDifficulty: Record<string, number>
  /** Per language of the bank: the questions written in it in full (stem, options, explanation) and its lessons. */
  languages: Partial<Record<Language, { questions: number, lessons: number }>>
}

const writtenIn = (q: Question, lang: Language) => !!q.stem[lang] && !!q.explanation[lang] && q.options.every((o) => !!o.text[lang])

export function bankStats (bank: Bank): BankStats {
  const c = countBank(bank.questions)
  const byTopic: Record<string, number> = {}
  const byDifficulty: Record<string, number> = {}
  for (const d of bank.syllabus) for (const t of d.topics) byTopic[`${d.id}/${t.id}`] = 0
  for (const q of bank.questions) {
    byTopic[`${q.domain}/${q.topic}`] = (byTopic[`${q.domain}/${q.topic}`] ?? 0) + 1
    byDifficulty[String(q.difficulty)] = (byDifficulty[String(q.difficulty)] ?? 0) + 1
  }
  const languages: BankStats['languages'] = {}
  for (const lang of bank.languages) {
    languages[lang] = { questions: bank.questions.filter((q) => writtenIn(q, lang)).length, lessons: bank.lessons.filter((l) => !!l.body[lang]).length }
  }
  return { release: bank.release, total: c.total, byDomain: c.byDomain, byType: c.byType, byTopic, byDifficulty, languages }
}

export function statsCommand (dir: string, json: boolean, out: (s: string) => void): number {
  const r = loadBank(dir)
  const s = bankStats(r.bank)
  if (json) { out(JSON.stringify(s)); return r.problems.length > 0 ? 1 : 0 }
  const table = (title: string, rec: Record<string, number>) => {
    out(title)
    const width = Math.max(...Object.keys(rec).map((k) => k.length), 4)
    for (const [k, n] of Object.entries(rec)) out(`  ${k.padEnd(width)}  ${String(n).padStart(4)}  ${s.total ? `${Math.round((n / s.total) * 100)}%` : ''}`)
  }
  out(`Release ${s.release}: ${s.total} questions${r.problems.length ? ` (${r.problems.length} validation errors: run validate)` : ''}`)
  table('By domain', s.byDomain)
  table('By type', s.byType)
  table('By difficulty', s.byDifficulty)
  table('By topic', s.byTopic)
  out('By language')
  for (const [lang, n] of Object.entries(s.languages)) out(`  ${lang.padEnd(4)}  ${n.questions} questions, ${n.lessons} lessons`)
  return r.problems.length > 0 ? 1 : 0
}
