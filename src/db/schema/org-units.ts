import { sqliteTable, integer, text, index, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core'

// Police jurisdictions and the enterprises they supervise: the units that accounts (auth.ts) and
// people's employments (orgs.ts) belong to. A file of their own, so those two need not import each other.

export const JURISDICTION_LEVELS = ['city', 'district', 'station'] as const
export type JurisdictionLevel = typeof JURISDICTION_LEVELS[number]

/** Police jurisdictions: city bureau > district branch > police station. */
export const jurisdictions = sqliteTable('jurisdictions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  level: text('level', { enum: JURISDICTION_LEVELS }).notNull(),
  parentId: integer('parent_id').references((): AnySQLiteColumn => jurisdictions.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('jurisdictions_parent_idx').on(t.parentId)])

/** Property-service companies and other security employers. */
export const enterprises = sqliteTable('enterprises', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  creditCode: text('credit_code').notNull().unique(),
  address: text('address').notNull().default(''),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('enterprises_jurisdiction_idx').on(t.jurisdictionId)])
