// The exams section on PostgreSQL (issue 19): two app nodes of one deployment on one database,
// on this machine, against a floor of the same kind: two bare Fastify servers inserting into the
// same PostgreSQL. Autosave (throughput and p99 at a steady rate), 1,000 synchronized starts, exam
// pages, all spread over both nodes. Two nodes, PostgreSQL and the load generator share the
// machine's two cores, so only the ratios to the floor of the same run mean anything.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { spawn, type ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'
import pg from 'pg'
import { startCluster } from '../tests/helpers/pg-cluster.js'
import { generateBank } from './bank.js'
import { startProcess, waitFor, peakRssMb, run, autosaveRequests, HEADERS, cpuSeconds, treeCpuSeconds, machineBusySeconds } from './exams.js'
import type { SectionResult } from './run.js'
import { serverPort } from '../tests/helpers/ports.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CONNECTIONS = 100
const SECONDS = 8
const RATE = 1000
const STARTS = 1000

interface Prepared { cookies: string[], attempts: Array<{ id: number, cookie: string, items: Array<{ slot: number, options: string[] }> }> }

/** The same load on two servers at once, half the connections (and half the rate) each: the 2xx per second of both, and the worse p99. */
async function onBoth (ports: [number, number], opts: (port: number) => autocannon.Options): Promise<{ rps: number, p50: number, p99: number, non2xx: number, ok: number }> {
  const [a, b] = await Promise.all(ports.map((port) => run(opts(port))))
  return { rps: (a!['2xx'] + b!['2xx']) / a!.duration, p50: Math.max(a!.latency.p50, b!.latency.p50), p99: Math.max(a!.latency.p99, b!.latency.p99), non2xx: a!.non2xx + b!.non2xx, ok: a!['2xx'] + b!['2xx'] }
}

