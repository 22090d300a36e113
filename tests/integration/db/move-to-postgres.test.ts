import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { runCli } from '../../helpers/cli.js'
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import Database from 'better-sqlite3'
import pg from 'pg'
import { asc, count, desc, eq } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { openDatabase, migrateDatabase, type Db } from '../../../src/db/connection.js'
import * as s from '../../../src/db/sqlite-schema.js'
import * as p from '../../../src/db/pg-schema.js'
import { loadConfig } from '../../../src/config.js'
import { migrateToPostgres, Refusal } from '../../../src/operations.js'
import { copyPlan, copyToPostgres, openSource, sourceChunks, MoveFailed } from '../../../src/db/move-to-postgres.js'
import { openPool, migratePostgres } from '../../../src/db/postgres.js'
import { transaction, runSync } from '../../../src/db/engine.js'
import { seedDemo } from '../../../src/features/demo/seed.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { readBankDir } from '../../../src/features/bank/files.js'
import { publishBank, DEFAULT_BANK_DIR } from '../../../src/features/bank/index.js'
import { createPiiCheck } from '../../../src/features/orgs/index.js'
import { writeAudit } from '../../../src/features/audit/index.js'
import { createPii } from '../../../src/lib/pii.js'
import { freshPgDatabase, type PgDatabase } from '../../helpers/pg.js'

// The data move (issue 19): the demo city, with a row in every table it leaves empty, moved from
// SQLite into a fresh PostgreSQL database, and read back through both dialects' Drizzle tables.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-move-'))
const dbPath = path.join(dir, 'guardpass.db')
const key = randomBytes(32)
const databases: PgDatabase[] = []
const NOW = new Date('2026-03-02T08:30:00.123Z')

async function target (): Promise<PgDatabase> {
  const d = await freshPgDatabase()
  databases.push(d)
  return d
}

async function withClient<T> (url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try { return await fn(c) } finally { await c.end() }
}

const publicTables = (url: string) => withClient(url, async (c) =>
  (await c.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).rows.map((r) => r.name))

const config = (env: Record<string, string> = {}) => loadConfig({ DATABASE_PATH: dbPath, LOG_LEVEL: 'silent', GUARDPASS_DEMO: 'off', ...env })

