// Bench section `scale`: the pages police, trainers and administrators live in, timed on a
// synthetic province (bench/province.ts) of the given size, with the server's peak memory, a
// streamed district guard list (/jurisdiction/people.csv, every guard of the largest district) and
// /healthz while it runs.
//
//   npm run bench -- --only scale --size S|M|L [--json FILE]
//
// Each page: three warm-up requests, then sequential requests (30, fewer for a page slower than a
// second), p50 and p95. Above S, the same run measures S first, so every figure has its S figure
// beside it as a ratio and the exam hot path (an exam page and an autosave) is compared with S.
// A province is generated once per size into GUARDPASS_PROVINCE_DIR (default: the system's temp
// folder) and reused; delete it when done.
import fs from 'node:fs'
import path from 'node:path'
import http from 'node:http'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openDatabase, migrateDatabase } from '../src/db/connection.js'
import { countStale, reevaluateStale } from '../src/features/readiness/index.js'
import { systemClock } from '../src/lib/clock.js'
import { createSession } from '../src/features/auth/index.js'
import { optionCodes } from '../src/features/exams/option-codes.js'
import { decodeOptionOrder } from '../src/db/schema.js'
import { peakRssMb, startProcess } from './exams.js'
import { DEFAULT_PROVINCE_DIR, SIZES, existingProvince, generateProvince, type ProvinceManifest, type Size } from './province.js'
import type { SectionResult, Figure } from './run.js'
import { runSync } from '../src/db/engine.js'
import { serverPort } from '../tests/helpers/ports.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MEASURED = 30
const WARM_UP = 3
/** A request that takes longer than this is given up (the page fails). */
const TIMEOUT_MS = 120_000
const TARGET_P95_MS = 200
const TARGET_RSS_MB = 500
const TARGET_HEALTHZ_P99_MS = 50
const TARGET_HOT_RATIO = 1.2

interface Timing { p50_ms: number, p95_ms: number, n: number, error?: string }
interface SizeResult {
  manifest: ProvinceManifest
  pages: Record<string, Timing>
  hot: Record<string, Timing>
  peakRssMb: number
  export: { ms: number, bytes: number, rows: number, rssMb: number, healthzP99Ms: number, healthzN: number, error?: string }
}

function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
}
const r1 = (x: number) => Math.round(x * 10) / 10
const r2 = (x: number) => Math.round(x * 100) / 100

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 })

/** One request; resolves with the status, the body's length and the milliseconds it took. */
function request (port: number, pathName: string, opts: { cookie?: string, method?: string, body?: string, headers?: Record<string, string>, onData?: (chunk: Buffer) => void, agent?: http.Agent | false } = {}): Promise<{ status: number, bytes: number, ms: number, body: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const req = http.request({
      host: '127.0.0.1', port, path: pathName, method: opts.method ?? 'GET', agent: opts.agent ?? agent, timeout: TIMEOUT_MS,
      headers: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.body ? { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' } : {}), ...opts.headers }
    }, (res) => {
      let bytes = 0
      const keep: Buffer[] = []
      res.on('data', (c: Buffer) => { bytes += c.length; if (opts.onData) opts.onData(c); else if (bytes < 200_000) keep.push(c) })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6, body: Buffer.concat(keep).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)))
    req.on('error', reject)
    if (opts.body) req.write(opts.body)
    req.end()
  })
}

async function timePage (port: number, pathName: string, cookie: string, makeBody?: (i: number) => string): Promise<Timing> {
  const times: number[] = []
  try {
    let count = WARM_UP + MEASURED
    for (let i = 0; i < count; i++) {
      const res = await request(port, pathName, { cookie, ...(makeBody ? { method: 'POST', body: makeBody(i), headers: { 'hx-request': 'true' } } : {}) })
      if (res.status >= 400) return { p50_ms: NaN, p95_ms: NaN, n: times.length, error: `HTTP ${res.status} ${res.body.slice(0, 200).replace(/\s+/g, ' ')}` }
      if (i >= WARM_UP) times.push(res.ms)
      // A page slower than a second is measured five times, not thirty: the figure is clear by then.
      else if (res.ms > 1000) count = WARM_UP + 5
    }
  } catch (err) {
    return { p50_ms: NaN, p95_ms: NaN, n: times.length, error: String((err as Error).message) }
  }
  times.sort((a, b) => a - b)
  return { p50_ms: r1(percentile(times, 0.5)), p95_ms: r1(percentile(times, 0.95)), n: times.length }
}

