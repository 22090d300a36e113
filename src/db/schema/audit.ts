import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core'
import { users } from './auth.js'

/** Who did what, when, from where. Never holds a raw ID number. */
export const auditEvents = sqliteTable('audit_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
  action: text('action').notNull(),
  subjectType: text('subject_type'),
  subjectId: text('subject_id'),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  clientIp: text('client_ip')
}, (t) => [index('audit_events_at_idx').on(t.at), index('audit_events_action_idx').on(t.action, t.at)])
