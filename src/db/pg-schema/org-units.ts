import { pgTable, integer, text, index, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core'
import { JURISDICTION_LEVELS } from '../schema-values.js'
export { JURISDICTION_LEVELS, type JurisdictionLevel } from '../schema-values.js'
import { timestampMs, codePointText } from '../pg-columns.js'

// PostgreSQL twin of ../schema/org-units.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const jurisdictions = pgTable('jurisdictions', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  code: codePointText('code').notNull().unique(),
  name: text('name').notNull(),
  level: text('level', { enum: JURISDICTION_LEVELS }).notNull(),
  parentId: integer('parent_id').references((): AnyPgColumn => jurisdictions.id),
  createdAt: timestampMs('created_at').notNull()
}, (t) => [index('jurisdictions_parent_idx').on(t.parentId)])

export const enterprises = pgTable('enterprises', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: codePointText('name').notNull(),
  creditCode: text('credit_code').notNull().unique(),
  address: text('address').notNull().default(''),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  createdAt: timestampMs('created_at').notNull(),
  updatedAt: timestampMs('updated_at').notNull()
}, (t) => [
  index('enterprises_jurisdiction_idx').on(t.jurisdictionId),
  index('enterprises_name_idx').on(t.name, t.id)
])

export const sites = pgTable('sites', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  name: codePointText('name').notNull(),
  address: text('address').notNull().default(''),
  createdAt: timestampMs('created_at').notNull(),
  updatedAt: timestampMs('updated_at').notNull()
}, (t) => [
  uniqueIndex('sites_enterprise_name_idx').on(t.enterpriseId, t.name),
  index('sites_jurisdiction_idx').on(t.jurisdictionId)
])
