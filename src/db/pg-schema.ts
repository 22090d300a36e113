// Every table for PostgreSQL, the schema drizzle.pg.config.ts reads: the twin of schema.ts, a file
// per area in pg-schema/, kept in step with the SQLite one by tests/unit/db/pg-schema-parity.test.ts.
export * from './pg-schema/org-units.js'
export * from './pg-schema/auth.js'
export * from './pg-schema/audit.js'
export * from './pg-schema/bank.js'
export * from './pg-schema/orgs.js'
export * from './pg-schema/exams.js'
export * from './pg-schema/learning.js'
export * from './pg-schema/readiness.js'
export * from './pg-schema/practice.js'
export * from './pg-schema/supervision.js'
