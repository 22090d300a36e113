import { createHash } from 'node:crypto'
import { readinessRulesChanged } from '../../db/readiness-hook.js'
import { and, eq, inArray, max } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { writeAudit } from '../audit/index.js'
import { findReleaseByLabel, latestRelease, releaseMembers } from './queries.js'
import type { Bank, Question, Lesson, Blueprint } from './format.js'
import { bankReleases, questionVersions, releaseQuestions, lessonVersions, releaseLessons, blueprintVersions, releaseBlueprints, type QuestionBody, type BlueprintBody } from '../../db/schema.js'

/** JSON with sorted keys, so equal content always hashes the same. */
export function canonicalJson (v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`
  }
  return JSON.stringify(v)
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export function questionContent (q: Question) {
  const body: QuestionBody = { stem: q.stem, options: q.options, answer: q.answer, explanation: q.explanation, source: q.source, tags: q.tags }
  const meta = { domain: q.domain, topic: q.topic, type: q.type, difficulty: q.difficulty }
  return { body, meta, hash: sha256(canonicalJson({ ...meta, body })) }
}

/** Lower-case stem and options in every language, for the admin search (a LIKE, so two-character Chinese terms match). */
export function searchText (body: Pick<QuestionBody, 'stem' | 'options'>): string {
  return [body.stem, ...body.options.map((o) => o.text)].flatMap((t) => Object.values(t)).join(' ').toLowerCase()
}

export function lessonContent (l: Lesson) {
  return { hash: sha256(canonicalJson({ domain: l.domain, topic: l.topic, title: l.title, body: l.body })) }
}

export function blueprintContent (b: Blueprint) {
  const body: BlueprintBody = { title: b.title, timeLimitMinutes: b.timeLimitMinutes, passMark: b.passMark, shuffleOptions: b.shuffleOptions, cells: b.cells }
  return { body, hash: sha256(canonicalJson(body)) }
}

/** The hash of a whole release: its metadata, syllabus and every item's content. */
export function releaseHash (bank: Bank): string {
  const items = [
    ...bank.questions.map((q) => `q:${q.id}:${questionContent(q).hash}`),
    ...bank.lessons.map((l) => `l:${l.domain}/${l.topic}:${lessonContent(l).hash}`),
    ...bank.blueprints.map((b) => `b:${b.id}:${blueprintContent(b).hash}`)
  ].sort()
  return sha256(canonicalJson({ release: bank.release, title: bank.title, languages: bank.languages, syllabus: bank.syllabus, changelog: bank.changelog, items }))
}

export interface PublishCounts { added: number, changed: number, unchanged: number, retired: number }
export interface PublishResult {
  outcome: 'published' | 'already-published'
  releaseId: number
  questions: PublishCounts
  lessons: PublishCounts
  blueprints: PublishCounts
}

export class ReleaseConflict extends Error {}

/**
 * Publishes a checked bank, as one transaction body (run it with `transaction`): a changed item
 * gets a new immutable version, an unchanged one keeps its version, one that disappeared is
 * retired (left out of the new release, never deleted). Idempotent by the release's unique label:
 * publishing the same release again changes nothing, also when two nodes publish at once (the
 * second insert of the label does nothing, and the body reads what is there); the same release id
 * with other content is refused. On PostgreSQL the start runs it under the start advisory lock.
 */
export function * publishBank (db: Db, bank: Bank, actorId: number | null, now: Date): Q<PublishResult> {
  const hash = releaseHash(bank)
  const previous = yield * latestRelease(db)
  const release = yield * one(db.insert(bankReleases).values({ label: bank.release, title: bank.title[bank.languages[0]!] ?? '', titles: bank.title, languages: bank.languages, contentHash: hash, syllabus: bank.syllabus, changelog: bank.changelog, publishedAt: now })
    .onConflictDoNothing({ target: bankReleases.label }).returning())
  if (!release) {
    const existing = (yield * findReleaseByLabel(db, bank.release))!
    if (existing.contentHash !== hash) throw new ReleaseConflict(`Release ${bank.release} is already published with different content. Give this content a new release id in bank.yaml (for example ${nextLabel(bank.release)}) and a CHANGELOG entry.`)
    const zero = { added: 0, changed: 0, unchanged: 0, retired: 0 }
    return { outcome: 'already-published', releaseId: existing.id, questions: zero, lessons: zero, blueprints: zero }
  }
  const previousKeys = function * (kind: 'q' | 'l' | 'b'): Q<Set<string>> {
    return previous ? new Set((yield * releaseMembers(db, kind, previous.id)).keys()) : new Set()
  }

  const questions = yield * publishItems(db, {
    items: bank.questions.map((q) => ({ key: q.id, ...questionContent(q), q })),
    versions: questionVersions,
    keyCol: questionVersions.questionKey,
    previousKeys: yield * previousKeys('q'),
    insert: function * (it, version) {
      const row = yield * one(db.insert(questionVersions).values({
        questionKey: it.key, version, contentHash: it.hash, ...it.meta, body: it.body,
        searchText: searchText(it.body),
        firstReleaseId: release.id
      }).returning({ id: questionVersions.id }))
      return row!.id
    },
    member: (id) => run(db.insert(releaseQuestions).values({ releaseId: release.id, questionVersionId: id }))
  })
  const lessons = yield * publishItems(db, {
    items: bank.lessons.map((l) => ({ key: `${l.domain}/${l.topic}`, ...lessonContent(l), l })),
    versions: lessonVersions,
    keyCol: lessonVersions.lessonKey,
    previousKeys: yield * previousKeys('l'),
    insert: function * (it, version) {
      const row = yield * one(db.insert(lessonVersions).values({ lessonKey: it.key, version, contentHash: it.hash, domain: it.l.domain, topic: it.l.topic, title: it.l.title[bank.languages[0]!] ?? '', titles: it.l.title, body: it.l.body, firstReleaseId: release.id }).returning({ id: lessonVersions.id }))
      return row!.id
    },
    member: (id) => run(db.insert(releaseLessons).values({ releaseId: release.id, lessonVersionId: id }))
  })
  const blueprints = yield * publishItems(db, {
    items: bank.blueprints.map((b) => ({ key: b.id, ...blueprintContent(b) })),
    versions: blueprintVersions,
    keyCol: blueprintVersions.blueprintKey,
    previousKeys: yield * previousKeys('b'),
    insert: function * (it, version) {
      const row = yield * one(db.insert(blueprintVersions).values({ blueprintKey: it.key, version, contentHash: it.hash, body: it.body, firstReleaseId: release.id }).returning({ id: blueprintVersions.id }))
      return row!.id
    },
    member: (id) => run(db.insert(releaseBlueprints).values({ releaseId: release.id, blueprintVersionId: id }))
  })
  yield * writeAudit(db, { actorId, action: 'bank.published', subjectType: 'bank_release', subjectId: release.id, details: { label: bank.release, questions, lessons, blueprints } }, now)
  // A curriculum's items are counted on the current release's lessons: everyone's readiness is worked out again.
  yield * readinessRulesChanged(db, now)
  return { outcome: 'published', releaseId: release.id, questions, lessons, blueprints }
}

function nextLabel (label: string): string {
  const [y, n] = label.split('.')
  return `${y}.${Number(n ?? 0) + 1}`
}

type VersionTable = typeof questionVersions | typeof lessonVersions | typeof blueprintVersions

interface PublishSpec<T extends { key: string, hash: string }> {
  items: T[]
  versions: VersionTable
  keyCol: typeof questionVersions.questionKey | typeof lessonVersions.lessonKey | typeof blueprintVersions.blueprintKey
  previousKeys: Set<string>
  insert: (item: T, version: number) => Q<number>
  member: (versionId: number) => Q<unknown>
}

/** Reuses the latest version of each key when its hash is the same, else inserts the next version. */
function * publishItems<T extends { key: string, hash: string }> (db: Db, s: PublishSpec<T>): Q<PublishCounts> {
  const table = s.versions
  const latest = new Map<string, { id: number, version: number, hash: string }>()
  const keys = s.items.map((i) => i.key)
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500)
    const tops = yield * all(db.select({ key: s.keyCol, v: max(table.version) }).from(table).where(inArray(s.keyCol, chunk)).groupBy(s.keyCol))
    for (const top of tops) {
      const row = (yield * one(db.select({ id: table.id, version: table.version, hash: table.contentHash }).from(table).where(and(eq(s.keyCol, top.key), eq(table.version, top.v!)))))!
      latest.set(top.key, row)
    }
  }
  const counts: PublishCounts = { added: 0, changed: 0, unchanged: 0, retired: 0 }
  for (const item of s.items) {
    const cur = latest.get(item.key)
    let id: number
    if (cur && cur.hash === item.hash) {
      id = cur.id
      // Back after being retired counts as added; present before counts as unchanged.
      if (s.previousKeys.has(item.key)) counts.unchanged++
      else counts.added++
    } else {
      id = yield * s.insert(item, (cur?.version ?? 0) + 1)
      if (cur && s.previousKeys.has(item.key)) counts.changed++
      else counts.added++
    }
    yield * s.member(id)
  }
  const now = new Set(keys)
  for (const k of s.previousKeys) if (!now.has(k)) counts.retired++
  return counts
}
