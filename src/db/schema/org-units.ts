import { sqliteTable, integer, text, index, uniqueIndex, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core'
import { JURISDICTION_LEVELS } from '../schema-values.js'
export { JURISDICTION_LEVELS, type JurisdictionLevel } from '../schema-values.js'

// Police jurisdictions and the enterprises they supervise: the units that accounts (auth.ts) and
// people's employments (orgs.ts) belong to. A file of their own, so those two need not import each other.

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
}, (t) => [
  index('enterprises_jurisdiction_idx').on(t.jurisdictionId),
  // Lists page enterprises by name (keyset on name, id): a page reads its rows in this order and stops.
  index('enterprises_name_idx').on(t.name, t.id)
])

/**
 * A site an enterprise manages (服务项目: an estate or a building), in the area of one police
 * station, often not the station the enterprise is registered with. Guards are posted at a site
 * (employments.site_id); the station of the site's area sees the site and its guards.
 * Here beside the enterprises: the employment and the scoping rule (orgs) refer to it.
 */
export const sites = sqliteTable('sites', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  enterpriseId: integer('enterprise_id').notNull().references(() => enterprises.id),
  jurisdictionId: integer('jurisdiction_id').notNull().references(() => jurisdictions.id),
  name: text('name').notNull(),
  address: text('address').notNull().default(''),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [
  uniqueIndex('sites_enterprise_name_idx').on(t.enterpriseId, t.name),
  index('sites_jurisdiction_idx').on(t.jurisdictionId)
])
