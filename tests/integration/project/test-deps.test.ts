import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, test, expect, afterAll } from 'vitest'

// scripts/test-deps.sh, which `npm test` runs first: here with `id` and `apt-get` stood in
// for by small scripts on the PATH, so both its roads can be taken without touching the machine.
const ROOT = path.resolve(import.meta.dirname, '../../..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-deps-'))
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }) })

function shims (uid: number): string {
  const bin = fs.mkdtempSync(path.join(dir, 'bin-'))
  fs.writeFileSync(path.join(bin, 'id'), `#!/bin/sh\necho ${uid}\n`, { mode: 0o755 })
  fs.writeFileSync(path.join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> "${bin}/apt.log"\n`, { mode: 0o755 })
  return bin
}
const pgBin = fs.mkdtempSync(path.join(dir, 'pg-'))
fs.writeFileSync(path.join(pgBin, 'pg_ctl'), '#!/bin/sh\n', { mode: 0o755 })
const run = (bin: string, chromium: string, pg = pgBin) => spawnSync('bash', [path.join(ROOT, 'scripts/test-deps.sh')], {
  encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CHROMIUM_PATH: chromium, PG_BIN: pg }
})

describe('the test command sets up what the suites need', () => {
  test('with Chromium and a CJK font present it says nothing and lets the tests run', () => {
    const r = run(shims(1000), process.execPath) // any executable stands in for Chromium
    const fonts = spawnSync('sh', ['-c', "fc-list | grep -qiE 'Noto (Sans|Serif) CJK|WenQuanYi'"]).status === 0
    if (!fonts) return // a machine without the font: the other tests cover what happens
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
  })

  test('as root, what is missing is installed with apt-get', () => {
    const bin = shims(0)
    const r = run(bin, path.join(dir, 'no-chromium'))
    expect(r.status).toBe(0)
    const calls = fs.readFileSync(path.join(bin, 'apt.log'), 'utf8').trim().split('\n')
    expect(calls[0]).toBe('update -qq')
    expect(calls[1]).toMatch(/^install -y -qq chromium( fonts-noto-cjk)?$/)
  })

  test('as anyone else, one line names the command to run, and the tests do not start', () => {
    const bin = shims(1000)
    const r = run(bin, path.join(dir, 'no-chromium'))
    expect(r.status).toBe(1)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    expect(r.stdout).toMatch(/sudo apt-get install -y chromium/)
    expect(fs.existsSync(path.join(bin, 'apt.log'))).toBe(false)
  })

  test('PostgreSQL missing: as root it is installed, with Chromium present nothing else is', () => {
    const bin = shims(0)
    const r = run(bin, process.execPath, path.join(dir, 'no-postgres'))
    expect(r.status).toBe(0)
    const calls = fs.readFileSync(path.join(bin, 'apt.log'), 'utf8').trim().split('\n')
    expect(calls[1]).toMatch(/^install -y -qq postgresql( fonts-noto-cjk)?$/)
  })
})
