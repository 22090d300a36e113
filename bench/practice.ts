// The practice section: answering a practice question (its feedback rendered, as htmx asks for it)
// against the exams section's floor, a bare Fastify server inserting one SQLite row per POST,
// measured in the same run.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type autocannon from 'autocannon'
import { inArray } from 'drizzle-orm'
import { openDatabase, type Db } from '../src/db/connection.js'
import { practiceAnswers, questionVersions } from '../src/db/schema.js'
import { currentPool, insertSet, type Pool } from '../src/features/practice/queries.js'
import { exec, transaction, type Q } from '../src/db/engine.js'
import { shownOptions } from '../src/features/practice/view.js'
import { seededRng, shuffle } from '../src/lib/rng.js'
import { startProcess, waitFor, run, HEADERS, benchDatabase, benchTrainee } from './exams.js'
import type { SectionResult } from './run.js'
import type { Pii } from '../src/lib/pii.js'
import { serverPort } from '../tests/helpers/ports.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TRAINEES = 2000
const SET_SIZE = 50
const CONNECTIONS = 100
const SECONDS = 8
const RATE = 1000

export interface Prepared { dir: string, dbFile: string, key: Buffer, sets: Array<{ id: number, seed: string, questionVersionIds: number[], cookie: string, /** per position, one option value the page gives */ values: string[] }> }

/** The bench's trainees, each with a session and a random set of the pool's questions: a transaction body. */
function * traineesWithSets (db: Db, pii: Pii, pool: Pool, now: Date): Q<Prepared['sets']> {
  const sets: Prepared['sets'] = []
  for (let i = 0; i < TRAINEES; i++) {
    const { traineeId, cookie } = yield * benchTrainee(db, pii, 'p', i, now)
    const ids = shuffle(pool.questions.map((q) => q.id), seededRng(`bench-${i}`)).slice(0, SET_SIZE)
    const set = yield * insertSet(db, { traineeId, mode: 'random', domain: null, topic: null, itemType: null, releaseId: pool.releaseId, seed: `bench-seed-${i}`, questionVersionIds: ids }, now)
    sets.push({ id: set.id, seed: set.seed, questionVersionIds: ids, cookie, values: [] })
  }
  return sets
}

/** 2,000 trainees with a session each and a random set of 50 questions of a 2,000-question bank. */
export async function prepare (): Promise<Prepared> {
  const { dir, dbFile, key, db, pii, now } = await benchDatabase('practice')
  const pool = (await exec(db, currentPool))!
  const sets = await transaction(db, traineesWithSets, pii, pool, now)
  // Each position's first option value: right or wrong by chance, as a trainee answers.
  const bodies = new Map(db.select({ id: questionVersions.id, type: questionVersions.type, body: questionVersions.body }).from(questionVersions)
    .where(inArray(questionVersions.id, pool.questions.map((q) => q.id))).all().map((q) => [q.id, q]))
  for (const s of sets) s.values = s.questionVersionIds.map((qid, i) => shownOptions(s, i + 1, bodies.get(qid)!).codes[0]!)
  db.$client.close()
  return { dir, dbFile, key, sets }
}

/** Answer requests that are right by construction: request i answers set (i mod 2,000) at its next position, each position once. */
export function answerRequests (sets: Prepared['sets'], state: { counter: number }): autocannon.Request[] {
  return [{
    method: 'POST',
    setupRequest: (req: autocannon.Request) => {
      const i = state.counter++
      const s = sets[i % sets.length]!
      const position = (Math.floor(i / sets.length) % SET_SIZE) + 1
      return { ...req, path: `/practice/sets/${s.id}/questions/${position}`, headers: { ...HEADERS, cookie: s.cookie }, body: `choice=${encodeURIComponent(s.values[position - 1]!)}` }
    }
  } as unknown as autocannon.Request]
}

const SETTLE_MS = 5000
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS))