function runChild (args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { out += d })
    child.on('close', (code) => code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}:\n${out.slice(-3000)}`)))
  })
}

export async function examsPgSection (): Promise<SectionResult> {
  // Durable (fsync on, as in production): a commit waits for the disk, as the SQLite section's do.
  // BENCH_PG_STATEMENTS=1: PostgreSQL's own account of the exam pages' statements (pg_stat_statements), printed after them.
  const statements = process.env.BENCH_PG_STATEMENTS === '1'
  const cluster = startCluster({ durable: true, settings: { max_connections: '100', ...(statements ? { shared_preload_libraries: 'pg_stat_statements' } : {}), ...(process.env.BENCH_PG_SETTINGS ? Object.fromEntries(process.env.BENCH_PG_SETTINGS.split(',').map((kv) => kv.split('=') as [string, string])) : {}) } })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-bench-exams-pg-'))
  const children: ChildProcess[] = []
  try {
    const admin = new pg.Client({ connectionString: cluster.url() })
    await admin.connect()
    await admin.query('CREATE DATABASE bench')
    await admin.query('CREATE DATABASE floor')
    await admin.end()
    const url = cluster.url('bench')
    const key = randomBytes(32).toString('hex')
    generateBank(path.join(dir, 'bank'), 2000)
    await runChild([path.join(ROOT, 'bench/exams-pg-prepare.ts'), path.join(dir, 'bank'), path.join(dir, 'prepared.json')], { DATABASE_URL: url, GUARDPASS_DATA_KEY: key })
    const p = JSON.parse(fs.readFileSync(path.join(dir, 'prepared.json'), 'utf8')) as Prepared

    const base = serverPort(4)
    const floorPorts: [number, number] = [base, base + 1]
    const appPorts: [number, number] = [base + 2, base + 3]
    const floorServers = floorPorts.map((port) => startProcess([path.join(ROOT, 'bench/floor-pg-server.ts'), cluster.url('floor'), String(port)], { LOG_LEVEL: 'info' }, path.join(dir, `floor-${port}.log`)))
    children.push(...floorServers)
    const nodeEnv = { DATABASE_URL: url, GUARDPASS_DATA_KEY: key, GUARDPASS_DEMO: 'off', LOG_LEVEL: 'info', DATABASE_PATH: path.join(dir, 'unused.db'), FILES_DIR: path.join(dir, 'files') }
    const nodes = appPorts.map((port) => startProcess([path.join(ROOT, 'src/main.ts'), 'serve'], { ...nodeEnv, PORT: String(port) }, path.join(dir, `node-${port}.log`)))
    children.push(...nodes)
    for (const port of floorPorts) await waitFor(port, '/save', 'GET')
    for (const port of appPorts) await waitFor(port, '/healthz').catch((err) => { throw new Error(`${(err as Error).message}:\n${fs.readFileSync(path.join(dir, `node-${port}.log`), 'utf8').slice(-2000)}`) })

    const steps = async () => { const c = new pg.Client({ connectionString: url }); await c.connect(); const r = await c.query('SELECT count(*)::int AS n FROM attempt_steps'); await c.end(); return r.rows[0].n as number }
    const floorBody = 'item=1&seq=1&choice=A'
    const floorLoad = (extra: Partial<autocannon.Options>) => (port: number): autocannon.Options => ({ url: `http://127.0.0.1:${port}/save`, method: 'POST', headers: HEADERS, body: floorBody, connections: CONNECTIONS / 2, duration: SECONDS, ...extra })
    // Each node's share of the open attempts, so that both never save the same item at once.
    const halves = [p.attempts.filter((_, i) => i % 2 === 0), p.attempts.filter((_, i) => i % 2 === 1)]
    const states = [{ counter: 0, seqs: new Map<string, number>() }, { counter: 0, seqs: new Map<string, number>() }]
    const saveLoad = (extra: Partial<autocannon.Options>) => (port: number): autocannon.Options => {
      const k = port === appPorts[0] ? 0 : 1
      return { url: `http://127.0.0.1:${port}`, connections: CONNECTIONS / 2, duration: SECONDS, requests: autosaveRequests(halves[k]!, states[k]!), ...extra }
    }

    // Where the CPU goes: the servers under load, PostgreSQL (the postmaster and its backends), the
    // load generator (this process) and the whole machine, in CPU seconds over the throughput runs.
    const postmaster = Number(fs.readFileSync(path.join(cluster.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0])
    const cpuNow = (servers: ChildProcess[]) => {
      const own = process.cpuUsage()
      return { servers: servers.reduce((n, c) => n + cpuSeconds(c.pid!), 0), postgres: treeCpuSeconds(postmaster), load: (own.user + own.system) / 1e6, machine: machineBusySeconds(), wall: performance.now() / 1000 }
    }
    type Cpu = ReturnType<typeof cpuNow>
    const zero = () => ({ servers: 0, postgres: 0, load: 0, machine: 0, wall: 0 })
    const cpuSpent = { floor: zero(), save: zero(), start: zero(), page: zero() }
    const metered = async <T>(kind: keyof typeof cpuSpent, servers: ChildProcess[], work: () => Promise<T>): Promise<T> => {
      const a = cpuNow(servers)
      const result = await work()
      const b = cpuNow(servers)
      for (const k of Object.keys(a) as Array<keyof Cpu>) cpuSpent[kind][k] += b[k] - a[k]
      return result
    }

    // Throughput: the floor pair and the nodes alternate, twice each; each keeps its best run.
    const before = await steps()
    const floorRuns = []
    const saveRuns = []
    for (let round = 0; round < 2; round++) {
      floorRuns.push(await metered('floor', floorServers, () => onBoth(floorPorts, floorLoad({}))))
      saveRuns.push(await metered('save', nodes, () => onBoth(appPorts, saveLoad({}))))
    }
    const floorOk = floorRuns.reduce((n, r) => n + r.ok, 0)
    const added = (await steps()) - before
    const saved2xx = saveRuns.reduce((n, r) => n + r.ok, 0)
    const floorMax = floorRuns.reduce((a, b) => (b.rps > a.rps ? b : a))
    const saveMax = saveRuns.reduce((a, b) => (b.rps > a.rps ? b : a))

    // Latency at a steady rate over both (half each).
    const floorSteady = await onBoth(floorPorts, floorLoad({ overallRate: RATE / 2 }))
    const saveSteady = await onBoth(appPorts, saveLoad({ overallRate: RATE / 2 }))

    // Exam pages of ten questions from both nodes, after a warm-up not counted.
    const turns = [0, 0]
    const pageLoad = (duration: number) => (port: number): autocannon.Options => {
      const k = port === appPorts[0] ? 0 : 1
      return { url: `http://127.0.0.1:${port}`, connections: 25, duration, requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => { const a = halves[k]![turns[k]!++ % halves[k]!.length]!; return { ...req, path: `/exams/attempts/${a.id}?page=1`, headers: { cookie: a.cookie } } } } as unknown as autocannon.Request] }
    }
    await onBoth(appPorts, pageLoad(3))
    const stats = async (query: string) => { const c = new pg.Client({ connectionString: url }); await c.connect(); try { return (await c.query(query)).rows } finally { await c.end() } }
    if (statements) await stats('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()')
    const pages = await metered('page', nodes, () => onBoth(appPorts, pageLoad(5)))
    if (statements) {
      const top = await stats("SELECT calls, round(total_exec_time::numeric, 1) AS ms, round((total_exec_time / calls)::numeric, 3) AS ms_each, rows / calls AS rows_each, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC LIMIT 12")
      console.log(`the exam pages' statements (${pages.ok} pages), by PostgreSQL's time:`)
      for (const r of top) console.log(`  ${String(r.calls).padStart(7)} calls ${String(r.ms).padStart(9)} ms ${String(r.ms_each).padStart(7)} ms each ${String(r.rows_each).padStart(5)} rows  ${r.query}`)
    }

    // 1,000 synchronized starts of the national mock (the shipped bank, published at start), alternately on each node; the floor: 1,000 inserts at once on its pair.
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
    const req = (port: number, method: string, url: string, cookie: string, body?: string) => new Promise<{ status: number, location?: string }>((resolve) => {
      const r = http.request({ host: '127.0.0.1', port, method, path: url, agent, timeout: 60_000, headers: { ...HEADERS, 'hx-request': 'false', cookie, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
        res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }))
      })
      r.on('error', () => resolve({ status: 0 })); r.on('timeout', () => { r.destroy(); resolve({ status: 0 }) })
      r.end(body)
    })
    const f0 = performance.now()
    const floorBurst = await Promise.all(Array.from({ length: STARTS }, (_, i) => req(floorPorts[i % 2]!, 'POST', '/save', '', floorBody)))
    const floorBurstSeconds = (performance.now() - f0) / 1000
    const starters = p.cookies.slice(p.attempts.length, p.attempts.length + STARTS)
    const t0 = performance.now()
    const outcomes = await metered('start', nodes, () => Promise.all(starters.map(async (cookie, i) => {
      const port = appPorts[i % 2]!
      const s = await req(port, 'POST', '/exams/start', cookie, 'blueprint=national-mock')
      if (s.status !== 303 || !s.location?.startsWith('/exams/attempts/')) return `start ${s.status}`
      // The first page from the other node: a start's attempt is in the database for both.
      const page = await req(appPorts[(i + 1) % 2]!, 'GET', s.location, cookie)
      return page.status === 200 ? null : `page ${page.status}`
    })))
    const startSeconds = (performance.now() - t0) / 1000
    agent.destroy()
    const startErrors = outcomes.filter((o) => o !== null)
    const floorBurstErrors = floorBurst.filter((r) => r.status !== 200).length
    const rss = nodes.map((n) => peakRssMb(n.pid!))
    // Transactions PostgreSQL refused at SERIALIZABLE (each ran again, engine.ts): from the cluster's log.
    const serverLog = fs.readFileSync(path.join(cluster.dir, 'server.log'), 'utf8')
    const serialisationFailures = (serverLog.match(/could not serialize access/g) ?? []).length
    const deadlocks = (serverLog.match(/deadlock detected/g) ?? []).length

    const r1 = (n: number) => Math.round(n * 10) / 10
    const r2 = (n: number) => Math.round(n * 100) / 100
    const r3 = (n: number) => Math.round(n * 1000) / 1000
    const cpuPer = (c: typeof cpuSpent.floor, ok: number) => ({
      servers: r3(1000 * c.servers / ok), postgres: r3(1000 * c.postgres / ok), load_generator: r3(1000 * c.load / ok), machine: r3(1000 * c.machine / ok),
      machine_busy: r2(c.machine / (os.cpus().length * c.wall))
    })
    const json = {
      floor: { rps: r1(floorMax.rps), p50_ms: floorSteady.p50, p99_ms: floorSteady.p99, burst_seconds: r2(floorBurstSeconds), burst_errors: floorBurstErrors },
      autosave: {
        rps: r1(saveMax.rps), ratio_to_floor: r2(saveMax.rps / floorMax.rps), non_2xx: saveMax.non2xx, rows_added: added, rows_match: added >= saved2xx && added <= saved2xx + 2 * CONNECTIONS,
        p50_ms: saveSteady.p50, p99_ms: saveSteady.p99, p99_ratio_to_floor: r2(saveSteady.p99 / Math.max(1, floorSteady.p99)), steady_non_2xx: saveSteady.non2xx
      },
      start: { count: STARTS, seconds_to_last: r2(startSeconds), ratio_to_floor_burst: r2(startSeconds / Math.max(0.001, floorBurstSeconds)), errors: startErrors.length, first_errors: startErrors.slice(0, 5) },
      page: { rps: r1(pages.rps), ratio_to_floor: r2(pages.rps / floorMax.rps) },
      nodes: { peak_rss_mb: rss },
      // CPU milliseconds per 2xx request in the throughput runs, by process, and how busy the machine was (1.0 = both cores all the time).
      cpu_ms_per_request: {
        floor: cpuPer(cpuSpent.floor, floorOk),
        autosave: cpuPer(cpuSpent.save, saved2xx),
        // A start and its first page.
        start: cpuPer(cpuSpent.start, STARTS),
        page: cpuPer(cpuSpent.page, pages.ok)
      },
      postgres: { serialisation_failures: serialisationFailures, deadlocks }
    }
    const cpuNote = (c: ReturnType<typeof cpuPer>) => `servers ${c.servers}, PostgreSQL ${c.postgres}, load generator ${c.load_generator} ms; machine busy ${c.machine_busy} of its cores`
    const p99Limit = Math.max(2 * floorSteady.p99, floorSteady.p99 + 5)
    const checks = [
      [saveMax.rps >= 0.5 * floorMax.rps, `autosave over two nodes ${json.autosave.rps}/s is ${json.autosave.ratio_to_floor}x the PostgreSQL floor pair (target >= 0.5)`],
      [saveSteady.p99 <= p99Limit, `autosave p99 ${saveSteady.p99} ms at ${RATE}/s vs floor ${floorSteady.p99} ms (limit ${p99Limit} ms)`],
      [json.autosave.rows_match, `rows added ${added} = 2xx saves ${saved2xx} (plus at most one in flight per connection)`],
      [startErrors.length === 0, `${STARTS} starts over two nodes (each first page from the other node) in ${json.start.seconds_to_last} s, ${json.start.ratio_to_floor_burst}x the floor's ${STARTS} inserts at once (${json.floor.burst_seconds} s), ${startErrors.length} errors`]
    ] as const
    return {
      section: 'exams-pg',
      ok: checks.every(([ok]) => ok),
      summary: checks.map(([ok, s]) => `${ok ? 'ok' : 'MISSED'}: ${s}`).join('; ') + `; exam pages ${json.page.rps}/s over two nodes (${json.page.ratio_to_floor}x the floor's inserts/s); peak RSS ${rss.join(' and ')} MB`,
      figures: [
        { name: 'PG floor (2 servers): max rps', value: json.floor.rps, unit: 'req/s' },
        { name: `PG floor: p99 at ${RATE}/s`, value: json.floor.p99_ms, unit: 'ms p99', note: `p50 ${json.floor.p50_ms} ms` },
        { name: 'autosave (2 nodes): max 2xx/s', value: json.autosave.rps, unit: 'saves/s', note: `${json.autosave.ratio_to_floor}x floor; rows added ${added}` },
        { name: `autosave: p99 at ${RATE}/s`, value: json.autosave.p99_ms, unit: 'ms p99', note: `p50 ${json.autosave.p50_ms} ms; ${json.autosave.p99_ratio_to_floor}x floor p99` },
        { name: `${STARTS} synchronized starts`, value: json.start.seconds_to_last, unit: 's to last first page', note: `${json.start.ratio_to_floor_burst}x floor burst (${json.floor.burst_seconds} s); ${startErrors.length} errors` },
        { name: 'exam page of 10 questions', value: json.page.rps, unit: 'pages/s', note: `${json.page.ratio_to_floor}x floor rps` },
        { name: 'CPU per floor insert', value: json.cpu_ms_per_request.floor.machine, unit: 'ms', note: cpuNote(json.cpu_ms_per_request.floor) },
        { name: 'CPU per save', value: json.cpu_ms_per_request.autosave.machine, unit: 'ms', note: cpuNote(json.cpu_ms_per_request.autosave) },
        { name: 'CPU per start and first page', value: json.cpu_ms_per_request.start.machine, unit: 'ms', note: cpuNote(json.cpu_ms_per_request.start) },
        { name: 'CPU per exam page', value: json.cpu_ms_per_request.page.machine, unit: 'ms', note: cpuNote(json.cpu_ms_per_request.page) },
        { name: 'nodes peak RSS', value: Math.max(...rss), unit: 'MB', note: rss.join(', ') },
        { name: 'serialisation failures (retried)', value: serialisationFailures, unit: 'transactions', note: `${deadlocks} deadlocks` }
      ],
      json
    }
  } finally {
    for (const c of children) c.kill('SIGKILL')
    // The servers' and the cluster's logs are kept for a look after the run.
    const keep = path.join(os.tmpdir(), 'guardpass-bench-exams-pg-logs')
    fs.rmSync(keep, { recursive: true, force: true })
    fs.mkdirSync(keep, { recursive: true })
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.log'))) fs.copyFileSync(path.join(dir, f), path.join(keep, f))
    if (fs.existsSync(path.join(cluster.dir, 'server.log'))) fs.copyFileSync(path.join(cluster.dir, 'server.log'), path.join(keep, 'postgres.log'))
    cluster.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
