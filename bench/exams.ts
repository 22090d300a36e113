import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { openDatabase, migrateDatabase, type Db } from '../src/db/connection.js'
import type { Pii } from '../src/lib/pii.js'
import { createPii } from '../src/lib/pii.js'
import { insertUser, createSession } from '../src/features/auth/index.js'
import { createPiiCheck } from '../src/features/orgs/index.js'
import { trainees, attemptSteps } from '../src/db/schema.js'
import { checkBank } from '../src/features/bank/format.js'
import { readBankDir } from '../src/features/bank/files.js'
import { publishBank } from '../src/features/bank/publish.js'
import { currentBlueprints, questionPool, insertAttempt } from '../src/features/exams/queries.js'
import { assemblePaper } from '../src/features/exams/assembly.js'
import { optionCodes } from '../src/features/exams/option-codes.js'
import { demoIdNumber } from '../src/features/demo/seed.js'
import { generateBank } from './bank.js'
import type { SectionResult } from './run.js'
import { exec, one, transaction, type Q } from '../src/db/engine.js'
import { serverPort } from '../tests/helpers/ports.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TRAINEES = 2000
const OPEN_ATTEMPTS = 1000
const STARTS = 1000
const CONNECTIONS = 100
const SECONDS = 8
const RATE = 1000

interface Prepared { dir: string, dbFile: string, key: Buffer, cookies: string[], attempts: Array<{ id: number, cookie: string, items: Array<{ slot: number, /** the page's values (option-codes.ts) */ options: string[] }> }> }

/** A bench database in a fresh folder: migrated, keyed, a generated 2,000-question bank published. */
export async function benchDatabase (name: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `guardpass-bench-${name}-`))
  generateBank(path.join(dir, 'bank'), 2000)
  const dbFile = path.join(dir, 'g.db')
  const key = randomBytes(32)
  const db = openDatabase(dbFile)
  migrateDatabase(db)
  await createPiiCheck(db).check(key)
  const pii = createPii(key)
  const now = new Date()
  await transaction(db, publishBank, checkBank(readBankDir(path.join(dir, 'bank'))).bank, null, now)
  return { dir, dbFile, key, db, pii, now }
}

/**
 * Bench trainee number i (usernames `${prefix}${i}`), with a session: its person id and cookie.
 * A query function, as the app's are: yield* it inside a transaction body (either engine).
 */
export function * benchTrainee (db: Db, pii: Pii, prefix: string, i: number, now: Date): Q<{ traineeId: number, cookie: string }> {
  const user = yield * insertUser(db, { username: `${prefix}${i}`, displayName: `${prefix.toUpperCase()}${i}`, passwordHash: 'x', role: 'trainee' }, now)
  const idn = demoIdNumber('110101', `19${70 + (i % 29)}-01-01`, i)
  const tr = (yield * one(db.insert(trainees).values({ userId: user.id, fullName: `${prefix.toUpperCase()}${i}`, idNumberEnc: pii.encrypt(idn), idNumberHmac: pii.hash(idn), birthDate: `19${70 + (i % 29)}-01-01`, education: 'college', privacyAcceptedAt: now, createdAt: now, updatedAt: now }).returning({ id: trainees.id })))!
  return { traineeId: tr.id, cookie: `gp_session=${(yield * createSession(db, user.id, now)).token}` }
}

/** Bench trainees first..first+n-1 (usernames `${prefix}${i}`), each with a session: a transaction body. */
export function * benchTrainees (db: Db, pii: Pii, prefix: string, first: number, n: number, now: Date): Q<Array<{ traineeId: number, cookie: string }>> {
  const out: Array<{ traineeId: number, cookie: string }> = []
  for (let i = first; i < first + n; i++) out.push(yield * benchTrainee(db, pii, prefix, i, now))
  return out
}

/** A database of 2,000 trainees, a 2,000-question bank and 1,000 open attempts, with a session each. */
export async function prepare (): Promise<Prepared> {
  const { dir, dbFile, key, db, pii, now } = await benchDatabase('exams')
  const cookies: string[] = []
  const attempts: Prepared['attempts'] = []
  for (const [i, { traineeId, cookie }] of (await transaction(db, benchTrainees, pii, 'b', 0, TRAINEES, now)).entries()) {
    cookies.push(cookie)
    if (i < OPEN_ATTEMPTS) attempts.push({ id: traineeId, cookie, items: [] })
  }
  await openMocks(db, attempts, now)
  db.$client.close()
  return { dir, dbFile, key, cookies, attempts }
}

