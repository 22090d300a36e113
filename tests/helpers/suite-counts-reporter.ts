// A vitest reporter that writes each project's passed and failed tests to
// test-artifacts/suites.json, so that .ci/run can say them beside its total (the integration
// suite runs on both engines: `integration` on SQLite, `integration-pg` on PostgreSQL).
import fs from 'node:fs'
import path from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

export default class SuiteCounts implements Reporter {
  onTestRunEnd (modules: ReadonlyArray<TestModule>): void {
    const counts: Record<string, { passed: number, failed: number }> = {}
    for (const m of modules) {
      const c = (counts[m.project.name] ??= { passed: 0, failed: 0 })
      for (const t of m.children.allTests()) {
        const state = t.result().state
        if (state === 'passed') c.passed++
        else if (state === 'failed') c.failed++
      }
    }
    const file = path.resolve('test-artifacts/suites.json')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify(counts, null, 2) + '\n')
  }
}