/** A row in each table the demo city leaves empty, so every table is compared. */
function fillEmptyTables (db: Db): void {
  const pii = createPii(key)
  const trainee = db.select().from(s.trainees).orderBy(asc(s.trainees.id)).get()!
  const user = db.select().from(s.users).orderBy(asc(s.users.id)).get()!
  const release = db.select().from(s.bankReleases).get()!
  const [q1, q2] = db.select().from(s.questionVersions).orderBy(asc(s.questionVersions.id)).limit(2).all()
  const lesson = db.select().from(s.lessonVersions).get()!
  const notice = db.select().from(s.rectificationNotices).get()!
  const message = db.select().from(s.enterpriseMessages).get()!
  db.insert(s.sessions).values({ id: 'abcdefghijklmnopqrstuvwxyz234567', secretHash: randomBytes(32), userId: user.id, createdAt: NOW, lastVerifiedAt: NOW }).run()
  db.insert(s.loginThrottle).values({ key: 'user:nobody', failures: 3, windowStartedAt: NOW, lockedUntil: null }).run()
  db.insert(s.lessonProgress).values({ traineeId: trainee.id, lessonKey: lesson.lessonKey, lessonVersionId: lesson.id, studiedAt: NOW, checkPassedAt: null }).run()
  // Two checks, the second deleted: SQLite's AUTOINCREMENT remembers id 2, and so must the sequence.
  for (let i = 0; i < 2; i++) db.insert(s.lessonChecks).values({ traineeId: trainee.id, lessonKey: lesson.lessonKey, releaseId: release.id, questionVersionIds: [q1!.id, q2!.id], answers: { [q1!.id]: { response: ['A'], right: true } }, startedAt: NOW, passedAt: i === 0 ? NOW : null }).run()
  db.delete(s.lessonChecks).where(eq(s.lessonChecks.id, db.select().from(s.lessonChecks).orderBy(desc(s.lessonChecks.id)).get()!.id)).run()
  const set = db.insert(s.practiceSets).values({ traineeId: trainee.id, mode: 'random', domain: null, topic: null, itemType: null, releaseId: release.id, seed: 'seed-1', questionVersionIds: [q1!.id, q2!.id], answered: 2, right: 1, createdAt: NOW }).returning().get()
  db.insert(s.practiceAnswers).values([
    { setId: set.id, position: 0, traineeId: trainee.id, questionVersionId: q1!.id, answer: 1, right: true, at: NOW },
    { setId: set.id, position: 1, traineeId: trainee.id, questionVersionId: q2!.id, answer: 6, right: false, at: new Date(NOW.getTime() + 1) }
  ]).run()
  db.insert(s.practiceDays).values({ traineeId: trainee.id, day: 20514, answered: 2, right: 1 }).run()
  db.insert(s.photos).values({ fileName: 'a1b2c3.jpg', contentType: 'image/jpeg', size: 12345, keyEnc: pii.encrypt(randomBytes(32).toString('hex')), ownerKind: 'notice-item', ownerId: 1, uploadedBy: user.id, createdAt: NOW }).run()
  db.insert(s.messageAttachments).values({ messageId: message.id, name: '通知.pdf', fileName: 'd4e5f6.bin', contentType: 'application/pdf', size: 3_000_000_000, keyEnc: pii.encrypt('k') }).run()
  db.insert(s.escalationCases).values({ noticeId: notice.id, unitId: notice.unitId, basis: '第四十二条', note: '逾期未整改', status: 'open', escalatedBy: user.id, escalatedAt: NOW, closedBy: null, closedAt: null, closingNote: null }).run()
  db.insert(s.rosterImports).values({ id: 'import-1', userId: user.id, enterpriseId: db.select().from(s.enterprises).get()!.id, rows: [], createdAt: NOW, expiresAt: new Date(NOW.getTime() + 3_600_000) }).run()
  runSync(writeAudit(db, { actorId: user.id, action: 'test.moved', subjectType: 'user', subjectId: user.id, details: { nested: { a: [1, 2], b: '中文' } } }, NOW))
}

beforeAll(async () => {
  const db = openDatabase(dbPath)
  migrateDatabase(db)
  fs.writeFileSync(path.join(dir, 'guardpass.key'), key.toString('hex') + '\n', { mode: 0o600 })
  expect(await createPiiCheck(db).check(key)).toBeNull()
  await transaction(db, publishBank, checkBank(readBankDir(DEFAULT_BANK_DIR)).bank, null, NOW)
  await seedDemo(db, createPii(key), NOW, 'Asia/Shanghai')
  fillEmptyTables(db)
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()
}, 60_000)

