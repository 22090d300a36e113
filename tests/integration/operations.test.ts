import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase, type Db } from '../../src/db/connection.js'
import { trainees, auditEvents } from '../../src/db/schema.js'
import { ManualClock } from '../../src/lib/clock.js'
import { createPii } from '../../src/lib/pii.js'
import { createPiiCheck, checkDataKey, storedKeyFingerprint } from '../../src/features/orgs/index.js'
import { createSession } from '../../src/features/auth/index.js'
import { backup, restore, rekey, Refusal } from '../../src/operations.js'
import { buildTestApp, FORM_HEADERS, form } from '../helpers/app.js'
import { buildWorld } from '../helpers/world.js'
import { runSync } from '../../src/db/engine.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dirs: string[] = []
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }) })
const tempDir = (name: string) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), `guardpass-${name}-`)); dirs.push(d); return d }
const out: string[] = []
const say = (line: string) => { out.push(line) }
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const hex = (key: Buffer) => key.toString('hex') + '\n'

interface Installation { config: Config, dbFile: string, keyFile: string, key: Buffer, people: Array<{ traineeId: number, idNumber: string, fullName: string }>, policeUserId: number }

/**
 * A stopped installation as an operator has it: data/guardpass.db with a small city and a
 * few people (their ID numbers encrypted), the data key file beside it, no server running.
 */
async function installation (): Promise<Installation> {
  const t = await buildTestApp()
  expect(await createPiiCheck(t.db).check(t.dataKey)).toBeNull() // records the fingerprint, as the first start does
  const w = await buildWorld(t, `op${Math.floor(Math.random() * 1e6)}`)
  await w.addPerson(w.ids.entA, '张三')
  await w.addPerson(w.ids.entA, '李四')
  await w.addPerson(w.ids.entB, '王五')
  // Everyone in the city (the world's own trainees too), with their ID numbers in clear.
  const people = t.db.select().from(trainees).all().map((r) => ({ traineeId: r.id, idNumber: t.app.pii.decrypt(r.idNumberEnc), fullName: r.fullName }))
  const dir = tempDir('install')
  const dbFile = path.join(dir, 'data', 'guardpass.db')
  fs.mkdirSync(path.dirname(dbFile))
  await t.db.$client.backup(dbFile)
  await t.app.close()
  fs.rmSync(t.dir, { recursive: true, force: true })
  const keyFile = path.join(dir, 'data', 'guardpass.key')
  fs.writeFileSync(keyFile, hex(t.dataKey), { mode: 0o600 })
  return { config: loadConfig({ DATABASE_PATH: dbFile, LOG_LEVEL: 'silent' }), dbFile, keyFile, key: t.dataKey, people, policeUserId: w.users.policeS1 }
}

function withDb<T> (file: string, fn: (db: Db) => T): T {
  const db = openDatabase(file)
  try { return fn(db) } finally { db.$client.close() }
}

const refusal = async (fn: () => Promise<unknown>) => {
  try { await fn() } catch (err) { if (err instanceof Refusal) return err.message; throw err }
  throw new Error('not refused')
}

/** Pretends a server uses the database: its pid file names a live process (this one). */
function serving (dbFile: string) {
  fs.writeFileSync(`${dbFile}.pid`, `${process.pid}\n`)
  return () => fs.rmSync(`${dbFile}.pid`)
}

