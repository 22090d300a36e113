import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core'
import type { Domain, QuestionType, Text, Cell, Question, Language } from '../../features/bank/format.js'

/**
 * A published release of the question bank (question-bank/bank.yaml). What a
 * release holds is its membership rows; the versions themselves are immutable,
 * shared by every release whose content they match.
 */
export const bankReleases = sqliteTable('bank_releases', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull().unique(),
  /** The title in the bank's primary language; `titles` has every language (null before 2026.2). */
  title: text('title').notNull(),
  titles: text('titles', { mode: 'json' }).$type<Text>(),
  /** The languages the release is written in, primary first (null before 2026.2: English only). */
  languages: text('languages', { mode: 'json' }).$type<Language[]>(),
  contentHash: text('content_hash').notNull(),
  syllabus: text('syllabus', { mode: 'json' }).$type<Domain[]>(),
  changelog: text('changelog'),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull()
})

/** What a question version stores beside its indexed columns. */
export type QuestionBody = Pick<Question, 'stem' | 'options' | 'answer' | 'explanation' | 'source' | 'tags'>

/** One immutable version of a question; a changed question gets a new row, never an update. */
export const questionVersions = sqliteTable('question_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  questionKey: text('question_key').notNull(),
  version: integer('version').notNull(),
  contentHash: text('content_hash').notNull(),
  domain: text('domain').notNull(),
  topic: text('topic').notNull(),
  type: text('type').$type<QuestionType>().notNull(),
  difficulty: integer('difficulty').notNull(),
  body: text('body', { mode: 'json' }).$type<QuestionBody>().notNull(),
  /** Lower-case stem and options, for the admin search. */
  searchText: text('search_text').notNull(),
  firstReleaseId: integer('first_release_id').notNull().references(() => bankReleases.id)
}, (t) => [uniqueIndex('question_versions_key_version_idx').on(t.questionKey, t.version), index('question_versions_hash_idx').on(t.questionKey, t.contentHash)])

export const releaseQuestions = sqliteTable('release_questions', {
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  questionVersionId: integer('question_version_id').notNull().references(() => questionVersions.id)
}, (t) => [primaryKey({ columns: [t.releaseId, t.questionVersionId] }), index('release_questions_version_idx').on(t.questionVersionId)])

export const lessonVersions = sqliteTable('lesson_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  lessonKey: text('lesson_key').notNull(),
  version: integer('version').notNull(),
  contentHash: text('content_hash').notNull(),
  domain: text('domain').notNull(),
  topic: text('topic').notNull(),
  /** The title in the bank's primary language; `titles` has every language (null before 2026.2). */
  title: text('title').notNull(),
  titles: text('titles', { mode: 'json' }).$type<Text>(),
  body: text('body', { mode: 'json' }).$type<Text>().notNull(),
  firstReleaseId: integer('first_release_id').notNull().references(() => bankReleases.id)
}, (t) => [uniqueIndex('lesson_versions_key_version_idx').on(t.lessonKey, t.version)])

export const releaseLessons = sqliteTable('release_lessons', {
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  lessonVersionId: integer('lesson_version_id').notNull().references(() => lessonVersions.id)
}, (t) => [primaryKey({ columns: [t.releaseId, t.lessonVersionId] })])

export interface BlueprintBody { title: Text, timeLimitMinutes: number, passMark: number, shuffleOptions: boolean, cells: Cell[] }

export const blueprintVersions = sqliteTable('blueprint_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  blueprintKey: text('blueprint_key').notNull(),
  version: integer('version').notNull(),
  contentHash: text('content_hash').notNull(),
  body: text('body', { mode: 'json' }).$type<BlueprintBody>().notNull(),
  firstReleaseId: integer('first_release_id').notNull().references(() => bankReleases.id)
}, (t) => [uniqueIndex('blueprint_versions_key_version_idx').on(t.blueprintKey, t.version)])

export const releaseBlueprints = sqliteTable('release_blueprints', {
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  blueprintVersionId: integer('blueprint_version_id').notNull().references(() => blueprintVersions.id)
}, (t) => [primaryKey({ columns: [t.releaseId, t.blueprintVersionId] })])
