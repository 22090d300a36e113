export { recordAudit, recordAuditPrepared, type AuditEntry } from './queries.js'
