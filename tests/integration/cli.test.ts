import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import Database from 'better-sqlite3'
import { runCli } from '../helpers/cli.js'
import { describe, test, expect, afterAll } from 'vitest'
import { openDatabase, migrateDatabase } from '../../src/db/connection.js'
import { writeAudit } from '../../src/features/audit/index.js'
import { findUserByUsername } from '../../src/features/auth/index.js'
import { verifyPassword } from '../../src/features/auth/passwords.js'
import { loadDataKey } from '../../src/lib/data-key.js'
import { createPii } from '../../src/lib/pii.js'
import { createPiiCheck } from '../../src/features/orgs/index.js'
import { demoIdNumber } from '../../src/features/demo/seed.js'
import { trainees } from '../../src/db/schema.js'
import { runSync, transaction } from '../../src/db/engine.js'
import { serverPort } from '../helpers/ports.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-cli-'))
const dbPath = path.join(dir, 'data', 'guardpass.db')
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const cli = (args: string[], input = '', env: Record<string, string> = {}) => runCli(args, { dbPath, input, env })

describe('command line', () => {
  test('--help lists the commands', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['serve', 'user create', 'backup', 'migrate-to-postgres --to']) expect(r.stdout).toContain(c)
  })

  test('user create reads the password from standard input', async () => {
    const r = await cli(['user', 'create', '--role', 'admin', '--username', 'root.admin', '--password-stdin'], 'a sturdy passphrase\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const db = openDatabase(dbPath)
    const user = runSync(findUserByUsername(db, 'root.admin'))!
    expect(user.role).toBe('admin')
    expect(await verifyPassword(user.passwordHash, 'a sturdy passphrase')).toBe(true)
    db.$client.close()
  })

  test('bad options get a clear message and exit 2', async () => {
    expect((await cli(['user', 'create', '--role', 'king', '--username', 'x1', '--password-stdin'], 'whatever123')).stderr).toContain('--role must be one of')
    const weak = await cli(['user', 'create', '--role', 'admin', '--username', 'weak', '--password-stdin'], '123')
    expect(weak.code).toBe(2)
    expect(weak.stderr).toContain('not acceptable')
    expect((await cli(['user', 'create', '--role', 'admin', '--username', 'root.admin', '--password-stdin'], 'another phrase')).stderr).toContain('taken')
    expect((await cli(['frobnicate'])).code).toBe(2)
  })

  test('a backup taken while the server writes restores to a database that opens and reads back', async () => {
    const key = loadDataKey(dbPath, undefined).key // the key file the server makes on first start
    const db = openDatabase(dbPath)
    migrateDatabase(db)
    const pii = createPii(key)
    await createPiiCheck(db).check(key)
    const id = demoIdNumber('110101', '1985-07-01', 77)
    db.insert(trainees).values({ fullName: '备份', idNumberEnc: pii.encrypt(id), idNumberHmac: pii.hash(id), birthDate: '1985-07-01', education: 'college', createdAt: new Date(), updatedAt: new Date() }).run()
    let written = 0
    const writing = { on: true } // an object: the loop below reads it after each await
    const writer = (async () => {
      while (writing.on) {
        await transaction(db, writeAudit, { actorId: null, action: 'test.write', details: { n: written } }, new Date())
        written++
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    const out = path.join(dir, 'backups')
    const r = await cli(['backup', out])
    writing.on = false
    await writer
    expect(r.code, r.stderr).toBe(0)
    expect(written).toBeGreaterThan(20)
    // One folder per backup, with the database and its own key file.
    const [folder, ...others] = fs.readdirSync(out)
    expect(others).toEqual([])
    expect(folder).toMatch(/^guardpass-\d{4}-/)
    const files = fs.readdirSync(path.join(out, folder!))
    const backupFile = path.join(folder!, 'guardpass.db')
    expect(files.sort()).toEqual(['guardpass.db', 'guardpass.key'])
    expect(fs.readFileSync(path.join(out, folder!, 'guardpass.key'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'data', 'guardpass.key'), 'utf8'))

    // Restore: copy into a fresh folder and open it as the app would.
    const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-restore-'))
    fs.copyFileSync(path.join(out, backupFile), path.join(restoreDir, 'guardpass.db'))
    const restored = new Database(path.join(restoreDir, 'guardpass.db'))
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok')
    const n = (restored.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'test.write'").get() as { n: number }).n
    expect(n).toBeGreaterThan(0)
    expect(n).toBeLessThanOrEqual(written)
    expect((restored.prepare('SELECT username FROM users').all() as Array<{ username: string }>).map((u) => u.username)).toContain('root.admin')
    restored.close()
    const reopened = openDatabase(path.join(restoreDir, 'guardpass.db'))
    migrateDatabase(reopened)
    expect(runSync(findUserByUsername(reopened, 'root.admin'))).toBeDefined()
    // The key from the backup decrypts the ID number in the restored database, and passes the start check.
    const restoredKey = loadDataKey(path.join(restoreDir, 'guardpass.db'), fs.readFileSync(path.join(out, folder!, 'guardpass.key'), 'utf8').trim()).key
    const row = reopened.select().from(trainees).all().find((x) => x.fullName === '备份')!
    expect(createPii(restoredKey).decrypt(row.idNumberEnc)).toBe(id)
    expect(await createPiiCheck(reopened).check(restoredKey)).toBeNull()
    reopened.$client.close()
    db.$client.close()
    fs.rmSync(restoreDir, { recursive: true, force: true })
  })
})

describe('start refuses a missing or wrong data key when personal data exists', () => {
  test('a different key', async () => {
    const r = await cli(['serve'], '', { GUARDPASS_DATA_KEY: 'ab'.repeat(32), PORT: '39871', LOG_LEVEL: 'fatal' })
    expect(r.code).toBe(1)
    // Start-up speaks through the JSON log, a fatal line with the reason.
    const fatal = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((l) => l.level === 60)
    expect(fatal?.msg).toContain('does not match')
  })

  test('the key file gone', async () => {
    const keyFile = path.join(dir, 'data', 'guardpass.key')
    fs.renameSync(keyFile, `${keyFile}.away`)
    try {
      const r = await cli(['serve'], '', { PORT: '39872', LOG_LEVEL: 'fatal' })
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('key file')
      expect(r.stdout).toContain('is missing')
      expect(fs.existsSync(keyFile), 'no new key may be made over existing data').toBe(false)
    } finally {
      fs.renameSync(`${keyFile}.away`, keyFile)
    }
  })

  test('bad configuration is listed and stops the start', async () => {
    const r = await cli(['serve'], '', { PORT: 'x', PUBLIC_URL: 'nope' })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('PORT')
    expect(r.stderr).toContain('PUBLIC_URL')
  })
})

describe('bank commands', () => {
  const bankDb = path.join(dir, 'bank', 'b.db')
  const env = { DATABASE_PATH: bankDb }
  const copy = (name: string) => {
    const to = path.join(dir, name)
    fs.cpSync(path.resolve(ROOT, 'tests/fixtures/bank-small'), to, { recursive: true })
    return to
  }

  test('validate: exit 0 with a summary on a clean bank; exit 1 with file:line messages on errors', async () => {
    const ok = await cli(['bank', 'validate', copy('good')], '', env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('OK, 0 warnings. 2026.0 (en): 28 questions (ethics 7, knowledge 7, law 7, skills 7; single 12, judge 8, multi 8), 4 lessons, 1 blueprint')
    const bad = copy('bad')
    const file = path.join(bad, 'questions/law/guard-eligibility.yaml')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    answer: B\n', '    answer: Q\n'))
    const r = await cli(['bank', 'validate', bad], '', env)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`error: ${file}:11: law.guard-eligibility.001: the answer "Q" names no option`)
    expect(r.stdout).toMatch(/1 error, 0 warnings\./)
  })

  test('the shipped bank validates', async () => {
    const r = await cli(['bank', 'validate'], '', env)
    expect(r.stdout).toMatch(/^OK/m)
    expect(r.code).toBe(0)
  })

  test('publish prints the counts; again changes nothing; diff lists the change', async () => {
    const first = await cli(['bank', 'publish', copy('p1')], '', env)
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('questions: 28 added, 0 changed, 0 unchanged, 0 retired')
    const again = await cli(['bank', 'publish', path.join(dir, 'p1')], '', env)
    expect(again.stdout).toContain('already published with this content; nothing changed')
    const p2 = copy('p2')
    fs.writeFileSync(path.join(p2, 'bank.yaml'), fs.readFileSync(path.join(p2, 'bank.yaml'), 'utf8').replace('2026.0', '2026.1'))
    const q = path.join(p2, 'questions/ethics/confidentiality.yaml')
    fs.writeFileSync(q, fs.readFileSync(q, 'utf8').replace(/ {2}- id: ethics\.confidentiality\.010[\s\S]*$/, ''))
    const second = await cli(['bank', 'publish', p2], '', env)
    expect(second.stdout).toContain('questions: 0 added, 0 changed, 27 unchanged, 1 retired')
    const diff = await cli(['bank', 'diff', '2026.0', '2026.1'], '', env)
    expect(diff.code).toBe(0)
    expect(diff.stdout).toContain('  - ethics.confidentiality.010')
    const conflict = await cli(['bank', 'publish', copy('p3')], '', env)
    expect(conflict.stdout).toContain('nothing changed')
    const unknown = await cli(['bank', 'diff', '2026.0', '2031.9'], '', env)
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain('No published release 2031.9')
  })

  test('stats --json gives the counts', async () => {
    const r = await cli(['bank', 'stats', path.join(dir, 'good'), '--json'], '', env)
    const s = JSON.parse(r.stdout)
    expect(s).toMatchObject({ total: 28, byDomain: { law: 7 }, byType: { single: 12 }, byTopic: { 'law/guard-eligibility': 7 } })
    expect(Object.values(s.byDifficulty as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(28)
    expect(s.languages).toEqual({ en: { questions: 28, lessons: 4 } })
  })

  test('stats --json counts the shipped bank per language: every question and lesson in Chinese and English', async () => {
    const r = await cli(['bank', 'stats', '--json'], '', env)
    const s = JSON.parse(r.stdout)
    expect(Object.keys(s.languages)).toEqual(['zh', 'en'])
    expect(s.languages.zh).toEqual({ questions: s.total, lessons: Object.keys(s.byTopic).length })
    expect(s.languages.en).toEqual(s.languages.zh)
  })
})

describe('npm start on an empty database', () => {
  test('creates and migrates it, publishes the shipped bank, prints demo accounts, and the printed admin can sign in', async () => {
    const startDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-start-'))
    const port = serverPort()
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'serve'], {
      cwd: ROOT, env: { ...process.env, DATABASE_PATH: path.join(startDir, 'data', 'guardpass.db'), PORT: String(port), LOG_LEVEL: 'warn', GUARDPASS_DEMO: 'on' }, stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    child.stdout.on('data', (d) => { stdout += d })
    try {
      const base = `http://127.0.0.1:${port}`
      let health: { bankRelease: { label: string } | null } | undefined
      for (let i = 0; i < 100 && !health; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        health = await fetch(`${base}/healthz`).then((r) => r.json() as Promise<typeof health>).catch(() => undefined)
      }
      const shipped = /release: "([^"]+)"/.exec(fs.readFileSync(path.join(ROOT, 'question-bank/bank.yaml'), 'utf8'))![1]
      expect(health?.bankRelease?.label).toBe(shipped)
      const password = /admin\s+admin\s+(\S+)/.exec(stdout)?.[1]
      expect(password, stdout).toBeDefined()
      expect(fs.readFileSync(path.join(startDir, 'data', 'demo-accounts.txt'), 'utf8')).toContain(password!)
      expect(fs.existsSync(path.join(startDir, 'data', 'guardpass.key'))).toBe(true)
      const res = await fetch(`${base}/login`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:' + port },
        body: new URLSearchParams({ username: 'admin', password: password! })
      })
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/')
    } finally {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('close', resolve))
      fs.rmSync(startDir, { recursive: true, force: true })
    }
  }, 60_000)
})