afterAll(async () => {
  for (const d of databases) await d.drop()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('guardpass migrate-to-postgres', () => {
  test('moves every table: counts equal, rows read back the same through both schemas, the audit total right, identities continue', async () => {
    const to = await target()
    const lines: string[] = []
    await migrateToPostgres(config(), dbPath, to.url, (l) => lines.push(l))

    const source = openSource(dbPath)
    const client = new pg.Client({ connectionString: to.url })
    await client.connect()
    try {
      const db = drizzlePg(client)
      const plan = copyPlan()
      // Every table SQLite has (but its own bookkeeping) is in the plan, and PostgreSQL has exactly those.
      const sqliteTables = (source.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
      expect(plan.map((t) => t.name).sort()).toEqual(sqliteTables)
      expect(await publicTables(to.url)).toEqual(sqliteTables)

      for (const t of plan) {
        const n = source.select({ n: count() }).from(t.sqlite).get()!.n
        expect(n, `${t.name} has rows in the source`).toBeGreaterThan(0)
        const [there] = await db.select({ n: count() }).from(t.pg)
        expect(Number(there!.n), t.name).toBe(n)
        expect(lines).toContain(`  ${t.name}: ${n} row${n === 1 ? '' : 's'}`)
        // The first and last rows by key, through each dialect's tables: dates, booleans, JSON and bytes alike.
        const keyCols = t.key.map((k) => (t.pg as unknown as Record<string, PgColumn>)[k]!)
        const first = await db.select().from(t.pg).orderBy(...keyCols.map((c) => asc(c))).limit(3)
        const last = await db.select().from(t.pg).orderBy(...keyCols.map((c) => desc(c))).limit(1)
        const all = [...sourceChunks(source, t, 100_000)].flat()
        expect(first, t.name).toEqual(all.slice(0, 3))
        expect(last, t.name).toEqual(all.slice(-1))
      }
      // Types came through natively.
      const [session] = await db.select().from(p.sessions)
      expect(Buffer.isBuffer(session!.secretHash)).toBe(true)
      expect(session!.createdAt).toEqual(NOW)
      const [check] = await db.select().from(p.lessonChecks)
      expect(Object.values(check!.answers)).toEqual([{ response: ['A'], right: true }])
      expect(check!.passedAt).toEqual(NOW)
      const jsonType = await client.query<{ t: string }>("SELECT jsonb_typeof(details) AS t FROM audit_events WHERE action = 'test.moved'")
      expect(jsonType.rows[0]!.t).toBe('object')
      const [attachment] = await db.select().from(p.messageAttachments)
      expect(attachment!.size).toBe(3_000_000_000)

      // The audit total is the source's (the triggers did not count the copied events again), and they count again afterwards.
      const srcTotal = source.select().from(s.auditTotals).get()!.events
      expect(srcTotal).toBe(source.select({ n: count() }).from(s.auditEvents).get()!.n)
      const pgTotal = async () => (await db.select().from(p.auditTotals)).reduce((n, r) => n + r.events, 0)
      expect(await pgTotal()).toBe(srcTotal)
      const maxEvent = source.select().from(s.auditEvents).orderBy(desc(s.auditEvents.id)).get()!.id
      const [event] = await db.insert(p.auditEvents).values({ actorId: null, action: 'after.move', details: {}, at: new Date() }).returning()
      expect(event!.id).toBe(maxEvent + 1)
      // Counted in the event's shard (PostgreSQL's total is kept in 16 rows; the sum is the total).
      expect(await pgTotal()).toBe(srcTotal + 1)
      expect((await db.select().from(p.auditTotals)).map((r) => r.id).sort((x, y) => x - y)).toEqual([...new Set([1, 1 + (event!.id % 16)])].sort((x, y) => x - y))
      // practice_answers (a rowid in SQLite) and an AUTOINCREMENT table with its last row deleted.
      const maxAnswer = source.select().from(s.practiceAnswers).orderBy(desc(s.practiceAnswers.id)).get()!.id
      const setRow = source.select().from(s.practiceSets).get()!
      const [answer] = await db.insert(p.practiceAnswers).values({ setId: setRow.id, position: 2, traineeId: setRow.traineeId, questionVersionId: setRow.questionVersionIds[0]!, answer: 1, right: true, at: new Date() }).returning()
      expect(answer!.id).toBe(maxAnswer + 1)
      const [lc] = await db.insert(p.lessonChecks).values({ ...source.select().from(s.lessonChecks).get()!, id: undefined }).returning()
      expect(lc!.id).toBe(3)
      // Every identity continues past its table's highest id.
      const identities = await client.query<{ table: string, column: string }>("SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'")
      expect(identities.rows.length).toBeGreaterThan(30)
      for (const { table, column } of identities.rows) {
        const r = await client.query<{ last: string, max: string | null, called: boolean }>(`SELECT (SELECT last_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = split_part(pg_get_serial_sequence($1, $2), '.', 2)) AS last, (SELECT max("${column}") FROM "${table}") AS max`, [table, column])
        expect(Number(r.rows[0]!.last), table).toBeGreaterThanOrEqual(Number(r.rows[0]!.max ?? 1))
      }
      // The output says where the key must be, and nothing is left connected.
      expect(lines.join('\n')).toMatch(/every count matches and the data key opens the data on PostgreSQL/)
      expect(lines.join('\n')).toContain(`GUARDPASS_DATA_KEY set to the 64 characters in ${path.join(dir, 'guardpass.key')}`)
      const others = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
      expect(Number(others.rows[0]!.n)).toBe(0)

      // A second move into the now filled database is refused.
      const again = await migrateToPostgres(config(), dbPath, to.url, () => {}).catch((e: unknown) => e)
      expect(again).toBeInstanceOf(Refusal)
      expect((again as Refusal).exitCode).toBe(2)
      expect((again as Refusal).message).toMatch(/is not empty \(it has 56 tables/)
    } finally {
      await client.end()
      source.$client.close()
    }
  }, 120_000)

  test('refuses a target holding anything, and changes nothing in it', async () => {
    const to = await target()
    await withClient(to.url, async (c) => { await c.query('CREATE TABLE keep (x int); INSERT INTO keep VALUES (7)') })
    const err = await migrateToPostgres(config(), dbPath, to.url, () => {}).catch((e: unknown) => e) as Refusal
    expect(err).toBeInstanceOf(Refusal)
    expect(err.exitCode).toBe(2)
    expect(err.message).toContain('is not empty (it has 1 table (keep))')
    expect(await publicTables(to.url)).toEqual(['keep'])
    expect(await withClient(to.url, async (c) => (await c.query("SELECT to_regclass('drizzle.__drizzle_migrations') AS t")).rows[0].t)).toBeNull()

    // An empty public schema but a drizzle migrations table with rows.
    const other = await target()
    await withClient(other.url, async (c) => { await c.query('CREATE SCHEMA drizzle; CREATE TABLE drizzle.__drizzle_migrations (id serial, hash text, created_at bigint); INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (\'h\', 1)') })
    const err2 = await migrateToPostgres(config(), dbPath, other.url, () => {}).catch((e: unknown) => e) as Refusal
    expect(err2.message).toContain('it has 1 migrations applied')
    expect(await publicTables(other.url)).toEqual([])
  })

  test('refuses a data key that does not fit the source, before touching the target', async () => {
    const to = await target()
    const err = await migrateToPostgres(config({ GUARDPASS_DATA_KEY: randomBytes(32).toString('hex') }), dbPath, to.url, () => {}).catch((e: unknown) => e) as Refusal
    expect(err).toBeInstanceOf(Refusal)
    expect(err.exitCode).toBe(2)
    expect(err.message).toMatch(/the data key \(GUARDPASS_DATA_KEY\) does not fit .*fingerprints differ/)
    expect(await publicTables(to.url)).toEqual([])
    // The right key given the same way goes ahead.
    await migrateToPostgres(config({ GUARDPASS_DATA_KEY: key.toString('hex') }), dbPath, to.url, () => {})
    expect((await publicTables(to.url)).length).toBe(56)
  }, 120_000)

  test('refuses a source that is not a GuardPass database, or not fully migrated', async () => {
    const to = await target()
    const plain = path.join(dir, 'plain', 'other.db')
    fs.mkdirSync(path.dirname(plain))
    const other = new Database(plain)
    other.exec('CREATE TABLE notes (x TEXT)')
    other.close()
    const err = await migrateToPostgres(config(), plain, to.url, () => {}).catch((e: unknown) => e) as Refusal
    expect(err.exitCode).toBe(2)
    expect(err.message).toBe(`${plain} is not a GuardPass database.`)

    const behind = path.join(dir, 'behind', 'guardpass.db')
    fs.mkdirSync(path.dirname(behind))
    fs.copyFileSync(dbPath, behind)
    fs.copyFileSync(path.join(dir, 'guardpass.key'), path.join(dir, 'behind', 'guardpass.key'))
    const b = new Database(behind)
    b.exec('DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)')
    b.close()
    const err2 = await migrateToPostgres(config(), behind, to.url, () => {}).catch((e: unknown) => e) as Refusal
    expect(err2.exitCode).toBe(2)
    expect(err2.message).toContain('is not fully migrated (1 migration to apply): run `guardpass migrate`')
    expect(await publicTables(to.url)).toEqual([])
  })

  test('a failed check rolls the whole copy back: PostgreSQL keeps no copied row', async () => {
    const to = await target()
    const pool = openPool(to.url, 1)
    const source = openSource(dbPath)
    try {
      await migratePostgres(pool)
      const client = await pool.connect()
      try {
        await expect(copyToPostgres(source, client, { out: () => {}, verify: async () => 'the check says no' })).rejects.toThrow(MoveFailed)
      } finally {
        client.release()
      }
      const db = drizzlePg(pool)
      for (const t of [p.trainees, p.auditEvents, p.attemptSteps, p.users]) expect((await db.select({ n: count() }).from(t))[0]!.n).toBe(0)
      // What the migrations seeded is as they left it.
      expect((await db.select().from(p.auditTotals))).toEqual([{ id: 1, events: 0 }])
      expect((await db.select({ n: count() }).from(p.checklistItems))[0]!.n).toBe(8)
    } finally {
      source.$client.close()
      await pool.end()
    }
  }, 60_000)

  test('small chunks page every table by its key, composite keys too, and copy each row once', async () => {
    const to = await target()
    const pool = openPool(to.url, 1)
    const source = openSource(dbPath)
    try {
      await migratePostgres(pool)
      const client = await pool.connect()
      const lines: string[] = []
      try {
        // 7 rows a chunk: attempt_steps (attempt_item_id, seq) and message_targets (a unique pair) span many chunks.
        const result = await copyToPostgres(source, client, { out: (l) => lines.push(l), chunkRows: 7 })
        expect(result.tables.every((t) => t.source === t.target)).toBe(true)
        expect(result.rows).toBe(result.tables.reduce((n, t) => n + t.source, 0))
      } finally {
        client.release()
      }
      const db = drizzlePg(pool)
      const steps = await db.select().from(p.attemptSteps).orderBy(asc(p.attemptSteps.attemptItemId), asc(p.attemptSteps.seq))
      expect(steps).toEqual(source.select().from(s.attemptSteps).orderBy(asc(s.attemptSteps.attemptItemId), asc(s.attemptSteps.seq)).all())
      expect(lines).toContain('  attempt_steps: 700 rows')
    } finally {
      source.$client.close()
      await pool.end()
    }
  }, 60_000)

  test('the command line: exit code 2 and one line on a refusal, 0 and the count table on a move', async () => {
    const run = (args: string[], env: Record<string, string> = {}) => runCli(['migrate-to-postgres', ...args], { dbPath, env, timeoutMs: 60_000 })
    const usage = await run([])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('migrate-to-postgres needs --to')

    const to = await target()
    const moved = await run(['--to', to.url]) // --from defaults to DATABASE_PATH
    expect(moved.stderr).toBe('')
    expect(moved.code).toBe(0)
    expect(moved.stdout).toMatch(/^trainees\s+30\s+30$/m)
    expect(moved.stdout).toMatch(/every count matches/)

    const refused = await run(['--from', dbPath, '--to', to.url])
    expect(refused.code).toBe(2)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(/^guardpass: refused: the target database .* is not empty/)
  }, 120_000)
})