/**
 * Opens an attempt of the generated bank's mock for each entry (its id a trainee's on the way in,
 * the attempt's on the way out), with the values its page gives each item's options. Either engine.
 */
export async function openMocks (db: Db, attempts: Prepared['attempts'], now: Date): Promise<void> {
  const { release, blueprints } = await exec(db, currentBlueprints)
  const bp = blueprints.find((b) => b.key === 'mock')!
  const pool = await exec(db, questionPool, release!.id)
  for (const a of attempts) {
    const seed = `bench-${a.id}`
    const items = assemblePaper({ cells: bp.body.cells, shuffleOptions: true, pool, seed, recentlySeen: new Set() })
    const { attempt } = await transaction(db, insertAttempt, { traineeId: a.id, blueprintKey: bp.key, blueprintVersionId: bp.versionId, releaseId: release!.id, seed, passMark: bp.body.passMark, startedAt: now, deadlineAt: new Date(now.getTime() + 6 * 3600_000), items }, { actorId: null as unknown as number, clientIp: '127.0.0.1' })
    a.id = attempt.id
    a.items = items.map((it) => ({ slot: it.slot, options: optionCodes(seed, attempt.id, it.slot, it.optionOrder) }))
  }
}

/** A server process; what it prints goes to a file in the bench's folder, shown if it does not start. */
export function startProcess (args: string[], env: Record<string, string>, logFile?: string): ChildProcess {
  const out = logFile ? fs.openSync(logFile, 'w') : 'ignore'
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] })
}

/** The fields of /proc/PID/stat after the command's name: [0] state, [1] parent, [11] utime, [12] stime, [13] cutime, [14] cstime (clock ticks of 1/100 s). */
function statFields (pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
}

/** CPU seconds a process has used so far, all its threads (user + system, from /proc). */
export function cpuSeconds (pid: number): number {
  const fields = statFields(pid)
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * CPU seconds a server and all its children have used so far: its own, what its reaped children
 * used (cutime, cstime) and what the live ones have used. For PostgreSQL's postmaster, whose
 * backends come and go with the connections.
 */
export function treeCpuSeconds (pid: number): number {
  const own = statFields(pid)
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const f = statFields(Number(entry))
      if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12])
    } catch { /* the process ended while the folder was read */ }
  }
  return ticks / 100
}

/** CPU seconds the whole machine has been busy so far, all cores (from /proc/stat; idle and waiting for the disk do not count). */
export function machineBusySeconds (): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100
}

export async function waitFor (port: number, pathName: string, method = 'GET'): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, path: pathName, method, agent: false, timeout: 1000 }, (res) => { res.resume(); resolve(true) })
      req.on('error', () => resolve(false))
      req.on('timeout', () => { req.destroy(); resolve(false) })
      req.end()
    })
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`server on ${port} did not start in 40 s`)
}

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb (pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Math.round(Number(m[1]) / 1024) : NaN
}

export const HEADERS = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'hx-request': 'true' }

export function run (opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => { autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))) })
}

/**
 * Autosave requests that are right by construction: request i saves item
 * (i mod 1,000 attempts, then the next slot), so one item is saved at most once
 * per 100,000 requests and its seq is known without waiting for a response
 * (autocannon resets a connection's context after every request, so no state
 * can live there).
 */
export function autosaveRequests (attempts: Prepared['attempts'], state: { counter: number, seqs: Map<string, number> }): autocannon.Request[] {
  return [{
    method: 'POST',
    setupRequest: (req: autocannon.Request) => {
      const i = state.counter++
      const a = attempts[i % attempts.length]!
      const item = a.items[Math.floor(i / attempts.length) % a.items.length]!
      const k = `${a.id}:${item.slot}`
      const seq = state.seqs.get(k) ?? 0
      state.seqs.set(k, seq + 1)
      const choice = item.options[(seq + 1) % item.options.length]!
      return { ...req, path: `/exams/attempts/${a.id}/items/${item.slot}`, headers: { ...HEADERS, cookie: a.cookie }, body: `seq=${seq}&choice=${encodeURIComponent(choice)}` }
    }
  } as unknown as autocannon.Request]
}

