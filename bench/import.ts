import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { openDatabase, migrateDatabase } from '../src/db/connection.js'
import { insertUser, createSession, hashPassword } from '../src/features/auth/index.js'
import { createPiiCheck } from '../src/features/orgs/index.js'
import { jurisdictions, enterprises } from '../src/db/schema.js'
import { creditCheckChar } from '../src/lib/id-checksums.js'
import { rosterCsv } from '../tests/helpers/roster.js'
import type { SectionResult } from './run.js'
import { runSync } from '../src/db/engine.js'
import { serverPort } from '../tests/helpers/ports.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PEOPLE = 2000
const SIGNERS = 40
const IDLE_SIGN_INS = 20
const PASSWORD = 'a bench password'

/**
 * A 2,000-person roster import on a real server (its own process, loopback),
 * with people signing in all the while: how long the confirmation takes, and
 * what it does to sign-in latency. The floor is the same sign-in on the idle
 * server, measured just before.
 */
export async function importSection (): Promise<SectionResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-bench-import-'))
  const dbFile = path.join(dir, 'g.db')
  const key = randomBytes(32)
  const db = openDatabase(dbFile)
  migrateDatabase(db)
  await createPiiCheck(db).check(key)
  const now = new Date()
  const hash = await hashPassword(PASSWORD)
  const trainerCookie = db.transaction((tx) => {
    const j = tx.insert(jurisdictions).values({ code: 'B-1', name: 'Bench', level: 'station', parentId: null, createdAt: now }).returning().get()
    const base = '91110000MA0000001'
    const e = tx.insert(enterprises).values({ name: 'Bench Co', creditCode: base + creditCheckChar(base), jurisdictionId: j.id, createdAt: now, updatedAt: now }).returning().get()
    const trainer = runSync(insertUser(db, { username: 'bench-trainer', displayName: 'Bench', passwordHash: hash, role: 'trainer', enterpriseId: e.id }, now))
    for (let i = 0; i < SIGNERS; i++) runSync(insertUser(db, { username: `signer${i}`, displayName: `S${i}`, passwordHash: hash, role: 'police', jurisdictionId: j.id }, now))
    return `gp_session=${runSync(createSession(db, trainer.id, now)).token}`
  })
  db.$client.close()

  const port = serverPort()
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'serve'], {
    cwd: ROOT, stdio: 'ignore',
    env: { ...process.env, DATABASE_PATH: dbFile, PORT: String(port), LOG_LEVEL: 'warn', GUARDPASS_DEMO: 'off', GUARDPASS_DATA_KEY: key.toString('hex') }
  })
  const agent = new http.Agent({ keepAlive: true })
  const request = (method: string, url: string, headers: Record<string, string>, body?: Buffer | string) => new Promise<{ status: number, body: string }>((resolve) => {
    const r = http.request({ host: '127.0.0.1', port, method, path: url, agent, timeout: 120_000, headers: { 'sec-fetch-site': 'same-origin', ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    r.on('error', () => resolve({ status: 0, body: '' }))
    r.on('timeout', () => { r.destroy(); resolve({ status: 0, body: '' }) })
    r.end(body)
  })
  let signer = 0
  const signIn = async (): Promise<number> => {
    const t0 = performance.now()
    const res = await request('POST', '/login', { 'content-type': 'application/x-www-form-urlencoded' }, `username=signer${signer++ % SIGNERS}&password=${encodeURIComponent(PASSWORD)}`)
    if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`)
    return performance.now() - t0
  }
  const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
  const r1 = (n: number) => Math.round(n * 10) / 10

  try {
    for (let i = 0; i < 100; i++) {
      if ((await request('GET', '/healthz', {})).status === 200) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    // The floor: sign-ins one after another on the idle server (after two not counted).
    await signIn(); await signIn()
    const idle: number[] = []
    for (let i = 0; i < IDLE_SIGN_INS; i++) idle.push(await signIn())

    // The preview of a 2,000-person file.
    const boundary = `----bench${randomBytes(8).toString('hex')}`
    const upload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      rosterCsv(PEOPLE, 5), Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
    const p0 = performance.now()
    const preview = await request('POST', '/roster/import', { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: trainerCookie }, upload)
    const previewMs = performance.now() - p0
    const token = /name="token" value="([a-z2-9]+)"/.exec(preview.body)?.[1]
    if (preview.status !== 200 || !token) throw new Error(`preview answered ${preview.status}`)

    // The confirmation, with sign-ins going on one after another until it has answered.
    const state = { importing: true }
    const during: number[] = []
    const signing = (async () => { while (state.importing) during.push(await signIn()) })()
    const c0 = performance.now()
    const confirmed = await request('POST', '/roster/import/confirm', { 'content-type': 'application/x-www-form-urlencoded', cookie: trainerCookie }, `token=${token}`)
    const importMs = performance.now() - c0
    state.importing = false
    await signing
    const slips = (confirmed.body.match(/class="slip"/g) ?? []).length

    const idleMedian = median(idle)
    const duringMedian = during.length ? median(during) : NaN
    const duringMax = during.length ? Math.max(...during) : NaN
    const json = {
      people: PEOPLE,
      preview_ms: Math.round(previewMs),
      import_ms: Math.round(importMs),
      import_status: confirmed.status,
      slips,
      sign_in_idle_median_ms: r1(idleMedian),
      sign_ins_during_import: during.length,
      sign_in_during_median_ms: r1(duringMedian),
      sign_in_during_max_ms: r1(duringMax),
      median_ratio_to_idle: r1(duringMedian / idleMedian),
      max_ratio_to_idle: r1(duringMax / idleMedian)
    }
    const checks = [
      [confirmed.status === 200 && slips === PEOPLE, `the confirmation answered ${confirmed.status} with ${slips} login slips (target 200 and ${PEOPLE})`],
      [importMs <= 5000, `${PEOPLE} people imported in ${(importMs / 1000).toFixed(2)} s (target <= 5 s)`],
      [during.length > 0 && duringMedian <= 3 * idleMedian, `sign-ins during the import: median ${json.sign_in_during_median_ms} ms, ${json.median_ratio_to_idle}x the idle median (target <= 3x)`],
      [during.length > 0 && duringMax <= importMs / 2, `the slowest sign-in during the import took ${json.sign_in_during_max_ms} ms, ${json.max_ratio_to_idle}x the idle median (target: under half the import's time, i.e. it did not wait for the import)`]
    ] as const
    return {
      section: 'import',
      ok: checks.every(([ok]) => ok),
      summary: checks.map(([ok, s]) => `${ok ? 'ok' : 'MISSED'}: ${s}`).join('; '),
      figures: [
        { name: 'floor: sign-in on the idle server', value: json.sign_in_idle_median_ms, unit: 'ms median', note: `${IDLE_SIGN_INS} one after another` },
        { name: `preview of ${PEOPLE} people`, value: json.preview_ms, unit: 'ms' },
        { name: `import of ${PEOPLE} people`, value: json.import_ms, unit: 'ms', note: `${r1(importMs / idleMedian)}x an idle sign-in` },
        { name: 'sign-in during the import', value: json.sign_in_during_median_ms, unit: 'ms median', note: `max ${json.sign_in_during_max_ms} ms; ${json.median_ratio_to_idle}x / ${json.max_ratio_to_idle}x the floor; ${during.length} sign-ins` }
      ],
      json
    }
  } finally {
    agent.destroy()
    server.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
