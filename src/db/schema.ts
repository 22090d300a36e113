// Every area's tables, re-exported for Drizzle and drizzle-kit. Areas own their schema.ts.
export * from '../features/auth/schema.js'
export * from '../features/audit/schema.js'
export * from '../features/bank/schema.js'
export * from '../features/orgs/schema.js'
export * from '../features/exams/schema.js'
export * from '../features/learning/schema.js'
export * from '../features/readiness/schema.js'
