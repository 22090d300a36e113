import path from 'node:path'
import { execFile } from 'node:child_process'
import { describe, test, expect } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const FIXTURE = path.join(ROOT, 'tests/fixtures/lint')

interface LintResult { filePath: string, messages: Array<{ ruleId: string | null, message: string }> }

/** Runs the project's own eslint.config.js on the fixture project (its cwd), as `npm run lint` runs it on ours. */
function lintFixture (): Promise<{ code: number, results: LintResult[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--config', path.join(ROOT, 'eslint.config.js'), '--format', 'json', '.'],
      { cwd: FIXTURE, timeout: 60_000, maxBuffer: 10 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0
        try { resolve({ code, results: JSON.parse(stdout) as LintResult[] }) } catch { reject(new Error(`eslint printed no JSON (exit ${code}): ${stderr}`)) }
      })
  })
}

describe('lint enforces the architecture', () => {
  test('each boundary rule reports its fixture, and only its fixture', async () => {
    const { code, results } = await lintFixture()
    expect(code).toBe(1)
    const found = Object.fromEntries(results.map((r) => [path.relative(FIXTURE, r.filePath), r.messages.map((m) => m.ruleId).sort()]))
    expect(found).toEqual({
      // A file pair with a cycle: two areas that import each other.
      'src/features/alpha/index.ts': ['import-x/no-cycle'],
      'src/features/beta/index.ts': ['import-x/no-cycle'],
      // A route importing drizzle and the database.
      'src/features/gamma/routes.ts': ['import-x/no-restricted-paths', 'no-restricted-imports'],
      // An import past another area's index.ts; the rule only sees it because ../delta/queries.js
      // resolved to queries.ts, as ../delta/index.js did for ok.ts, which passes.
      'src/features/gamma/view.ts': ['import-x/no-restricted-paths'],
      'src/features/gamma/ok.ts': [],
      'src/features/gamma/missing.ts': ['import-x/no-unresolved'],
      'src/features/delta/index.ts': [],
      'src/features/delta/queries.ts': [],
      // The http layer importing an area.
      'src/http/plugin.ts': ['import-x/no-restricted-paths'],
      'src/db/connection.ts': [],
      // A query function called and dropped (its statements would never run); yield* and exec are fine.
      'src/features/epsilon/misuse.ts': ['guardpass/unrun-query'],
      'src/features/epsilon/queries.ts': [],
      'src/features/epsilon/index.ts': []
    })
    const messages = results.flatMap((r) => r.messages.map((m) => m.message)).join('\n')
    expect(messages).toContain('An area imports another area only through its index.ts')
    expect(messages).toContain('Routes never import drizzle or the database')
    expect(messages).toContain('countRows is a query function')
  }, 60_000)
})
