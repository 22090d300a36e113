import type { DbOrTx } from '../../db/connection.js'
import { auditEvents } from './schema.js'

export interface AuditEntry {
  actorId: number | null
  action: string
  subjectType?: string
  subjectId?: string | number
  details?: Record<string, unknown>
  clientIp?: string | null
}

/** Appends one audit event; call it inside the transaction of the change it records. */
export function recordAudit (db: DbOrTx, entry: AuditEntry, now: Date): void {
  db.insert(auditEvents).values({
    at: now,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId === undefined ? null : String(entry.subjectId),
    details: entry.details ?? null,
    clientIp: entry.clientIp ?? null
  }).run()
}
