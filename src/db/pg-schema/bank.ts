import { pgTable, integer, jsonb, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core'
import type { Domain, QuestionType, Text, Language } from '../../features/bank/format.js'
import type { QuestionBody, BlueprintBody } from '../schema/bank.js'
export type { QuestionBody, BlueprintBody } from '../schema/bank.js'
import { timestampMs, codePointText } from '../pg-columns.js'

// PostgreSQL twin of ../schema/bank.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const bankReleases = pgTable('bank_releases', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  label: text('label').notNull().unique(),
  title: text('title').notNull(),
  titles: jsonb('titles').$type<Text>(),
  languages: jsonb('languages').$type<Language[]>(),
  contentHash: text('content_hash').notNull(),
  syllabus: jsonb('syllabus').$type<Domain[]>(),
  changelog: text('changelog'),
  publishedAt: timestampMs('published_at').notNull()
})

export const questionVersions = pgTable('question_versions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  questionKey: codePointText('question_key').notNull(),
  version: integer('version').notNull(),
  contentHash: text('content_hash').notNull(),
  domain: text('domain').notNull(),
  topic: text('topic').notNull(),
  type: text('type').$type<QuestionType>().notNull(),
  difficulty: integer('difficulty').notNull(),
  body: jsonb('body').$type<QuestionBody>().notNull(),
  searchText: text('search_text').notNull(),
  firstReleaseId: integer('first_release_id').notNull().references(() => bankReleases.id)
}, (t) => [uniqueIndex('question_versions_key_version_idx').on(t.questionKey, t.version), index('question_versions_hash_idx').on(t.questionKey, t.contentHash)])

export const releaseQuestions = pgTable('release_questions', {
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  questionVersionId: integer('question_version_id').notNull().references(() => questionVersions.id)
}, (t) => [primaryKey({ columns: [t.releaseId, t.questionVersionId] }), index('release_questions_version_idx').on(t.questionVersionId)])

export const lessonVersions = pgTable('lesson_versions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  lessonKey: codePointText('lesson_key').notNull(),
  version: integer('version').notNull(),
  contentHash: text('content_hash').notNull(),
  domain: text('domain').notNull(),
  topic: text('topic').notNull(),
  title: text('title').notNull(),
  titles: jsonb('titles').$type<Text>(),
  body: jsonb('body').$type<Text>().notNull(),
  firstReleaseId: integer('first_release_id').notNull().references(() => bankReleases.id)
}, (t) => [uniqueIndex('lesson_versions_key_version_idx').on(t.lessonKey, t.version)])

export const releaseLessons = pgTable('release_lessons', {
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  lessonVersionId: integer('lesson_version_id').notNull().references(() => lessonVersions.id)
}, (t) => [primaryKey({ columns: [t.releaseId, t.lessonVersionId] })])

export const blueprintVersions = pgTable('blueprint_versions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  blueprintKey: codePointText('blueprint_key').notNull(),
  version: integer('version').notNull(),
  contentHash: text('content_hash').notNull(),
  body: jsonb('body').$type<BlueprintBody>().notNull(),
  firstReleaseId: integer('first_release_id').notNull().references(() => bankReleases.id)
}, (t) => [uniqueIndex('blueprint_versions_key_version_idx').on(t.blueprintKey, t.version)])

export const releaseBlueprints = pgTable('release_blueprints', {
  releaseId: integer('release_id').notNull().references(() => bankReleases.id),
  blueprintVersionId: integer('blueprint_version_id').notNull().references(() => blueprintVersions.id)
}, (t) => [primaryKey({ columns: [t.releaseId, t.blueprintVersionId] })])
