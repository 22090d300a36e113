import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core'
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
}, (t) => [
  index('audit_events_at_idx').on(t.at), index('audit_events_action_idx').on(t.action, t.at),
  // A police officer's log is the events of their subtree's people and records: found by actor and by subject, not by reading the whole log.
  index('audit_events_actor_idx').on(t.actorId, t.at), index('audit_events_subject_idx').on(t.subjectType, t.subjectId, t.at)
])

/**
 * The number of audit events, kept by a trigger on audit_events (see migration 0011): the
 * administrator's unfiltered log says its true total without counting millions of rows.
 */
export const auditTotals = sqliteTable('audit_totals', {
  id: integer('id').primaryKey(),
  events: integer('events').notNull()
})

/**
 * The jurisdictions an audit event belongs to, written with the event (audit/queries.ts
 * scopeEvents): the units of its actor and of its subject at the time, and every unit above
 * them. A police officer's log is one range of this key, newest first, so its page and its
 * total follow the officer's own events, not the whole log. No foreign key: events are never deleted.
 */
export const auditScopes = sqliteTable('audit_scopes', {
  jurisdictionId: integer('jurisdiction_id').notNull(),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  eventId: integer('event_id').notNull()
}, (t) => [primaryKey({ columns: [t.jurisdictionId, t.at, t.eventId] })])