async function waitForHealth (port: number, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`)
    try { if ((await request(port, '/healthz', { agent: false })).status === 200) return } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the server did not answer /healthz in 120 s')
}

/** Sessions for the province's accounts, and what the pages need (ids of the largest units). */
/**
 * A province generated before the latest migrations: migrate it, and when a migration asked for
 * everyone's readiness to be worked out again (it lowers the rows' generation), do that here, not in
 * the server's background keeper while pages are being timed.
 */
async function bringUpToDate (m: ProvinceManifest, log: (s: string) => void): Promise<void> {
  const db = openDatabase(m.dbFile)
  try {
    migrateDatabase(db)
    const stale = runSync(countStale(db))
    if (stale === 0) return
    const started = Date.now()
    log(`  working out the stored readiness of ${stale} people again (a migration asked for it) …`)
    await reevaluateStale(db, systemClock)
    log(`  done in ${Math.round((Date.now() - started) / 1000)} s`)
  } finally {
    db.$client.close()
  }
}

function prepareSessions (m: ProvinceManifest) {
  const db = openDatabase(m.dbFile)
  const raw = db.$client
  const now = new Date()
  const cookie = (username: string) => {
    const u = raw.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: number } | undefined
    if (!u) throw new Error(`no account ${username} in the province`)
    return `gp_session=${runSync(createSession(db, u.id, now)).token}`
  }
  const cookies = Object.fromEntries(Object.entries(m.accounts).map(([k, u]) => [k, cookie(u)])) as Record<keyof ProvinceManifest['accounts'], string>
  // The biggest enterprise of the biggest district (the drill-down), and a person of the trainer's enterprise.
  const trainerEnterprise = (raw.prepare('SELECT enterprise_id AS id FROM users WHERE username = ?').get(m.accounts.trainer) as { id: number }).id
  const drill = raw.prepare(`SELECT e.id, count(*) AS n FROM enterprises e JOIN jurisdictions s ON s.id = e.jurisdiction_id JOIN employments em ON em.enterprise_id = e.id AND em.ended_on IS NULL
    WHERE s.parent_id = ? GROUP BY e.id ORDER BY n DESC LIMIT 1`).get(m.largest.districtId) as { id: number, n: number }
  const person = raw.prepare('SELECT trainee_id AS id FROM employments WHERE enterprise_id = ? AND ended_on IS NULL ORDER BY id DESC LIMIT 1').get(trainerEnterprise) as { id: number }
  raw.close()
  return { cookies, drillEnterprise: drill.id, drillGuards: drill.n, person: person.id }
}

/** The trainee's open national mock (started through the app) and the values its first item's options carry. */
async function openExam (port: number, m: ProvinceManifest, cookie: string): Promise<{ id: number, codes: string[], seq: number }> {
  const res = await request(port, '/exams/start', { cookie, method: 'POST', body: 'blueprint=national-mock' })
  const loc = /\/exams\/attempts\/(\d+)/.exec(res.body) ?? null
  let id = loc ? Number(loc[1]) : NaN
  const db = openDatabase(m.dbFile)
  const raw = db.$client
  if (!Number.isFinite(id)) {
    const row = raw.prepare('SELECT a.id FROM attempts a JOIN trainees t ON t.id = a.trainee_id JOIN users u ON u.id = t.user_id WHERE u.username = ? AND a.finished_at IS NULL ORDER BY a.id DESC LIMIT 1').get(m.accounts.trainee) as { id: number } | undefined
    if (!row) { raw.close(); throw new Error(`could not start an exam: HTTP ${res.status} ${res.body.slice(0, 200)}`) }
    id = row.id
  }
  const a = raw.prepare('SELECT seed FROM attempts WHERE id = ?').get(id) as { seed: string }
  const item = raw.prepare('SELECT option_order AS o, (SELECT max(s.seq) FROM attempt_steps s WHERE s.attempt_item_id = attempt_items.id) AS seq FROM attempt_items WHERE attempt_id = ? AND slot = 1').get(id) as { o: string, seq: number | null }
  raw.close()
  // A reused province keeps the open attempt of an earlier run: its autosaves go on from the item's last saved step (the form posts the step count).
  return { id, codes: optionCodes(a.seed, id, 1, decodeOptionOrder(item.o)), seq: item.seq ?? 0 }
}

async function measureSize (size: Size, log: (s: string) => void): Promise<SizeResult> {
  const dir = DEFAULT_PROVINCE_DIR
  let m = existingProvince(size, dir)
  if (m) log(`  reusing province ${size} (${m.counts.trainees} trainees, ${m.counts.attempts} attempts, ${(fs.statSync(m.dbFile).size / 1e9).toFixed(2)} GB): ${m.dbFile}`)
  else {
    log(`  generating province ${size} into ${dir} …`)
    m = await generateProvince(size, dir, (s) => log(s))
    log(`  generated in ${m.seconds} s, ${(m.bytes / 1e9).toFixed(2)} GB`)
  }
  await bringUpToDate(m, log)
  const prep = prepareSessions(m)
  const port = serverPort()
  const logFile = path.join(dir, `${size}.server.log`)
  const server = startProcess([path.join(ROOT, 'src/main.ts'), 'serve'],
    { DATABASE_PATH: m.dbFile, GUARDPASS_DATA_KEY: m.dataKeyHex, GUARDPASS_DEMO: 'off', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' }, logFile)
  try {
    await waitForHealth(port, server)
    const c = prep.cookies
    const pages: Array<[string, string, string]> = [
      ['police(city) /jurisdiction', '/jurisdiction', c.city],
      ['police(district) /jurisdiction', '/jurisdiction', c.bigDistrict],
      ['police(district) /jurisdiction/enterprises/:id', `/jurisdiction/enterprises/${prep.drillEnterprise}`, c.bigDistrict],
      ['police(district) /jurisdiction/audit', '/jurisdiction/audit', c.bigDistrict],
      ['police(district) /sittings', '/sittings', c.bigDistrict],
      ['police(district) /jurisdiction/export.csv', '/jurisdiction/export.csv', c.bigDistrict],
      ['police(station) /jurisdiction', '/jurisdiction', c.bigStation],
      ['police(city) /supervision', '/supervision', c.city],
      ['police(district) /supervision/enterprises', '/supervision/enterprises', c.bigDistrict],
      ['police(station) /supervision/sites', '/supervision/sites', c.bigStation],
      ['police(district) /supervision/notices', '/supervision/notices', c.bigDistrict],
      ['trainer /supervision', '/supervision', c.trainer],
      ['trainer /roster', '/roster', c.trainer],
      ['trainer /training', '/training', c.trainer],
      ['trainer /readiness/roster', '/readiness/roster', c.trainer],
      ['trainer /people/:id', `/people/${prep.person}`, c.trainer],
      ['trainer /training/trainees/:id', `/training/trainees/${prep.person}`, c.trainer],
      ['trainer /readiness/people/:id', `/readiness/people/${prep.person}`, c.trainer],
      ['admin /admin/audit', '/admin/audit', c.admin],
      ['admin /admin/enterprises', '/admin/enterprises', c.admin],
      ['trainee / (home)', '/', c.trainee],
      ['trainee /learn', '/learn', c.trainee],
      ['trainee /practice', '/practice', c.trainee],
      ['trainee /practice/wrong', '/practice/wrong', c.trainee]
    ]
    const timings: Record<string, Timing> = {}
    for (const [name, url, cookie] of pages) {
      timings[name] = await timePage(port, url, cookie)
      log(`  ${name.padEnd(48)} p50 ${String(timings[name].p50_ms).padStart(8)} ms  p95 ${String(timings[name].p95_ms).padStart(8)} ms${timings[name].error ? `  ${timings[name].error}` : ''}`)
    }
    // The exam hot path: one page of the open national mock, and autosaves of its first item.
    const exam = await openExam(port, m, c.trainee)
    const hot: Record<string, Timing> = {
      'trainee exam page': await timePage(port, `/exams/attempts/${exam.id}?page=1`, c.trainee),
      'trainee autosave': await timePage(port, `/exams/attempts/${exam.id}/items/1`, c.trainee, (i) => `seq=${exam.seq + i}&choice=${encodeURIComponent(exam.codes[i % exam.codes.length]!)}`)
    }
    for (const [name, t] of Object.entries(hot)) log(`  ${name.padEnd(48)} p50 ${String(t.p50_ms).padStart(8)} ms  p95 ${String(t.p95_ms).padStart(8)} ms${t.error ? `  ${t.error}` : ''}`)
    const peak = peakRssMb(server.pid!)

    // The largest district's guard list (every guard of its enterprises), with /healthz asked every 20 ms while it streams.
    const health: number[] = []
    const exporting = { on: true }
    const prober = (async () => {
      const probe = new http.Agent({ keepAlive: true, maxSockets: 1 })
      while (exporting.on) {
        try { health.push((await request(port, '/healthz', { agent: probe })).ms) } catch {}
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      probe.destroy()
    })()
    let rows = 0
    let exportResult: SizeResult['export']
    try {
      const res = await request(port, '/jurisdiction/people.csv', { cookie: c.bigDistrict, agent: false, onData: (chunk) => { for (const b of chunk) if (b === 10) rows++ } })
      exportResult = { ms: r1(res.ms), bytes: res.bytes, rows, rssMb: 0, healthzP99Ms: 0, healthzN: 0, ...(res.status >= 400 ? { error: `HTTP ${res.status}` } : {}) }
    } catch (err) {
      exportResult = { ms: NaN, bytes: 0, rows, rssMb: 0, healthzP99Ms: 0, healthzN: 0, error: String((err as Error).message) }
    }
    exporting.on = false
    await prober
    health.sort((a, b) => a - b)
    exportResult.rssMb = peakRssMb(server.pid!)
    exportResult.healthzP99Ms = r1(percentile(health, 0.99))
    exportResult.healthzN = health.length
    log(`  police(district) /jurisdiction/people.csv: ${exportResult.rows} lines, ${(exportResult.bytes / 1e6).toFixed(1)} MB in ${exportResult.ms} ms; /healthz p99 ${exportResult.healthzP99Ms} ms over ${health.length} probes${exportResult.error ? `  ${exportResult.error}` : ''}`)
    log(`  server peak RSS ${peak} MB before the export, ${exportResult.rssMb} MB after it`)
    return { manifest: m, pages: timings, hot, peakRssMb: peak, export: exportResult }
  } finally {
    server.kill('SIGTERM')
    await new Promise((resolve) => { if (server.exitCode !== null) resolve(null); else server.once('exit', resolve) })
    agent.destroy()
  }
}

export async function scaleSection (): Promise<SectionResult> {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'S' }, json: { type: 'string' }, only: { type: 'string' } }, strict: false })
  const size = String(values.size).toUpperCase() as Size
  if (!SIZES[size]) throw new Error(`--size must be S, M or L (got ${String(values.size)})`)
  const log = (s: string) => console.log(s)
  let baseline: SizeResult | null = null
  if (size !== 'S') {
    log('  baseline: size S')
    baseline = await measureSize('S', log)
    log(`  size ${size}`)
  }
  const res = await measureSize(size, log)
  const s = baseline ?? res
  const ratio = (name: string, t: Timing, base: Record<string, Timing>) => (base[name] ? r2(t.p95_ms / base[name]!.p95_ms) : NaN)
  const pagesJson = Object.fromEntries(Object.entries(res.pages).map(([k, t]) => [k, { p50_ms: t.p50_ms, p95_ms: t.p95_ms, ...(baseline ? { p95_ratio_to_S: ratio(k, t, s.pages) } : {}), ...(t.error ? { error: t.error } : {}) }]))
  const hotJson = Object.fromEntries(Object.entries(res.hot).map(([k, t]) => [k, { p50_ms: t.p50_ms, p95_ms: t.p95_ms, p50_ratio_to_S: r2(t.p50_ms / s.hot[k]!.p50_ms), ...(t.error ? { error: t.error } : {}) }]))
  const hotRatio = r2(Math.max(...Object.keys(res.hot).map((k) => res.hot[k]!.p50_ms / s.hot[k]!.p50_ms)))
  const json = {
    size,
    trainees: res.manifest.counts.trainees,
    attempts: res.manifest.counts.attempts,
    database_gb: r2(fs.statSync(res.manifest.dbFile).size / 1e9),
    pages: { ...pagesJson, ...hotJson },
    peak_rss_mb: res.peakRssMb,
    export_rss_mb: res.export.rssMb,
    export: { ms: res.export.ms, lines: res.export.rows, bytes: res.export.bytes, district_guards: res.manifest.largest.districtGuards, ...(res.export.error ? { error: res.export.error } : {}) },
    healthz_p99_during_export_ms: res.export.healthzP99Ms,
    hot_path_ratio_to_S: hotRatio,
    ...(baseline ? { S: { pages: Object.fromEntries(Object.entries({ ...baseline.pages, ...baseline.hot }).map(([k, t]) => [k, { p50_ms: t.p50_ms, p95_ms: t.p95_ms }])), peak_rss_mb: baseline.peakRssMb } } : {})
  }
  const errors = [...Object.entries(res.pages), ...Object.entries(res.hot)].filter(([, t]) => t.error).map(([k, t]) => `${k}: ${t.error}`)
  if (res.export.error) errors.push(`export: ${res.export.error}`)
  const slow = Object.entries(res.pages).filter(([, t]) => !(t.p95_ms < TARGET_P95_MS)).map(([k, t]) => `${k} ${t.p95_ms} ms`)
  // The absolute targets are for L; smaller sizes must simply answer everything.
  const checks: Array<[boolean, string]> = size === 'L'
    ? [
        [slow.length === 0, slow.length === 0 ? `every page p95 under ${TARGET_P95_MS} ms` : `p95 over ${TARGET_P95_MS} ms: ${slow.join('; ')}`],
        [res.peakRssMb < TARGET_RSS_MB, `peak RSS ${res.peakRssMb} MB (target < ${TARGET_RSS_MB})`],
        [res.export.rssMb < TARGET_RSS_MB, `RSS after the district's guard-list export ${res.export.rssMb} MB (target < ${TARGET_RSS_MB})`],
        [res.export.healthzP99Ms < TARGET_HEALTHZ_P99_MS, `/healthz p99 during the export ${res.export.healthzP99Ms} ms (target < ${TARGET_HEALTHZ_P99_MS})`],
        [hotRatio <= TARGET_HOT_RATIO, `exam hot path ${hotRatio}x S (target <= ${TARGET_HOT_RATIO})`]
      ]
    : [[true, `size ${size}: the targets are checked at L`]]
  checks.unshift([errors.length === 0, errors.length === 0 ? 'every page answered' : `failed: ${errors.join('; ')}`])
  const figures: Figure[] = [
    ...Object.entries({ ...res.pages, ...res.hot }).map(([k, t]) => ({ name: `${k} p95`, value: t.p95_ms, unit: 'ms', note: baseline ? `S ${({ ...baseline.pages, ...baseline.hot })[k]?.p95_ms} ms` : undefined })),
    { name: 'peak RSS', value: res.peakRssMb, unit: 'MB' },
    { name: 'district guard-list export', value: res.export.ms, unit: 'ms', note: `${res.export.rows} lines, RSS ${res.export.rssMb} MB, /healthz p99 ${res.export.healthzP99Ms} ms` }
  ]
  return { section: 'scale', figures, json, ok: checks.every(([ok]) => ok), summary: checks.map(([, text]) => text).join('; ') }
}