describe('backup and restore', () => {
  let inst: Installation
  let backupDir: string
  beforeAll(async () => {
    inst = await installation()
    fs.writeFileSync(path.join(path.dirname(inst.dbFile), 'demo-accounts.txt'), 'admin admin secret\n')
    backupDir = await backup(inst.config, tempDir('backups'), say)
  })

  test('a backup folder holds every file the app keeps beside the database: the database, its key file, the demo accounts', () => {
    expect(fs.readdirSync(backupDir).sort()).toEqual(['demo-accounts.txt', 'guardpass.db', 'guardpass.key'])
    expect(fs.readFileSync(path.join(backupDir, 'guardpass.key'), 'utf8')).toBe(hex(inst.key))
  })

  test('refused without --force over an existing database, and while a server uses it; nothing changes', async () => {
    const before = sha(inst.dbFile)
    expect(await refusal(() => restore(inst.config, backupDir, false, say))).toMatch(/exists and restoring replaces it: add --force/)
    const stop = serving(inst.dbFile)
    try {
      expect(await refusal(() => restore(inst.config, backupDir, true, say))).toMatch(new RegExp(`a server \\(process ${process.pid}\\) is using .*stop it before restoring`))
    } finally { stop() }
    expect(sha(inst.dbFile)).toBe(before)
    expect(fs.readdirSync(path.dirname(inst.dbFile)).sort()).toEqual(['demo-accounts.txt', 'guardpass.db', 'guardpass.key'])
  })

  test('a key that does not match the fingerprint in the backup is refused; nothing changes', async () => {
    const wrong = tempDir('wrong-key')
    fs.copyFileSync(path.join(backupDir, 'guardpass.db'), path.join(wrong, 'guardpass.db'))
    fs.writeFileSync(path.join(wrong, 'guardpass.key'), hex(randomBytes(32)))
    const before = sha(inst.dbFile)
    expect(await refusal(() => restore(inst.config, wrong, true, say))).toMatch(/the data key does not fit this backup: The data key does not match/)
    // The same with the key given in GUARDPASS_DATA_KEY instead of a key file.
    fs.rmSync(path.join(wrong, 'guardpass.key'))
    expect(await refusal(() => restore(loadConfig({ DATABASE_PATH: inst.dbFile, GUARDPASS_DATA_KEY: randomBytes(32).toString('hex') }), wrong, true, say))).toMatch(/does not fit/)
    expect(await refusal(() => restore(inst.config, wrong, true, say))).toMatch(/has no guardpass.key/)
    expect(sha(inst.dbFile)).toBe(before)
    expect(fs.readFileSync(inst.keyFile, 'utf8')).toBe(hex(inst.key))
    expect(fs.readdirSync(path.dirname(inst.dbFile)).sort()).toEqual(['demo-accounts.txt', 'guardpass.db', 'guardpass.key'])
  })

  test('with --force it replaces the database: a change made after the backup is gone, the people read back, the replaced files are kept', async () => {
    withDb(inst.dbFile, (db) => db.insert(auditEvents).values({ at: new Date(), action: 'after.backup' }).run())
    await restore(inst.config, backupDir, true, say)
    withDb(inst.dbFile, (db) => {
      expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'after.backup')).all()).toEqual([])
      const pii = createPii(Buffer.from(fs.readFileSync(inst.keyFile, 'utf8').trim(), 'hex'))
      for (const p of inst.people) {
        const row = db.select().from(trainees).where(eq(trainees.id, p.traineeId)).get()!
        expect(pii.decrypt(row.idNumberEnc)).toBe(p.idNumber)
      }
      expect(runSync(checkDataKey(db, inst.key))).toBeNull()
    })
    const kept = fs.readdirSync(path.dirname(inst.dbFile)).filter((f) => f.includes('.before-restore-'))
    expect(kept.some((f) => f.startsWith('guardpass.db.before-restore-'))).toBe(true)
    withDb(path.join(path.dirname(inst.dbFile), kept.find((f) => f.startsWith('guardpass.db.'))!), (db) => {
      expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'after.backup')).all()).toHaveLength(1)
    })
  })

  test('into an empty place it needs no --force and brings the key file along', async () => {
    const fresh = path.join(tempDir('fresh'), 'data', 'guardpass.db')
    await restore(loadConfig({ DATABASE_PATH: fresh }), backupDir, false, say)
    expect(fs.readFileSync(path.join(path.dirname(fresh), 'guardpass.key'), 'utf8')).toBe(hex(inst.key))
    withDb(fresh, (db) => expect(db.select().from(trainees).all()).toHaveLength(inst.people.length))
  })

  test('the command line: restore refuses without --force (exit 1) and names the option', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'restore', backupDir], {
      cwd: ROOT, env: { ...process.env, DATABASE_PATH: inst.dbFile, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 20_000
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('guardpass: refused:')
    expect(r.stderr).toContain('--force')
  })
})

