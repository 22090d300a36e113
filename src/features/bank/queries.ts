import { and, asc, desc, eq, inArray, lt, or, sql, count, type SQL } from 'drizzle-orm'
import { chunks } from '../../lib/chunks.js'
import type { Db } from '../../db/connection.js'
import { all, one, prepared, type Q } from '../../db/engine.js'
import { bankReleases, questionVersions, releaseQuestions, lessonVersions, releaseLessons, blueprintVersions, releaseBlueprints, type QuestionBody } from '../../db/schema.js'

// Query functions for both engines (ARCHITECTURE, "The data layer on two engines"): each yields
// its statements; the caller runs it with exec() or transaction(), or yield*s it inside one.

export type Release = typeof bankReleases.$inferSelect
export type QuestionVersion = typeof questionVersions.$inferSelect
export type LessonVersion = typeof lessonVersions.$inferSelect

/** Newest first: the order that makes a release "the latest". */
const NEWEST_FIRST = [desc(bankReleases.publishedAt), desc(bankReleases.id)] as const

export function * latestRelease (db: Db): Q<Release | undefined> {
  return yield * one(db.select().from(bankReleases).orderBy(...NEWEST_FIRST).limit(1))
}

/**
 * The id of the newest release, for the hot paths (every exam start, practice answer and lesson
 * page asks; the row itself carries the whole syllabus): one prepared query. Pass the database
 * itself, not a Drizzle transaction handle (prepared queries are kept per connection).
 */
export function * latestReleaseId (db: Db): Q<number | undefined> {
  const r = yield * one(prepared(db, 'bank.latestReleaseId', () => db.select({ id: bankReleases.id }).from(bankReleases).orderBy(...NEWEST_FIRST).limit(1)))
  return r?.id
}

export function * findRelease (db: Db, id: number): Q<Release | undefined> {
  return yield * one(db.select().from(bankReleases).where(eq(bankReleases.id, id)))
}

export function * findReleaseByLabel (db: Db, label: string): Q<Release | undefined> {
  return yield * one(db.select().from(bankReleases).where(eq(bankReleases.label, label)))
}

export function * listReleases (db: Db): Q<Release[]> {
  return yield * all(db.select().from(bankReleases).orderBy(...NEWEST_FIRST))
}

/** The release published just before this one, for its diff. */
export function * previousRelease (db: Db, r: Release): Q<Release | undefined> {
  return yield * one(db.select().from(bankReleases)
    .where(or(lt(bankReleases.publishedAt, r.publishedAt), and(eq(bankReleases.publishedAt, r.publishedAt), lt(bankReleases.id, r.id))))
    .orderBy(...NEWEST_FIRST).limit(1))
}

export interface ReleaseCounts { total: number, byDomain: Record<string, number>, byType: Record<string, number>, cells: Record<string, number>, lessons: number, blueprints: number }

export function * releaseCounts (db: Db, releaseId: number): Q<ReleaseCounts> {
  const rows = yield * all(db.select({ domain: questionVersions.domain, type: questionVersions.type, n: count() })
    .from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId))
    .where(eq(releaseQuestions.releaseId, releaseId)).groupBy(questionVersions.domain, questionVersions.type))
  const out: ReleaseCounts = { total: 0, byDomain: {}, byType: {}, cells: {}, lessons: 0, blueprints: 0 }
  for (const r of rows) {
    out.total += r.n
    out.byDomain[r.domain] = (out.byDomain[r.domain] ?? 0) + r.n
    out.byType[r.type] = (out.byType[r.type] ?? 0) + r.n
    out.cells[`${r.domain}|${r.type}`] = r.n
  }
  out.lessons = (yield * one(db.select({ n: count() }).from(releaseLessons).where(eq(releaseLessons.releaseId, releaseId))))?.n ?? 0
  out.blueprints = (yield * one(db.select({ n: count() }).from(releaseBlueprints).where(eq(releaseBlueprints.releaseId, releaseId))))?.n ?? 0
  return out
}

export interface ItemDiff { added: string[], changed: string[], retired: string[], unchanged: number }
export interface ReleaseDiff { questions: ItemDiff, lessons: ItemDiff, blueprints: ItemDiff }

