import { and, asc, desc, eq, inArray, like, sql, count, type SQL } from 'drizzle-orm'
import { chunks } from '../../lib/chunks.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { prepared } from '../../db/statements.js'
import { bankReleases, questionVersions, releaseQuestions, lessonVersions, releaseLessons, blueprintVersions, releaseBlueprints, type QuestionBody } from '../../db/schema.js'
import { latestReleaseRow } from './publish.js'

export type Release = typeof bankReleases.$inferSelect
export type QuestionVersion = typeof questionVersions.$inferSelect
export type LessonVersion = typeof lessonVersions.$inferSelect

export function latestRelease (db: DbOrTx): Release | undefined {
  return latestReleaseRow(db)
}

/** The id of the newest release, for the hot paths (the row itself carries the whole syllabus). */
export function latestReleaseId (db: Db): number | undefined {
  const r = prepared(db, 'SELECT id FROM bank_releases ORDER BY published_at DESC, id DESC LIMIT 1').get() as { id: number } | undefined
  return r?.id
}

export function findRelease (db: DbOrTx, id: number): Release | undefined {
  return db.select().from(bankReleases).where(eq(bankReleases.id, id)).get()
}

export function findReleaseByLabel (db: DbOrTx, label: string): Release | undefined {
  return db.select().from(bankReleases).where(eq(bankReleases.label, label)).get()
}

export function listReleases (db: DbOrTx): Release[] {
  return db.select().from(bankReleases).orderBy(desc(bankReleases.publishedAt), desc(bankReleases.id)).all()
}

/** The release published just before this one, for its diff. */
export function previousRelease (db: DbOrTx, r: Release): Release | undefined {
  return db.select().from(bankReleases)
    .where(sql`${bankReleases.publishedAt} < ${r.publishedAt.getTime()} OR (${bankReleases.publishedAt} = ${r.publishedAt.getTime()} AND ${bankReleases.id} < ${r.id})`)
    .orderBy(desc(bankReleases.publishedAt), desc(bankReleases.id)).limit(1).get()
}

export interface ReleaseCounts { total: number, byDomain: Record<string, number>, byType: Record<string, number>, cells: Record<string, number>, lessons: number, blueprints: number }

export function releaseCounts (db: DbOrTx, releaseId: number): ReleaseCounts {
  const rows = db.select({ domain: questionVersions.domain, type: questionVersions.type, n: count() })
    .from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, releaseId)).groupBy(questionVersions.domain, questionVersions.type).all()
  const out: ReleaseCounts = { total: 0, byDomain: {}, byType: {}, cells: {}, lessons: 0, blueprints: 0 }
  for (const r of rows) {
    out.total += r.n
    out.byDomain[r.domain] = (out.byDomain[r.domain] ?? 0) + r.n
    out.byType[r.type] = (out.byType[r.type] ?? 0) + r.n
    out.cells[`${r.domain}|${r.type}`] = r.n
  }
  out.lessons = db.select({ n: count() }).from(releaseLessons).where(eq(releaseLessons.releaseId, releaseId)).get()?.n ?? 0
  out.blueprints = db.select({ n: count() }).from(releaseBlueprints).where(eq(releaseBlueprints.releaseId, releaseId)).get()?.n ?? 0
  return out
}

export interface ItemDiff { added: string[], changed: string[], retired: string[], unchanged: number }
export interface ReleaseDiff { questions: ItemDiff, lessons: ItemDiff, blueprints: ItemDiff }

function members (db: DbOrTx, kind: 'q' | 'l' | 'b', releaseId: number): Map<string, number> {
  const rows = kind === 'q'
    ? db.select({ k: questionVersions.questionKey, id: questionVersions.id }).from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId)).where(eq(releaseQuestions.releaseId, releaseId)).all()
    : kind === 'l'
      ? db.select({ k: lessonVersions.lessonKey, id: lessonVersions.id }).from(releaseLessons).innerJoin(lessonVersions, eq(lessonVersions.id, releaseLessons.lessonVersionId)).where(eq(releaseLessons.releaseId, releaseId)).all()
      : db.select({ k: blueprintVersions.blueprintKey, id: blueprintVersions.id }).from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId)).where(eq(releaseBlueprints.releaseId, releaseId)).all()
  return new Map(rows.map((r) => [r.k, r.id]))
}