export async function examsSection (): Promise<SectionResult> {
  const p = await prepare()
  const floorPort = serverPort(3001)
  const appPort = floorPort + 1000
  const serverEnv = { DATABASE_PATH: p.dbFile, LOG_LEVEL: 'info', GUARDPASS_DEMO: 'off', GUARDPASS_DATA_KEY: p.key.toString('hex') }
  const floor = startProcess([path.join(ROOT, 'bench/floor-server.ts'), path.join(p.dir, 'floor.db'), String(floorPort)], { LOG_LEVEL: 'info', ...(process.env.BENCH_FLOOR_SYNCHRONOUS ? { BENCH_FLOOR_SYNCHRONOUS: process.env.BENCH_FLOOR_SYNCHRONOUS } : {}) })
  const server = startProcess([path.join(ROOT, 'src/main.ts'), 'serve'], { ...serverEnv, PORT: String(appPort) })
  const comparison: ChildProcess[] = []
  try {
    await waitFor(floorPort, '/save', 'GET')
    await waitFor(appPort, '/healthz')

    // Throughput: the floor and autosave alternate, twice each, and each keeps its best run, so a
    // burst of other work on this shared machine cannot favour one side. The rows added must equal
    // the 2xx saves of both autosave runs.
    const floorBody = 'item=1&seq=1&choice=A'
    const countSteps = () => { const db = openDatabase(p.dbFile); const n = db.select().from(attemptSteps).all().length; db.$client.close(); return n }
    const saveState = { counter: 0, seqs: new Map<string, number>() }
    const before = countSteps()
    const floorRuns: autocannon.Result[] = []
    const saveRuns: autocannon.Result[] = []
    for (let round = 0; round < 2; round++) {
      floorRuns.push(await run({ url: `http://127.0.0.1:${floorPort}/save`, method: 'POST', headers: HEADERS, body: floorBody, connections: CONNECTIONS, duration: SECONDS }))
      saveRuns.push(await run({ url: `http://127.0.0.1:${appPort}`, connections: CONNECTIONS, duration: SECONDS, requests: autosaveRequests(p.attempts, saveState) }))
    }
    const added = countSteps() - before
    const saved2xx = saveRuns.reduce((n, r) => n + r['2xx'], 0)
    const floorMax = floorRuns.reduce((a, b) => (b.requests.mean > a.requests.mean ? b : a))
    const saveMax = saveRuns.reduce((a, b) => (b['2xx'] / b.duration > a['2xx'] / a.duration ? b : a))
    if (process.env.BENCH_DEBUG) console.log('save codes', JSON.stringify(saveRuns.map((r) => r.statusCodeStats)))

    // Latency at a steady 1,000 per second, the floor then autosave.
    const floorSteady = await run({ url: `http://127.0.0.1:${floorPort}/save`, method: 'POST', headers: HEADERS, body: floorBody, connections: CONNECTIONS, duration: SECONDS, overallRate: RATE })
    const saveSteady = await run({ url: `http://127.0.0.1:${appPort}`, connections: CONNECTIONS, duration: SECONDS, overallRate: RATE, requests: autosaveRequests(p.attempts, saveState) })

    // Rendering one exam page of ten questions on the server under test: steady state, after a
    // warm-up of the same requests that is not counted (the first pages compile templates and
    // parse question bodies).
    let turn = 0
    const pageRequests = [{ method: 'GET', setupRequest: (req: autocannon.Request) => { const a = p.attempts[turn++ % p.attempts.length]!; return { ...req, path: `/exams/attempts/${a.id}?page=1`, headers: { cookie: a.cookie } } } } as unknown as autocannon.Request]
    const pageRun = (port: number, duration: number) => run({ url: `http://127.0.0.1:${port}`, connections: 50, duration, requests: pageRequests })
    await pageRun(appPort, 3)
    const pages = await pageRun(appPort, 5)
    const pageRate = (r: autocannon.Result) => r['2xx'] / r.duration

    // The same pages through @fastify/view and through Eta directly (the floor), on two fresh
    // servers started alike (bench/page-server.ts). They alternate in short runs, seven each,
    // each pair in turn starting with the other; each run also counts the server's CPU time.
    // Pages per CPU-second is the rate with a core to itself, which other work on this shared
    // machine disturbs far less than pages per second (also shown, the median of the pairs).
    const viewPort = floorPort + 2000
    const directPort = floorPort + 3000
    const startPageServer = async (mode: 'view' | 'direct', port: number) => {
      const log = path.join(p.dir, `page-server-${mode}.log`)
      const child = startProcess([path.join(ROOT, 'bench/page-server.ts'), mode], { ...serverEnv, PORT: String(port) }, log)
      comparison.push(child)
      await waitFor(port, '/healthz').catch((err) => { throw new Error(`${(err as Error).message}:\n${fs.readFileSync(log, 'utf8').slice(-2000)}`) })
      return child.pid!
    }
    const viewPid = await startPageServer('view', viewPort)
    const directPid = await startPageServer('direct', directPort)
    const measured = async (port: number, pid: number) => {
      const cpu0 = cpuSeconds(pid)
      const r = await pageRun(port, 3)
      return { rate: pageRate(r), cpuPerPage: (cpuSeconds(pid) - cpu0) / Math.max(1, r['2xx']) }
    }
    // Warm-up, not counted: a server keeps getting faster for several seconds of load (the
    // JIT's later tiers), and one 3-second run left the first measured pairs skewed.
    for (let w = 0; w < 3; w++) { await measured(viewPort, viewPid); await measured(directPort, directPid) }
    const viewRuns: Array<{ rate: number, cpuPerPage: number }> = []
    const directRuns: Array<{ rate: number, cpuPerPage: number }> = []
    for (let round = 0; round < 7; round++) {
      if (round % 2 === 0) { viewRuns.push(await measured(viewPort, viewPid)); directRuns.push(await measured(directPort, directPid)) } else { directRuns.push(await measured(directPort, directPid)); viewRuns.push(await measured(viewPort, viewPid)) }
    }
    for (const c of comparison) c.kill('SIGTERM')
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const pairRatios = viewRuns.map((v, i) => v.rate / directRuns[i]!.rate).sort((a, b) => a - b)
    if (process.env.BENCH_DEBUG) console.log('page pairs in order (even rounds: @fastify/view first)', JSON.stringify(viewRuns.map((v, i) => [Math.round(v.rate), Math.round(directRuns[i]!.rate), Math.round(1e6 * v.cpuPerPage), Math.round(1e6 * directRuns[i]!.cpuPerPage)])))
    const viewCpu = median(viewRuns.map((r) => r.cpuPerPage))
    const directCpu = median(directRuns.map((r) => r.cpuPerPage))

    // A synchronized start: 1,000 signed-in trainees start the national mock (the shipped bank, published at start) at the same moment.
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
    const req = (method: string, url: string, cookie: string, body?: string) => new Promise<{ status: number, location?: string }>((resolve) => {
      const r = http.request({ host: '127.0.0.1', port: appPort, method, path: url, agent, timeout: 30_000, headers: { ...HEADERS, 'hx-request': 'false', cookie, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
        res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }))
      })
      r.on('error', () => resolve({ status: 0 })); r.on('timeout', () => { r.destroy(); resolve({ status: 0 }) })
      r.end(body)
    })
    const starters = p.cookies.slice(OPEN_ATTEMPTS, OPEN_ATTEMPTS + STARTS)
    const t0 = performance.now()
    const failures: Record<string, number> = {}
    const outcomes = await Promise.all(starters.map(async (cookie) => {
      const s = await req('POST', '/exams/start', cookie, 'blueprint=national-mock')
      if (s.status !== 303 || !s.location?.startsWith('/exams/attempts/')) { failures[`start ${s.status}`] = (failures[`start ${s.status}`] ?? 0) + 1; return false }
      const page = await req('GET', s.location, cookie)
      if (page.status !== 200) failures[`page ${page.status}`] = (failures[`page ${page.status}`] ?? 0) + 1
      return page.status === 200
    }))
    if (Object.keys(failures).length) console.log('start failures', JSON.stringify(failures))
    const startSeconds = (performance.now() - t0) / 1000
    agent.destroy()
    const startErrors = outcomes.filter((ok) => !ok).length
    const rss = peakRssMb(server.pid!)

    const ok2xx = (r: autocannon.Result) => r['2xx']
    const r1 = (n: number) => Math.round(n * 10) / 10
    const r2 = (n: number) => Math.round(n * 100) / 100
    const floorRps = floorMax.requests.mean
    const saveRps = ok2xx(saveMax) / saveMax.duration
    const json = {
      floor: { rps: r1(floorRps), p50_ms: floorSteady.latency.p50, p99_ms: floorSteady.latency.p99 },
      autosave: {
        rps: r1(saveRps), ratio_to_floor: r2(saveRps / floorRps), non_2xx: saveMax.non2xx, rows_added: added, rows_match: added >= saved2xx && added <= saved2xx + 2 * CONNECTIONS,
        p50_ms: saveSteady.latency.p50, p99_ms: saveSteady.latency.p99, p99_ratio_to_floor: r2(saveSteady.latency.p99 / Math.max(1, floorSteady.latency.p99)), steady_non_2xx: saveSteady.non2xx
      },
      start: { count: STARTS, seconds_to_last: r2(startSeconds), errors: startErrors },
      page: {
        rps: r1(pageRate(pages)),
        view_rps: r1(median(viewRuns.map((r) => r.rate))), direct_rps: r1(median(directRuns.map((r) => r.rate))), ratio_to_direct: r2(median(pairRatios)), pair_ratios: pairRatios.map(r2),
        per_cpu_second: r1(1 / viewCpu), direct_per_cpu_second: r1(1 / directCpu), cpu_ratio_to_direct: r2(directCpu / viewCpu)
      },
      server: { peak_rss_mb: rss }
    }
    const p99Limit = Math.max(2 * floorSteady.latency.p99, floorSteady.latency.p99 + 5)
    const checks = [
      [saveRps >= 0.5 * floorRps, `autosave ${r1(saveRps)}/s is ${json.autosave.ratio_to_floor}x the floor (target >= 0.5)`],
      [saveSteady.latency.p99 <= p99Limit, `autosave p99 ${saveSteady.latency.p99} ms at ${RATE}/s vs floor ${floorSteady.latency.p99} ms (limit ${p99Limit} ms)`],
      [json.autosave.rows_match, `rows added ${added} = 2xx saves ${saved2xx} of both runs (plus at most one in flight per connection when a run stopped)`],
      [startErrors === 0 && startSeconds <= 5, `${STARTS} starts served in ${json.start.seconds_to_last} s with ${startErrors} errors (target <= 5 s, 0 errors)`],
      [json.page.rps >= 1000, `${json.page.rps} exam pages/s (target >= 1000)`],
      [json.page.cpu_ratio_to_direct >= 0.95, `exam pages through @fastify/view: ${json.page.per_cpu_second} per CPU-second, ${json.page.cpu_ratio_to_direct}x direct Eta rendering's ${json.page.direct_per_cpu_second} (target >= 0.95; by wall clock ${json.page.ratio_to_direct}x, the median of seven paired runs)`],
      [rss < 300, `peak memory ${rss} MB (target < 300)`]
    ] as const
    return {
      section: 'exams',
      ok: checks.every(([ok]) => ok),
      summary: checks.map(([ok, s]) => `${ok ? 'ok' : 'MISSED'}: ${s}`).join('; '),
      figures: [
        { name: 'floor: max rps (100 conns)', value: json.floor.rps, unit: 'req/s' },
        { name: `floor: p50 / p99 at ${RATE}/s`, value: json.floor.p99_ms, unit: 'ms p99', note: `p50 ${json.floor.p50_ms} ms` },
        { name: 'autosave: max 2xx/s (100 conns)', value: json.autosave.rps, unit: 'saves/s', note: `${json.autosave.ratio_to_floor}x floor; rows added ${added}` },
        { name: `autosave: p99 at ${RATE}/s`, value: json.autosave.p99_ms, unit: 'ms p99', note: `p50 ${json.autosave.p50_ms} ms; ${json.autosave.p99_ratio_to_floor}x floor p99` },
        { name: `${STARTS} synchronized starts`, value: json.start.seconds_to_last, unit: 's to last first page', note: `${startErrors} errors` },
        { name: 'exam page of 10 questions', value: json.page.rps, unit: 'pages/s' },
        { name: 'page: @fastify/view, per CPU-second', value: json.page.per_cpu_second, unit: 'pages/CPU-s', note: `${json.page.cpu_ratio_to_direct}x direct Eta (${json.page.direct_per_cpu_second})` },
        { name: 'page: @fastify/view, per second', value: json.page.view_rps, unit: 'pages/s', note: `${json.page.ratio_to_direct}x direct Eta (${json.page.direct_rps}/s); pairs ${json.page.pair_ratios.join(', ')}` },
        { name: 'server peak RSS', value: rss, unit: 'MB' }
      ],
      json
    }
  } finally {
    floor.kill('SIGKILL')
    for (const c of comparison) c.kill('SIGKILL')
    server.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    fs.rmSync(p.dir, { recursive: true, force: true })
  }
}