/** What a release holds of one kind: questions ('q'), lessons ('l') or blueprints ('b'), key -> version id. */
export function * releaseMembers (db: Db, kind: 'q' | 'l' | 'b', releaseId: number): Q<Map<string, number>> {
  const rows = kind === 'q'
    ? yield * all(db.select({ k: questionVersions.questionKey, id: questionVersions.id }).from(releaseQuestions).innerJoin(questionVersions, eq(questionVersions.id, releaseQuestions.questionVersionId)).where(eq(releaseQuestions.releaseId, releaseId)))
    : kind === 'l'
      ? yield * all(db.select({ k: lessonVersions.lessonKey, id: lessonVersions.id }).from(releaseLessons).innerJoin(lessonVersions, eq(lessonVersions.id, releaseLessons.lessonVersionId)).where(eq(releaseLessons.releaseId, releaseId)))
      : yield * all(db.select({ k: blueprintVersions.blueprintKey, id: blueprintVersions.id }).from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId)).where(eq(releaseBlueprints.releaseId, releaseId)))
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
export function * diffReleases (db: Db, fromId: number | undefined, toId: number): Q<ReleaseDiff> {
  const get = function * (kind: 'q' | 'l' | 'b', id: number | undefined): Q<Map<string, number>> {
    return id === undefined ? new Map<string, number>() : yield * releaseMembers(db, kind, id)
  }
  return {
    questions: diffMembers(yield * get('q', fromId), yield * get('q', toId)),
    lessons: diffMembers(yield * get('l', fromId), yield * get('l', toId)),
    blueprints: diffMembers(yield * get('b', fromId), yield * get('b', toId))
  }
}

export interface ChangedQuestion { key: string, stem: QuestionBody['stem'] }
export interface TopicChanges { domain: string, topic: string, added: ChangedQuestion[], changed: ChangedQuestion[], retired: ChangedQuestion[] }

/**
 * The question changes between two releases grouped by domain and topic (a release can add
 * hundreds): each question with its stem, from its version in the newer release (or, when
 * retired, in the older one).
 */
