import { pgTable, integer, bigint, jsonb, text, index, primaryKey } from 'drizzle-orm/pg-core'
import { users } from './auth.js'
import { timestampMs } from '../pg-columns.js'

// PostgreSQL twin of ../schema/audit.ts (read the meaning there); tests/unit/db/pg-schema-parity.test.ts keeps them in step.

export const auditEvents = pgTable('audit_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  at: timestampMs('at').notNull(),
  actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
  action: text('action').notNull(),
  subjectType: text('subject_type'),
  subjectId: text('subject_id'),
  details: jsonb('details').$type<Record<string, unknown>>(),
  clientIp: text('client_ip')
}, (t) => [
  index('audit_events_at_idx').on(t.at), index('audit_events_action_idx').on(t.action, t.at),
  index('audit_events_actor_idx').on(t.actorId, t.at), index('audit_events_subject_idx').on(t.subjectType, t.subjectId, t.at)
])

export const auditTotals = pgTable('audit_totals', {
  id: integer('id').primaryKey(),
  events: bigint('events', { mode: 'number' }).notNull()
})

export const auditScopes = pgTable('audit_scopes', {
  jurisdictionId: integer('jurisdiction_id').notNull(),
  at: timestampMs('at').notNull(),
  eventId: bigint('event_id', { mode: 'number' }).notNull()
}, (t) => [primaryKey({ columns: [t.jurisdictionId, t.at, t.eventId] })])
