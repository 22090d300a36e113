// Every table for SQLite, the schema drizzle.config.ts reads (areas import the process's engine's
// tables from schema.ts). The tables sit below the areas
// (STYLE.md 1): an area's queries join other areas' tables, and foreign keys cross areas both
// ways, so the tables live here, a file per area, and areas import other areas' code only
// through their index.ts.
export * from './schema/org-units.js'
export * from './schema/auth.js'
export * from './schema/audit.js'
export * from './schema/bank.js'
export * from './schema/orgs.js'
export * from './schema/exams.js'
export * from './schema/learning.js'
export * from './schema/readiness.js'
export * from './schema/practice.js'
export * from './schema/supervision.js'
