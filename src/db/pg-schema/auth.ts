import { pgTable, integer, boolean, text, index } from 'drizzle-orm/pg-core'
import { enterprises, jurisdictions } from './org-units.js'
import { ROLES, USER_STATUSES } from '../schema-values.js'
export { ROLES, USER_STATUSES, type Role, type UserStatus } from '../schema-values.js'
import { timestampMs, bytea } from '../pg-columns.js'

// PostgreSQL twin of ../schema/auth.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const users = pgTable('users', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  locale: text('locale'),
  enterpriseId: integer('enterprise_id').references(() => enterprises.id),
  jurisdictionId: integer('jurisdiction_id').references(() => jurisdictions.id),
  createdAt: timestampMs('created_at').notNull(),
  updatedAt: timestampMs('updated_at').notNull()
})

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  secretHash: bytea('secret_hash').notNull(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestampMs('created_at').notNull(),
  lastVerifiedAt: timestampMs('last_verified_at').notNull()
}, (t) => [index('sessions_user_idx').on(t.userId)])

export const loginThrottle = pgTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestampMs('window_started_at').notNull(),
  lockedUntil: timestampMs('locked_until')
})
