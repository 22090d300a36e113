import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, test, expect } from 'vitest'
import sqliteConfig from '../../../drizzle.config.js'
import pgConfig from '../../../drizzle.pg.config.js'

// The committed migrations are what drizzle-kit makes of the schema: `drizzle-kit generate`, run with
// each dialect's config on a copy of its migrations folder, finds nothing to write. No database.
const ROOT = path.resolve(import.meta.dirname, '../../..')

function listFiles (dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
}

describe.each([
  { config: sqliteConfig, file: 'drizzle.config.ts' },
  { config: pgConfig, file: 'drizzle.pg.config.ts' }
])('$file', ({ config }) => {
  test('its migrations match its schema', () => {
    const out = config.out!
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-migrations-'))
    try {
      fs.cpSync(path.join(ROOT, out), copy, { recursive: true })
      // drizzle-kit puts "./" before --out, so the copy is named relative to the project root.
      const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/drizzle-kit/bin.cjs'), 'generate',
        '--dialect', config.dialect, '--schema', String(config.schema), '--casing', String(config.casing),
        '--out', path.relative(ROOT, copy)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
      const said = `${run.stdout}\n${run.stderr}`
      expect(run.status, said).toBe(0)
      // A schema change shows as a new migration in the copy (and no "No schema changes" line).
      expect(listFiles(copy)).toEqual(listFiles(path.join(ROOT, out)))
      expect(said).toContain('No schema changes')
    } finally {
      fs.rmSync(copy, { recursive: true, force: true })
    }
  }, 120_000)
})

test('the PostgreSQL config is the SQLite one but for its dialect, schema and folder', () => {
  expect(pgConfig).toMatchObject({ dialect: 'postgresql', schema: './src/db/pg-schema.ts', out: './migrations-pg', casing: sqliteConfig.casing })
})