export async function practiceSection (): Promise<SectionResult> {
  const p = await prepare()
  const floorPort = serverPort(1001)
  const appPort = floorPort + 1000
  const floor = startProcess([path.join(ROOT, 'bench/floor-server.ts'), path.join(p.dir, 'floor.db'), String(floorPort)], { LOG_LEVEL: 'info' })
  const server = startProcess([path.join(ROOT, 'src/main.ts'), 'serve'], { DATABASE_PATH: p.dbFile, LOG_LEVEL: 'info', GUARDPASS_DEMO: 'off', GUARDPASS_DATA_KEY: p.key.toString('hex'), PORT: String(appPort) })
  try {
    await waitFor(floorPort, '/save', 'GET')
    await waitFor(appPort, '/healthz')
    const floorBody = 'item=1&seq=1&choice=A'
    const countAnswers = () => { const db = openDatabase(p.dbFile); const n = db.select({ id: practiceAnswers.id }).from(practiceAnswers).all().length; db.$client.close(); return n }
    const state = { counter: 0 }
    // Throughput: alternating, twice each, the best of each (as the exams section does).
    const floorRuns: autocannon.Result[] = []
    const answerRuns: autocannon.Result[] = []
    // Each run starts after a pause in which the previous run's writes settle: the other server's
    // WAL checkpoint syncs the same disk, and without the pause the floor ran in the answers' wake.
    for (let round = 0; round < 2; round++) {
      await settle()
      floorRuns.push(await run({ url: `http://127.0.0.1:${floorPort}/save`, method: 'POST', headers: HEADERS, body: floorBody, connections: CONNECTIONS, duration: SECONDS }))
      await settle()
      answerRuns.push(await run({ url: `http://127.0.0.1:${appPort}`, connections: CONNECTIONS, duration: SECONDS, requests: answerRequests(p.sets, state) }))
    }
    const floorMax = floorRuns.reduce((a, b) => (b.requests.mean > a.requests.mean ? b : a))
    const answerMax = answerRuns.reduce((a, b) => (b['2xx'] / b.duration > a['2xx'] / a.duration ? b : a))
    // Latency at a steady 1,000 per second, the floor then the answers.
    await settle()
    const floorSteady = await run({ url: `http://127.0.0.1:${floorPort}/save`, method: 'POST', headers: HEADERS, body: floorBody, connections: CONNECTIONS, duration: SECONDS, overallRate: RATE })
    await settle()
    const answerSteady = await run({ url: `http://127.0.0.1:${appPort}`, connections: CONNECTIONS, duration: SECONDS, overallRate: RATE, requests: answerRequests(p.sets, state) })
    const rows = countAnswers()
    const answered2xx = [...answerRuns, answerSteady].reduce((n, r) => n + r['2xx'], 0)
    const unanswered = [...answerRuns, answerSteady].reduce((n, r) => n + r.errors + r.timeouts, 0)

    const r1 = (n: number) => Math.round(n * 10) / 10
    const r2 = (n: number) => Math.round(n * 100) / 100
    const floorRps = floorMax.requests.mean
    const answerRps = answerMax['2xx'] / answerMax.duration
    const json = {
      floor: { rps: r1(floorRps), p99_ms: floorSteady.latency.p99 },
      answer: { rps: r1(answerRps), ratio_to_floor: r2(answerRps / floorRps), p99_ms: answerSteady.latency.p99 }
    }
    const p99Limit = Math.max(2 * floorSteady.latency.p99, floorSteady.latency.p99 + 5)
    const checks = [
      [answerRps >= 0.5 * floorRps, `answering ${json.answer.rps}/s is ${json.answer.ratio_to_floor}x the floor's ${json.floor.rps}/s (target >= 0.5)`],
      [answerSteady.latency.p99 <= p99Limit, `answering p99 ${answerSteady.latency.p99} ms at ${RATE}/s vs floor ${floorSteady.latency.p99} ms (limit ${p99Limit} ms)`],
      [answerMax.non2xx === 0 && answerSteady.non2xx === 0, `non-2xx answers: ${answerMax.non2xx} at most, ${answerSteady.non2xx} steady`],
      // Each position is answered once: one row per 2xx answer, plus those a run stopped or timed out waiting for (still recorded).
      [rows >= answered2xx && rows <= answered2xx + unanswered + 3 * CONNECTIONS, `answer rows ${rows} for ${answered2xx} 2xx answers (${unanswered} timed out or cut off)`]
    ] as const
    return {
      section: 'practice',
      ok: checks.every(([ok]) => ok),
      summary: checks.map(([ok, s]) => `${ok ? 'ok' : 'MISSED'}: ${s}`).join('; '),
      figures: [
        { name: 'floor: max rps (100 conns)', value: json.floor.rps, unit: 'req/s' },
        { name: `floor: p99 at ${RATE}/s`, value: json.floor.p99_ms, unit: 'ms p99' },
        { name: 'answer with feedback: max 2xx/s', value: json.answer.rps, unit: 'answers/s', note: `${json.answer.ratio_to_floor}x floor` },
        { name: `answer: p99 at ${RATE}/s`, value: json.answer.p99_ms, unit: 'ms p99', note: `${r2(json.answer.p99_ms / Math.max(1, json.floor.p99_ms))}x floor p99` }
      ],
      json
    }
  } finally {
    floor.kill('SIGKILL')
    server.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    fs.rmSync(p.dir, { recursive: true, force: true })
  }
}
