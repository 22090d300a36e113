import { defineConfig } from 'vitest/config'

// The integration suite runs on both engines: `integration` on SQLite, `integration-pg` on the
// run's throw-away PostgreSQL cluster (tests/helpers/pg-global-setup.ts). DATABASE_URL in the
// latter's environment makes every worker's tables PostgreSQL's (src/db/schema.ts); its value only
// says which engine: each test gets a database of its own in the cluster (tests/helpers/app.ts).
// The PostgreSQL project runs the test files whose own code is engine-neutral (it awaits Drizzle
// builders and runs query functions with exec/transaction; docs/ARCHITECTURE.md, "Tests on
// PostgreSQL"): every file but those that test one engine's own machinery. Tests of one engine's
// own machinery stay in the SQLite project only: SQLite's files, pragmas, query plans, migrations
// and the CLI over a file, and the tests that already drive both engines themselves.
const PG_READY = [
  'tests/integration/access.test.ts',
  'tests/integration/audit/log.test.ts', 'tests/integration/audit/scopes.test.ts', 'tests/integration/audit/totals.test.ts',
  'tests/integration/auth/*.test.ts',
  'tests/integration/db/code-point-order.test.ts',
  'tests/integration/bank/languages.test.ts', 'tests/integration/bank/pages.test.ts', 'tests/integration/bank/publish.test.ts',
  'tests/integration/demo/seed.test.ts',
  'tests/integration/exams/exams.test.ts', 'tests/integration/exams/sweep-lock.test.ts',
  'tests/integration/http/*.test.ts',
  'tests/integration/learning/*.test.ts',
  'tests/integration/nodes/*.test.ts',
  'tests/integration/orgs/admin-police.test.ts', 'tests/integration/orgs/forms-keep-typed.test.ts', 'tests/integration/orgs/import-export.test.ts', 'tests/integration/orgs/import-large.test.ts',
  'tests/integration/orgs/paging.test.ts', 'tests/integration/orgs/roster.test.ts',
  'tests/integration/practice/mastery.test.ts', 'tests/integration/practice/practice.test.ts', 'tests/integration/practice/concurrent.test.ts',
  'tests/integration/readiness/*.test.ts',
  'tests/integration/supervision/*.test.ts'
]

const integration = { include: ['tests/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000, maxWorkers: 2, globalSetup: ['tests/helpers/pg-global-setup.ts'] }

// Three suites; `npm test` runs them all, one group after another (unit, then
// integration on each engine, then browser), so the browser suite has the two cores to itself.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'integration', ...integration, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'integration-pg', ...integration, include: PG_READY, env: { DATABASE_URL: 'postgres://integration-pg' }, sequence: { groupOrder: 2 } } },
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false, sequence: { groupOrder: 3 } } }
    ]
  }
})
