import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { parse, type HTMLElement } from 'node-html-parser'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { openDatabase, migrateDatabase, openPostgres, type Db } from '../../src/db/connection.js'
import { ManualClock } from '../../src/lib/clock.js'
import { insertUser, hashPassword, createSession, type Role, type User } from '../../src/features/auth/index.js'
import { trainees, ENGINE } from '../../src/db/schema.js'
import { exec, transaction, all } from '../../src/db/engine.js'
import { freshPgDatabase } from './pg.js'

export const PASSWORD = 'correct horse battery'
let passwordHash: Promise<string> | undefined

export interface TestApp {
  app: Awaited<ReturnType<typeof buildApp>>
  db: Db
  clock: ManualClock
  config: Config
  dataKey: Buffer
  dir: string
  /** Every log line the app wrote, as text. */
  logs: string[]
  close(): Promise<void>
}

/**
 * A fresh app on a temporary, migrated database, with a clock the test moves: a SQLite file, or in
 * the PostgreSQL project (DATABASE_URL=postgres://… in its environment, so the process's tables are
 * PostgreSQL's) a fresh database of the run's cluster, a copy of its migrated template. Its default
 * language is English (most tests read English text without sending Accept-Language); tests of
 * the deployment default pass DEFAULT_LANGUAGE themselves.
 */
export async function buildTestApp (env: Record<string, string> = {}): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-test-'))
  const dataKey = randomBytes(32)
  const pgDatabase = ENGINE === 'postgres' ? await freshPgDatabase({ migrated: true }) : undefined
  const engineEnv = pgDatabase ? { DATABASE_URL: pgDatabase.url, GUARDPASS_DATA_KEY: dataKey.toString('hex'), DATABASE_POOL_SIZE: '4' } : {}
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'test.db'), PUBLIC_URL: 'http://guardpass.test', LOG_LEVEL: 'info', DEFAULT_LANGUAGE: 'en', ...engineEnv, ...env })
  let db: Db
  if (pgDatabase) {
    db = openPostgres(pgDatabase.url, config.databasePoolSize)
  } else {
    db = openDatabase(config.databasePath)
    migrateDatabase(db)
  }
  const clock = new ManualClock()
  const logs: string[] = []
  const logStream = new Writable({ write (chunk, _enc, cb) { logs.push(String(chunk)); cb() } })
  const app = await buildApp(config, db, clock, { logStream, dataKey, sweepMs: 0, readinessMs: 0 })
  await app.ready()
  return {
    app, db, clock, config, dataKey, dir, logs,
    /**
     * Closes the app and, for every person in this test's database, checks that
     * the raw ID number reached neither the log output nor the SQLite file bytes:
     * so the whole suite is checked, not one test.
     */
    async close () {
      const ids = (await exec(db, function * (d) { return yield * all(d.select({ enc: trainees.idNumberEnc }).from(trainees)) })).map((r) => app.pii.decrypt(r.enc))
      if (!pgDatabase) db.$client.pragma('wal_checkpoint(TRUNCATE)')
      await app.close()
      await pgDatabase?.drop()
      const logText = logs.join('')
      const files = fs.readdirSync(dir, { withFileTypes: true }).filter((f) => f.isFile()).map((f) => fs.readFileSync(path.join(dir, f.name)).toString('latin1'))
      fs.rmSync(dir, { recursive: true, force: true })
      // Every run of 18 ID characters in the text, overlapping ones too, looked up in the set: one
      // pass over the bytes however many people the test made (an import makes thousands).
      const known = new Set(ids)
      const firstKnown = (text: string) => {
        for (const m of text.matchAll(/(?=(\d{17}[\dXx]))/g)) if (known.has(m[1]!.toUpperCase())) return m[1]!
        return undefined
      }
      const inLog = firstKnown(logText)
      if (inLog) throw new Error(`A raw ID number (${inLog.slice(0, 4)}…) appears in the log output`)
      for (const text of files) {
        const inFile = firstKnown(text)
        if (inFile) throw new Error(`A raw ID number (${inFile.slice(0, 4)}…) appears in the SQLite file bytes`)
        // (On PostgreSQL the database is the cluster's: only the log is checked.)
      }
    }
  }
}

/**
 * Another app node on the same PostgreSQL database as `t` (its own pool, the same configuration,
 * data key and clock), as a second server of a deployment would be. Closed before `t`.
 */
export async function secondNode (t: TestApp): Promise<{ app: TestApp['app'], db: Db, close(): Promise<void> }> {
  if (!t.config.databaseUrl) throw new Error('a second node needs PostgreSQL (the integration-pg project)')
  const db = openPostgres(t.config.databaseUrl, t.config.databasePoolSize)
  const app = await buildApp(t.config, db, t.clock, { logStream: new Writable({ write (_c, _e, cb) { cb() } }), dataKey: t.dataKey, sweepMs: 0, readinessMs: 0 })
  await app.ready()
  return { app, db, close: () => app.close() }
}

export async function createUser (db: Db, username: string, role: Role, opts: { mustChangePassword?: boolean, password?: string, now?: Date } = {}): Promise<User> {
  const hash = opts.password ? await hashPassword(opts.password) : await (passwordHash ??= hashPassword(PASSWORD))
  return await transaction(db, insertUser, { username, displayName: `Test ${username}`, passwordHash: hash, role, mustChangePassword: opts.mustChangePassword ?? false }, opts.now ?? new Date())
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' } as const

/** A same-origin form POST as a signed-in user. */
export function postForm (t: TestApp, url: string, cookie: string, fields: Record<string, string>) {
  return t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie }, payload: form(fields) })
}

export function form (fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) p.append(k, one)
  return p.toString()
}

/** The session cookie from a response's Set-Cookie, as a Cookie header value. */
export function sessionCookie (res: LightMyRequestResponse): string | undefined {
  const c = res.cookies.find((x) => x.name === 'gp_session' && x.value)
  return c ? `gp_session=${c.value}` : undefined
}

export async function signIn (t: TestApp, username: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/login', headers: { ...FORM_HEADERS, ...headers }, payload: form({ username, password }) })
  const cookie = sessionCookie(res)
  if (res.statusCode !== 303 || !cookie) throw new Error(`sign-in of ${username} failed: ${res.statusCode} ${res.body.slice(0, 300)}`)
  return cookie
}

export function dom (html: string): HTMLElement {
  return parse(html)
}

/** A session made directly in the database: a cookie without the cost of a sign-in (either engine). */
export async function sessionOf (t: TestApp, userId: number): Promise<string> {
  return `gp_session=${(await transaction(t.db, createSession, userId, t.clock.now())).token}`
}

/** A multipart/form-data body with one file, as a browser sends it. */
export interface MultipartFile { name: string, filename: string, type: string, data: Buffer }

export function multipart (fields: Record<string, string>, files?: MultipartFile | MultipartFile[]) {
  const boundary = `----guardpass${Math.random().toString(16).slice(2)}`
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  for (const file of [files ?? []].flat()) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`))
    parts.push(file.data, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'sec-fetch-site': 'same-origin' } }
}