/** Pure: what changed between two memberships (key -> version id). */
export function diffMembers (from: Map<string, number>, to: Map<string, number>): ItemDiff {
  const d: ItemDiff = { added: [], changed: [], retired: [], unchanged: 0 }
  for (const [k, id] of to) {
    const before = from.get(k)
    if (before === undefined) d.added.push(k)
    else if (before !== id) d.changed.push(k)
    else d.unchanged++
  }
  for (const k of from.keys()) if (!to.has(k)) d.retired.push(k)
  d.added.sort(); d.changed.sort(); d.retired.sort()
  return d
}

/** The diff of two releases; `from` undefined means everything in `to` is added. */
export function diffReleases (db: DbOrTx, fromId: number | undefined, toId: number): ReleaseDiff {
  const empty = new Map<string, number>()
  const get = (kind: 'q' | 'l' | 'b', id: number | undefined) => (id === undefined ? empty : members(db, kind, id))
  return {
    questions: diffMembers(get('q', fromId), get('q', toId)),
    lessons: diffMembers(get('l', fromId), get('l', toId)),
    blueprints: diffMembers(get('b', fromId), get('b', toId))
  }
}

export interface ChangedQuestion { key: string, stem: QuestionBody['stem'] }
export interface TopicChanges { domain: string, topic: string, added: ChangedQuestion[], changed: ChangedQuestion[], retired: ChangedQuestion[] }

/**
 * The question changes between two releases grouped by domain and topic (a release can add
 * hundreds): each question with its stem, from its version in the newer release (or, when
 * retired, in the older one).
 */
export function questionChangesByTopic (db: DbOrTx, fromId: number | undefined, toId: number): TopicChanges[] {
  const from = fromId === undefined ? new Map<string, number>() : members(db, 'q', fromId)
  const to = members(db, 'q', toId)
  const d = diffMembers(from, to)
  const wanted = new Map<number, { key: string, kind: 'added' | 'changed' | 'retired' }>()
  for (const k of d.added) wanted.set(to.get(k)!, { key: k, kind: 'added' })
  for (const k of d.changed) wanted.set(to.get(k)!, { key: k, kind: 'changed' })
  for (const k of d.retired) wanted.set(from.get(k)!, { key: k, kind: 'retired' })
  const groups = new Map<string, TopicChanges>()
  for (const ids of chunks([...wanted.keys()])) {
    for (const v of db.select({ id: questionVersions.id, domain: questionVersions.domain, topic: questionVersions.topic, body: questionVersions.body }).from(questionVersions).where(inArray(questionVersions.id, ids)).all()) {
      const w = wanted.get(v.id)!
      const g = groups.get(`${v.domain}/${v.topic}`) ?? { domain: v.domain, topic: v.topic, added: [], changed: [], retired: [] }
      g[w.kind].push({ key: w.key, stem: v.body.stem })
      groups.set(`${v.domain}/${v.topic}`, g)
    }
  }
  for (const g of groups.values()) for (const list of [g.added, g.changed, g.retired]) list.sort((a, b) => a.key.localeCompare(b.key))
  return [...groups.values()]
}

export type QuestionStatus = 'active' | 'retired'

export interface QuestionSearch {
  text?: string
  domain?: string
  topic?: string
  type?: string
  status?: QuestionStatus
  limit: number
  offset: number
}

/**
 * Questions by their newest version, with their status in the latest release:
 * active (in it) or retired (left out of it). Text matches the stem, the options
 * or the id.
 */
export function searchQuestions (db: DbOrTx, s: QuestionSearch) {
  const { where, inLatest } = searchWhere(db, s)
  return db.select({
    id: questionVersions.id, questionKey: questionVersions.questionKey, version: questionVersions.version, domain: questionVersions.domain,
    topic: questionVersions.topic, type: questionVersions.type, difficulty: questionVersions.difficulty, body: questionVersions.body,
    active: inLatest
  }).from(questionVersions).where(where)
    .orderBy(asc(questionVersions.questionKey)).limit(s.limit).offset(s.offset).all()
}