export function * questionChangesByTopic (db: Db, fromId: number | undefined, toId: number): Q<TopicChanges[]> {
  const from = fromId === undefined ? new Map<string, number>() : yield * releaseMembers(db, 'q', fromId)
  const to = yield * releaseMembers(db, 'q', toId)
  const d = diffMembers(from, to)
  const wanted = new Map<number, { key: string, kind: 'added' | 'changed' | 'retired' }>()
  for (const k of d.added) wanted.set(to.get(k)!, { key: k, kind: 'added' })
  for (const k of d.changed) wanted.set(to.get(k)!, { key: k, kind: 'changed' })
  for (const k of d.retired) wanted.set(from.get(k)!, { key: k, kind: 'retired' })
  const groups = new Map<string, TopicChanges>()
  for (const ids of chunks([...wanted.keys()])) {
    for (const v of yield * all(db.select({ id: questionVersions.id, domain: questionVersions.domain, topic: questionVersions.topic, body: questionVersions.body }).from(questionVersions).where(inArray(questionVersions.id, ids)))) {
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
export function * searchQuestions (db: Db, s: QuestionSearch) {
  const { where, inLatest } = yield * searchWhere(db, s)
  return yield * all(db.select({
    id: questionVersions.id, questionKey: questionVersions.questionKey, version: questionVersions.version, domain: questionVersions.domain,
    topic: questionVersions.topic, type: questionVersions.type, difficulty: questionVersions.difficulty, body: questionVersions.body,
    active: inLatest
  }).from(questionVersions).where(where)
    .orderBy(asc(questionVersions.questionKey)).limit(s.limit).offset(s.offset))
}

/** How many questions the search finds in all, for the page to say its true total. */
export function * countQuestions (db: Db, s: Omit<QuestionSearch, 'limit' | 'offset'>): Q<number> {
  const { where } = yield * searchWhere(db, s)
  return (yield * one(db.select({ n: count() }).from(questionVersions).where(where)))?.n ?? 0
}

function * searchWhere (db: Db, s: Omit<QuestionSearch, 'limit' | 'offset'>): Q<{ where: SQL | undefined, inLatest: SQL<boolean> }> {
  const latestId = yield * latestReleaseId(db)
  // Plain SQL that reads the same on both engines (EXISTS is a boolean on PostgreSQL, 0 or 1 on SQLite: mapped to a boolean).
  // The outer row's key is named with its table: in a select list Drizzle writes a column without
  // it, and inside the subquery a bare "question_key" would be the subquery's own.
  const newest = sql`${questionVersions.version} = (SELECT max(v2.version) FROM question_versions v2 WHERE v2.question_key = question_versions.question_key)`
  const inLatest = latestId !== undefined
    ? sql<boolean>`EXISTS (SELECT 1 FROM release_questions rq JOIN question_versions v3 ON v3.id = rq.question_version_id WHERE rq.release_id = ${latestId} AND v3.question_key = question_versions.question_key)`.mapWith(Boolean)
    : sql<boolean>`false`.mapWith(Boolean)
  const text = s.text?.trim().toLowerCase()
  const conds: Array<SQL | undefined> = [
    newest,
    text ? or(containsText(questionVersions.searchText, text), containsText(questionVersions.questionKey, text)) : undefined,
    s.domain ? eq(questionVersions.domain, s.domain) : undefined,
    s.topic ? eq(questionVersions.topic, s.topic) : undefined,
    s.type ? eq(questionVersions.type, s.type as QuestionVersion['type']) : undefined,
    s.status === 'active' ? sql`${inLatest}` : s.status === 'retired' ? sql`NOT ${inLatest}` : undefined
  ]
  return { where: and(...conds), inLatest }
}

/**
 * A LIKE for text contained anywhere, with % and _ taken literally. The escape character is named:
 * SQLite has none by default, PostgreSQL's is the backslash.
 */
function containsText (col: typeof questionVersions.searchText | typeof questionVersions.questionKey, text: string): SQL {
  return sql`${col} LIKE ${`%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`
}

/** Every version of a question, oldest first, with the releases that hold each. */
export function * questionHistory (db: Db, key: string) {
  const versions = yield * all(db.select().from(questionVersions).where(eq(questionVersions.questionKey, key)).orderBy(asc(questionVersions.version)))
  const held = versions.length === 0
    ? []
    : yield * all(db.select({ versionId: releaseQuestions.questionVersionId, label: bankReleases.label }).from(releaseQuestions).innerJoin(bankReleases, eq(bankReleases.id, releaseQuestions.releaseId))
      .where(inArray(releaseQuestions.questionVersionId, versions.map((v) => v.id))).orderBy(asc(bankReleases.publishedAt), asc(bankReleases.id)))
  return versions.map((v) => ({ ...v, releases: held.filter((h) => h.versionId === v.id).map((h) => h.label) }))
}

/** A question version by id: what an attempt points at, whatever the bank did since. */
export function * findQuestionVersion (db: Db, id: number): Q<QuestionVersion | undefined> {
  return yield * one(db.select().from(questionVersions).where(eq(questionVersions.id, id)))
}

export function * releaseLessonList (db: Db, releaseId: number) {
  return yield * all(db.select({ id: lessonVersions.id, lessonKey: lessonVersions.lessonKey, version: lessonVersions.version, domain: lessonVersions.domain, topic: lessonVersions.topic, title: lessonVersions.title, titles: lessonVersions.titles })
    .from(releaseLessons).innerJoin(lessonVersions, eq(lessonVersions.id, releaseLessons.lessonVersionId))
    .where(eq(releaseLessons.releaseId, releaseId)).orderBy(asc(lessonVersions.lessonKey)))
}

export function * findLessonVersion (db: Db, id: number): Q<LessonVersion | undefined> {
  return yield * one(db.select().from(lessonVersions).where(eq(lessonVersions.id, id)))
}

export function * releaseBlueprintList (db: Db, releaseId: number) {
  return yield * all(db.select({ id: blueprintVersions.id, key: blueprintVersions.blueprintKey, version: blueprintVersions.version, body: blueprintVersions.body })
    .from(releaseBlueprints).innerJoin(blueprintVersions, eq(blueprintVersions.id, releaseBlueprints.blueprintVersionId))
    .where(eq(releaseBlueprints.releaseId, releaseId)).orderBy(asc(blueprintVersions.blueprintKey)))
}

/** The admin bank page: every release, newest first, with its counts. */
export function * releasesWithCounts (db: Db) {
  const out: Array<Release & { counts: ReleaseCounts }> = []
  for (const r of yield * listReleases(db)) out.push({ ...r, counts: yield * releaseCounts(db, r.id) })
  return out
}

/** What a release's admin page shows: the release, the one before it, what changed, its counts, lessons and blueprints. */
export function * releaseDetails (db: Db, id: number) {
  const release = yield * findRelease(db, id)
  if (!release) return undefined
  const previous = yield * previousRelease(db, release)
  return {
    release,
    previous,
    counts: yield * releaseCounts(db, release.id),
    diff: yield * diffReleases(db, previous?.id, release.id),
    questionChanges: yield * questionChangesByTopic(db, previous?.id, release.id),
    lessons: yield * releaseLessonList(db, release.id),
    blueprints: yield * releaseBlueprintList(db, release.id),
    previousBlueprints: previous ? yield * releaseBlueprintList(db, previous.id) : []
  }
}
