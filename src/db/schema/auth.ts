import { sqliteTable, integer, text, blob, index } from 'drizzle-orm/sqlite-core'
import { enterprises, jurisdictions } from './org-units.js'
import { ROLES, USER_STATUSES } from '../schema-values.js'
export { ROLES, USER_STATUSES, type Role, type UserStatus } from '../schema-values.js'

/**
 * Accounts. DESIGN.md lists users under orgs; they live with auth because login,
 * password and role are what this table is for. A trainer belongs to an
 * enterprise, a police officer to a jurisdiction; a trainee's organisation is
 * their current employment (orgs area).
 */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  locale: text('locale'),
  enterpriseId: integer('enterprise_id').references(() => enterprises.id),
  jurisdictionId: integer('jurisdiction_id').references(() => jurisdictions.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
})

export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  lastVerifiedAt: integer('last_verified_at', { mode: 'timestamp_ms' }).notNull()
}, (t) => [index('sessions_user_idx').on(t.userId)])

/** Failed sign-ins per account ("user:<name>") and per client address ("ip:<addr>"). */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: integer('window_started_at', { mode: 'timestamp_ms' }).notNull(),
  lockedUntil: integer('locked_until', { mode: 'timestamp_ms' })
})