/** How many questions the search finds in all, for the page to say its true total. */
export function countQuestions (db: DbOrTx, s: Omit<QuestionSearch, 'limit' | 'offset'>): number {
  return db.select({ n: count() }).from(questionVersions).where(searchWhere(db, s).where).get()?.n ?? 0
}

function searchWhere (db: DbOrTx, s: Omit<QuestionSearch, 'limit' | 'offset'>) {
  const latest = latestReleaseRow(db)
  const newest = sql`${questionVersions.version} = (SELECT max(v2.version) FROM question_versions v2 WHERE v2.question_key = ${questionVersions.questionKey})`
  const inLatest = latest
    ? sql<number>`EXISTS (SELECT 1 FROM release_questions rq JOIN question_versions v3 ON v3.id = rq.question_version_id WHERE rq.release_id = ${latest.id} AND v3.question_key = ${questionVersions.questionKey})`
    : sql<number>`0`
  const text = s.text?.trim().toLowerCase()
  const conds: Array<SQL | undefined> = [
    newest,
    text ? sql`(${like(questionVersions.searchText, `%${escapeLike(text)}%`)} OR ${like(questionVersions.questionKey, `%${escapeLike(text)}%`)})` : undefined,
    s.domain ? eq(questionVersions.domain, s.domain) : undefined,
    s.topic ? eq(questionVersions.topic, s.topic) : undefined,
    s.type ? eq(questionVersions.type, s.type as QuestionVersion['type']) : undefined,
    s.status === 'active' ? sql`${inLatest}` : s.status === 'retired' ? sql`NOT ${inLatest}` : undefined
  ]
  return { where: and(...conds), inLatest }
}

function escapeLike (s: string): string {
  return s.replace(/[%_\\]/g, (c) => `\\${c}`)
}

/** Every version of a question, oldest first, with the releases that hold each. */
export function questionHistory (db: DbOrTx, key: string) {
  const versions = db.select().from(questionVersions).where(eq(questionVersions.questionKey, key)).orderBy(asc(questionVersions.version)).all()
  return versions.map((v) => ({
    ...v,
    releases: db.select({ label: bankReleases.label }).from(releaseQuestions).innerJoin(bankReleases, eq(bankReleases.id, releaseQuestions.releaseId))
      .where(eq(releaseQuestions.questionVersionId, v.id)).orderBy(asc(bankReleases.publishedAt)).all().map((r) => r.label)
  }))
}

/** A question version by id: what an attempt points at, whatever the bank did since. */
export function findQuestionVersion (db: DbOrTx, id: number): QuestionVersion | undefined {
  return db.select().from(questionVersions).where(eq(questionVersions.id, id)).get()
}

export function releaseLessonList (db: DbOrTx, releaseId: number) {
  return db.select({ id: lessonVersions.id, lessonKey: lessonVersions.lessonKey, version: lessonVersions.version, domain: lessonVersions.domain, topic: lessonVersions.topic, title: lessonVersions.title, titles: lessonVersions.titles })
    .from(releaseLessons).innerJoin(lessonVersions, eq(lessonVersions.id, releaseLessons.lessonVersionId))
    .where(eq(releaseLessons.releaseId, releaseId)).orderBy(asc(lessonVersions.lessonKey)).all()
}

export function findLessonVersion (db: DbOrTx, id: number): LessonVersion | undefined {
  return db.select().from(lessonVersions).where(eq(lessonVersions.id, id)).get()
}

export function releaseBlueprintList (db: DbOrTx, releaseId: number) {
  return db.select({ id: blueprintVersions.id, key: blueprintVersions.blueprintKey, version: blueprintVersions.version, body: blueprintVersions.body })
    .from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, releaseId)).orderBy(asc(blueprintVersions.blueprintKey)).all()
}
