export { writeAudit, writeAudits, scopeEvents, type AuditEntry } from './queries.js'
export { auditRoutes, type AuditRoutesOptions } from './routes.js'
