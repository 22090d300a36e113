import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core'

/** A published release of the question bank (question-bank/bank.yaml). */
export const bankReleases = sqliteTable('bank_releases', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull().unique(),
  title: text('title').notNull(),
  contentHash: text('content_hash').notNull(),
  publishedAt: integer('published_at', { mode: 'timestamp_ms' }).notNull()
})