describe('rekey', () => {
  test('refused while a server uses the database, and when the key comes from GUARDPASS_DATA_KEY', async () => {
    const inst = await installation()
    const stop = serving(inst.dbFile)
    try {
      expect(await refusal(() => rekey(inst.config, say))).toMatch(/stop it before rotating the data key/)
    } finally { stop() }
    expect(await refusal(() => rekey(loadConfig({ DATABASE_PATH: inst.dbFile, GUARDPASS_DATA_KEY: inst.key.toString('hex') }), say))).toMatch(/GUARDPASS_DATA_KEY/)
    expect(fs.readFileSync(inst.keyFile, 'utf8')).toBe(hex(inst.key))
  })

  test('every ID number decrypts with the new key and none with the old; a police look-up by ID number finds the person', async () => {
    const inst = await installation()
    await rekey(inst.config, say)
    const next = Buffer.from(fs.readFileSync(inst.keyFile, 'utf8').trim(), 'hex')
    expect(next.equals(inst.key)).toBe(false)
    expect(fs.existsSync(`${inst.keyFile}.new`)).toBe(false)
    const oldPii = createPii(inst.key)
    const newPii = createPii(next)
    withDb(inst.dbFile, (db) => {
      const rows = db.select().from(trainees).all()
      expect(rows).toHaveLength(inst.people.length)
      for (const p of inst.people) {
        const row = rows.find((r) => r.id === p.traineeId)!
        expect(newPii.decrypt(row.idNumberEnc)).toBe(p.idNumber)
        expect(() => oldPii.decrypt(row.idNumberEnc)).toThrow()
        expect(row.idNumberHmac).toBe(newPii.hash(p.idNumber))
        expect(row.idNumberHmac).not.toBe(oldPii.hash(p.idNumber))
      }
      expect(runSync(checkDataKey(db, next))).toBeNull()
      expect(runSync(checkDataKey(db, inst.key))).toMatch(/does not match/)
      expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'data-key.rotated')).all().map((a) => a.details)).toEqual([{ people: inst.people.length, photos: 0, via: 'cli' }])
    })

    // The server started with the new key: the police officer's look-up by ID number finds 张三.
    const db = openDatabase(inst.dbFile)
    const clock = new ManualClock()
    const app = await buildApp(loadConfig({ DATABASE_PATH: inst.dbFile, PUBLIC_URL: 'http://guardpass.test', LOG_LEVEL: 'silent' }), db, clock, { dataKey: next, sweepMs: 0 })
    try {
      const cookie = `gp_session=${runSync(createSession(db, inst.policeUserId, clock.now())).token}`
      const res = await app.inject({ method: 'POST', url: '/jurisdiction/lookup', headers: { ...FORM_HEADERS, cookie }, payload: form({ idNumber: inst.people.find((p) => p.fullName === '张三')!.idNumber, purpose: 'Checking after the key rotation' }) })
      expect(res.statusCode).toBe(200)
      expect(res.body).toContain('张三')
    } finally {
      await app.close()
    }
  })

  test('all or nothing: a value that cannot be decrypted stops the rotation with every row and the key file as they were', async () => {
    const inst = await installation()
    withDb(inst.dbFile, (db) => db.update(trainees).set({ idNumberEnc: createPii(randomBytes(32)).encrypt('110101199001011234') }).where(eq(trainees.id, inst.people.at(-1)!.traineeId)).run())
    const before = withDb(inst.dbFile, (db) => ({ rows: db.select().from(trainees).all(), fingerprint: runSync(storedKeyFingerprint(db)) }))
    await expect(rekey(inst.config, say)).rejects.toThrow()
    withDb(inst.dbFile, (db) => {
      expect(db.select().from(trainees).all()).toEqual(before.rows)
      expect(runSync(storedKeyFingerprint(db))).toBe(before.fingerprint)
      expect(runSync(checkDataKey(db, inst.key))).toBeNull()
    })
    expect(fs.readFileSync(inst.keyFile, 'utf8')).toBe(hex(inst.key))
    expect(fs.existsSync(`${inst.keyFile}.new`)).toBe(false)
  })

  test('a rotation cut short after its commit (the new key still in guardpass.key.new) is finished by running rekey again', async () => {
    const inst = await installation()
    // As if rekey had committed and the process had died before moving the new key into place.
    const next = randomBytes(32)
    fs.writeFileSync(`${inst.keyFile}.new`, hex(next))
    const { rotateDataKey } = await import('../../src/features/orgs/index.js')
    withDb(inst.dbFile, (db) => db.transaction(() => runSync(rotateDataKey(db, inst.key, next, new Date()))))
    await rekey(inst.config, say)
    expect(out.at(-1)).toMatch(/Finished a rotation that was cut short/)
    expect(fs.readFileSync(inst.keyFile, 'utf8')).toBe(hex(next))
    withDb(inst.dbFile, (db) => expect(runSync(checkDataKey(db, next))).toBeNull())
  })
})

describe('uploaded photos in backup, restore and rekey', () => {
  test('a backup carries the photo files; a rotation re-encrypts their keys so they still open; a restore puts the backup\'s photos back', async () => {
    const { photoDir, writePhotoFile, readPhotoFile } = await import('../../src/features/supervision/photos.js')
    const { photos: photoTable, users } = await import('../../src/db/schema.js')
    const inst = await installation()
    const dir = photoDir(inst.dbFile)
    const picture = Buffer.from('a stripped picture')
    const stored = await writePhotoFile(dir, picture, createPii(inst.key))
    withDb(inst.dbFile, (db) => {
      const by = db.select().from(users).all()[0]!.id
      db.insert(photoTable).values({ ...stored, contentType: 'image/png', ownerKind: 'inspection-item', ownerId: 1, uploadedBy: by, createdAt: new Date() }).run()
    })
    const backupDir = await backup(inst.config, tempDir('photo-backups'), say)
    expect(fs.readdirSync(path.join(backupDir, 'photos'))).toEqual([stored.fileName])

    await rekey(inst.config, say)
    const next = createPii(Buffer.from(fs.readFileSync(inst.keyFile, 'utf8').trim(), 'hex'))
    const row = withDb(inst.dbFile, (db) => db.select().from(photoTable).all()[0]!)
    expect(await readPhotoFile(dir, row, next)).toEqual(picture)
    await expect(readPhotoFile(dir, row, createPii(inst.key))).rejects.toThrow()
    withDb(inst.dbFile, (db) => expect(db.select().from(auditEvents).where(eq(auditEvents.action, 'data-key.rotated')).all().map((a) => a.details)).toEqual([{ people: inst.people.length, photos: 1, via: 'cli' }]))

    // The photo folder is lost; restoring the backup brings back the database, its key and its photos.
    fs.rmSync(dir, { recursive: true })
    await restore(inst.config, backupDir, true, say)
    const restored = withDb(inst.dbFile, (db) => db.select().from(photoTable).all()[0]!)
    expect(await readPhotoFile(dir, restored, createPii(inst.key))).toEqual(picture)
  })
})
