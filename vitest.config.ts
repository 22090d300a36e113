import { defineConfig } from 'vitest/config'

// Three suites; `npm test` runs them all, one group after another (unit, then
// integration, then browser), so the browser suite has the two cores to itself.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000, maxWorkers: 2, globalSetup: ['tests/helpers/pg-global-setup.ts'], sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false, sequence: { groupOrder: 2 } } }
    ]
  }
})
