import { defineConfig } from 'vitest/config'

// The integration suite runs on both engines: `integration` on SQLite, `integration-pg` on the
// run's throw-away PostgreSQL cluster (tests/helpers/pg-global-setup.ts). DATABASE_URL in the
// latter's environment makes every worker's tables PostgreSQL's (src/db/tables.ts); its value only
// says which engine: each test gets a database of its own in the cluster (tests/helpers/app.ts).
// Tests of one engine's own machinery run in the SQLite project only (those that already use
// both engines, and SQLite's files, pragmas, query plans, migrations and the CLI over a file).
const SQLITE_ONLY = [
  'tests/integration/db/**', 'tests/integration/audit/scopes-pg.test.ts', 'tests/integration/operations.test.ts',
  'tests/integration/cli.test.ts', 'tests/integration/shutdown.test.ts', 'tests/integration/exams/durability.test.ts',
  'tests/integration/lint.test.ts', 'tests/integration/project/**'
]

const integration = { include: ['tests/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000, maxWorkers: 2, globalSetup: ['tests/helpers/pg-global-setup.ts'] }

// Three suites; `npm test` runs them all, one group after another (unit, then
// integration on each engine, then browser), so the browser suite has the two cores to itself.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'integration', ...integration, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'integration-pg', ...integration, exclude: SQLITE_ONLY, env: { DATABASE_URL: 'postgres://integration-pg' }, sequence: { groupOrder: 2 } } },
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false, sequence: { groupOrder: 3 } } }
    ]
  }
})
