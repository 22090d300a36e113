import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'

// docs/ARCHITECTURE.md is kept current: it names every area and every table the code has,
// and the README sends readers to it rather than to a file outside the repository.
const ROOT = path.resolve(import.meta.dirname, '../../..')
const doc = fs.readFileSync(path.join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8')

describe('the architecture document', () => {
  test('the README links it, and nothing outside the repository', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain('](docs/ARCHITECTURE.md)')
    expect(readme).not.toMatch(/\.\.\/shared\//)
  })

  test('names every area of src/features', () => {
    const areas = fs.readdirSync(path.join(ROOT, 'src/features'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    expect(areas.filter((a) => !doc.includes(a))).toEqual([])
  })

  test('names every table of the schema', () => {
    // Every area's tables are in src/db/schema/<area>.ts.
    const dir = path.join(ROOT, 'src/db/schema')
    const tables = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/sqliteTable\('([a-z_]+)'/g)].map((m) => m[1]!))
    expect(tables.length).toBeGreaterThan(20)
    expect(tables.filter((tb) => !doc.includes(`\`${tb}\``))).toEqual([])
  })
})
