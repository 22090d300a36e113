export { recordAudit, type AuditEntry } from './queries.js'
