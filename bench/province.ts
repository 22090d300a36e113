// A synthetic province for the scale bench (bench/scale.ts), in a database made by the app's own
// migrations and question bank, so anyone can reproduce the figures of issue 16:
//
//   npx tsx bench/province.ts --size S|M|L [--dir DIR]
//
// S: 5,000 trainees, M: 50,000, L: 500,000 (2,000 enterprises, 200 stations in 20 districts, one
// district holding 60% of the enterprises; 5 M finished attempts, 10% of them with items and
// steps). Enterprise sizes are uneven too (weights falling as rank^-0.4, so the largest of L has
// about 3,000 guards). Everything is drawn from a seeded generator: the same size gives the same
// province. The database goes to DIR/<size>.db with DIR/<size>.json beside it, which names the data
// key and the accounts the bench signs in as; the bench reuses a finished province.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { openDatabase, migrateDatabase } from '../src/db/connection.js'
import { createPii } from '../src/lib/pii.js'
import { creditCheckChar } from '../src/lib/id-checksums.js'
import { hashPassword } from '../src/features/auth/index.js'
import { createPiiCheck } from '../src/features/orgs/index.js'
import { checkBank } from '../src/features/bank/format.js'
import { readBankDir } from '../src/features/bank/files.js'
import { publishBank } from '../src/features/bank/publish.js'
import { BANK_DIR } from '../src/paths.js'
import { currentBlueprints, questionPool } from '../src/features/exams/queries.js'
import { assemblePaper, type PaperItem } from '../src/features/exams/assembly.js'
import { demoIdNumber } from '../src/features/demo/seed.js'
import { localDate, addDays } from '../src/lib/time.js'
import { encodeOptionOrder } from '../src/db/schema.js'
import { rebuildReadiness } from '../src/features/readiness/index.js'
import { scopeEvents } from '../src/features/audit/index.js'
import { runSync } from '../src/db/engine.js'
import { systemClock } from '../src/lib/clock.js'
import { exec, transaction } from '../src/db/engine.js'

export type Size = 'S' | 'M' | 'L'
export interface SizeSpec { trainees: number, enterprises: number, districts: number, stationsPerDistrict: number }
export const SIZES: Record<Size, SizeSpec> = {
  S: { trainees: 5_000, enterprises: 20, districts: 4, stationsPerDistrict: 10 },
  M: { trainees: 50_000, enterprises: 200, districts: 20, stationsPerDistrict: 10 },
  L: { trainees: 500_000, enterprises: 2_000, districts: 20, stationsPerDistrict: 10 }
}
/** Finished attempts per trainee, on average; a tenth of them keep their items and steps. */
const ATTEMPTS_PER_TRAINEE = 10
const DETAILED_SHARE = 0.1
/** What every generated account signs in with. */
export const PROVINCE_PASSWORD = 'province-bench-2026'
/** Bumped when what the generator writes changes, so the bench does not reuse a stale province. */
export const PROVINCE_FORMAT = 2
const TIME_ZONE = 'Asia/Shanghai'

export interface ProvinceManifest {
  format: number
  size: Size
  dbFile: string
  dataKeyHex: string
  generatedAt: string
  seconds: number
  bytes: number
  counts: Record<string, number>
  /** Accounts the bench signs in as (usernames; the password is PROVINCE_PASSWORD). */
  accounts: { admin: string, city: string, bigDistrict: string, bigStation: string, trainer: string, trainee: string }
  /** The largest district's and enterprise's ids and sizes, for the export and drill-down. */
  largest: { districtId: number, districtGuards: number, stationId: number, stationGuards: number, enterpriseId: number, enterpriseGuards: number }
}

/** A small, fast, seeded generator (mulberry32). */
function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤']
const GIVEN = [...'伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志勇海峰东亮成新春文斌利民永胜德福兵晓光红']
const DISTRICT_NAMES = ['东城', '西城', '南湖', '北山', '江岸', '河西', '新华', '青山', '红旗', '长安', '和平', '胜利', '解放', '光明', '建设', '友谊', '团结', '前进', '朝阳', '滨江']

function pick<T> (r: () => number, list: readonly T[]): T { return list[Math.floor(r() * list.length)]! }

/** Generates a province of the given size into dir; returns its manifest (also written beside the database). */
export async function generateProvince (size: Size, dir: string, log: (line: string) => void = console.log): Promise<ProvinceManifest> {
  const spec = SIZES[size]
  const started = Date.now()
  fs.mkdirSync(dir, { recursive: true })
  const dbFile = path.join(dir, `${size}.db`)
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, path.join(dir, `${size}.json`)]) fs.rmSync(f, { force: true })
  const r = rng(0x5eed + spec.trainees)
  const key = randomBytes(32)
  const pii = createPii(key)
  const now = new Date()
  const nowMs = now.getTime()
  const today = localDate(now, TIME_ZONE)
  const db = openDatabase(dbFile)
  migrateDatabase(db)
  await createPiiCheck(db).check(key)
  await transaction(db, publishBank, checkBank(readBankDir(BANK_DIR)).bank, null, now)
  const { release, blueprints } = await exec(db, currentBlueprints)
  const pool = await exec(db, questionPool, release!.id)
  const raw: Database.Database = db.$client
  // Generation only: nothing here must survive a power loss, and the indexes want memory.
  raw.pragma('journal_mode = DELETE')
  raw.pragma('synchronous = OFF')
  raw.pragma('cache_size = -2000000')
  raw.pragma('temp_store = MEMORY')
  const passwordHash = await hashPassword(PROVINCE_PASSWORD)
  const counts: Record<string, number> = {}
  const bump = (k: string, n = 1) => { counts[k] = (counts[k] ?? 0) + n }

  // ---- jurisdictions, enterprises, staff accounts ----
  const insJ = raw.prepare('INSERT INTO jurisdictions (code, name, level, parent_id, created_at) VALUES (?, ?, ?, ?, ?)')
  const insUser = raw.prepare('INSERT INTO users (username, display_name, password_hash, role, status, must_change_password, enterprise_id, jurisdiction_id, created_at, updated_at) VALUES (?, ?, ?, ?, \'active\', 0, ?, ?, ?, ?)')
  const insE = raw.prepare('INSERT INTO enterprises (name, credit_code, address, jurisdiction_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
  const stations: Array<{ id: number, district: number }> = []
  const districts: number[] = []
  let cityId = 0
  raw.transaction(() => {
    cityId = Number(insJ.run('P-CITY', '省会市公安局', 'city', null, nowMs).lastInsertRowid)
    insUser.run('police-city', '市局民警', passwordHash, 'police', null, cityId, nowMs, nowMs)
    insUser.run('admin-1', '系统管理员', passwordHash, 'admin', null, null, nowMs, nowMs)
    for (let d = 0; d < spec.districts; d++) {
      const name = DISTRICT_NAMES[d % DISTRICT_NAMES.length]! + (d >= DISTRICT_NAMES.length ? String(d) : '')
      const did = Number(insJ.run(`P-D${d + 1}`, `${name}分局`, 'district', cityId, nowMs).lastInsertRowid)
      districts.push(did)
      insUser.run(`police-d${d + 1}`, `${name}分局民警`, passwordHash, 'police', null, did, nowMs, nowMs)
      for (let s = 0; s < spec.stationsPerDistrict; s++) {
        const sid = Number(insJ.run(`P-D${d + 1}-S${s + 1}`, `${name}第${s + 1}派出所`, 'station', did, nowMs).lastInsertRowid)
        stations.push({ id: sid, district: d })
        insUser.run(`police-d${d + 1}-s${s + 1}`, `${name}第${s + 1}派出所民警`, passwordHash, 'police', null, sid, nowMs, nowMs)
      }
    }
  })()
  bump('jurisdictions', 1 + districts.length + stations.length)

  // One district holds 60% of the enterprises; the rest share the remainder. Inside a district,
  // stations are uneven too (the first ones are busier).
  const enterprises: Array<{ id: number, station: number, district: number, weight: number, trainer: number }> = []
  raw.transaction(() => {
    for (let e = 0; e < spec.enterprises; e++) {
      const district = r() < 0.6 ? 0 : 1 + Math.floor(r() * (spec.districts - 1))
      const inDistrict = stations.filter((s) => s.district === district)
      const station = inDistrict[Math.min(inDistrict.length - 1, Math.floor(inDistrict.length * r() * r()))]!
      const base = `91110000MA${String(e + 1).padStart(7, '0')}`
      const id = Number(insE.run(`${DISTRICT_NAMES[district % DISTRICT_NAMES.length]}第${e + 1}物业服务有限公司`, base + creditCheckChar(base), `第${district + 1}区某路${e + 1}号`, station.id, nowMs, nowMs).lastInsertRowid)
      const trainer = Number(insUser.run(`trainer-${e + 1}`, `培训师${e + 1}`, passwordHash, 'trainer', id, null, nowMs, nowMs).lastInsertRowid)
      enterprises.push({ id, station: station.id, district, weight: Math.pow(e + 1, -0.4), trainer })
    }
  })()
  bump('enterprises', enterprises.length)
  // Shuffle the weights so the biggest enterprises are not all the first (and so in one district).
  const weights = enterprises.map((e) => e.weight)
  for (let i = weights.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [weights[i], weights[j]] = [weights[j]!, weights[i]!] }
  enterprises.forEach((e, i) => { e.weight = weights[i]! })
  const cumulative: number[] = []
  let total = 0
  for (const e of enterprises) { total += e.weight; cumulative.push(total) }
  const drawEnterprise = (): number => {
    const x = r() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid]! < x) lo = mid + 1; else hi = mid }
    return lo
  }

  // ---- curricula: each enterprise has one mandatory curriculum for a cohort of everyone ----
  const insCurr = raw.prepare('INSERT INTO curricula (enterprise_id, title, created_by, created_at) VALUES (?, ?, ?, ?)')
  const insItem = raw.prepare('INSERT INTO curriculum_items (curriculum_id, position, kind, domain, topic, blueprint_key, required_passes) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insCohort = raw.prepare('INSERT INTO cohorts (enterprise_id, name, created_by, created_at) VALUES (?, ?, ?, ?)')
  const insAssign = raw.prepare('INSERT INTO assignments (curriculum_id, enterprise_id, trainee_id, cohort_id, due_on, mandatory, assigned_by, assigned_at) VALUES (?, ?, NULL, ?, ?, 1, ?, ?)')
  const cohortOf = new Map<number, number>()
  raw.transaction(() => {
    for (const e of enterprises) {
      const c = Number(insCurr.run(e.id, '岗前培训', e.trainer, nowMs).lastInsertRowid)
      insItem.run(c, 1, 'course', 'law', null, null, null)
      insItem.run(c, 2, 'course', 'ethics', null, null, null)
      const cohort = Number(insCohort.run(e.id, '全体保安员', e.trainer, nowMs).lastInsertRowid)
      cohortOf.set(e.id, cohort)
      insAssign.run(c, e.id, cohort, addDays(today, 90), e.trainer, nowMs)
    }
  })()
  bump('curricula', enterprises.length)

  // ---- papers: a few hundred per blueprint, reused (each attempt stores the seed of its paper) ----
  interface Paper { seed: string, items: PaperItem[], versions: string, orders: string[], maxScore: number }
  const papers = new Map<string, Paper[]>()
  for (const bp of blueprints) {
    const list: Paper[] = []
    for (let i = 0; i < 200; i++) {
      const seed = `province-${bp.key}-${i}`
      const items = assemblePaper({ cells: bp.body.cells, shuffleOptions: bp.body.shuffleOptions, pool, seed, recentlySeen: new Set() })
      list.push({ seed, items, versions: JSON.stringify(items.map((it) => it.versionId)), orders: items.map((it) => encodeOptionOrder(it.optionOrder)), maxScore: items.reduce((s, it) => s + it.points, 0) })
    }
    papers.set(bp.key, list)
  }
  const answerOf = new Map<number, { right: string, wrong: string }>()
  for (const row of raw.prepare('SELECT id, type, body FROM question_versions').all() as Array<{ id: number, type: string, body: string }>) {
    const body = JSON.parse(row.body) as { answer: string[], options: Array<{ key: string }> }
    const answer = body.answer
    const keys = row.type === 'judge' ? ['true', 'false'] : body.options.map((o) => o.key)
    const wrong = keys.find((k) => !answer.includes(k)) ?? keys[0]!
    answerOf.set(row.id, { right: JSON.stringify(answer), wrong: JSON.stringify([wrong]) })
  }
  const national = blueprints.find((b) => b.key === 'national-mock') ?? blueprints[0]!
  const others = blueprints.filter((b) => b !== national)

  // ---- people, their employments, declarations, lessons and attempts, in chunks ----
  const insTraineeUser = raw.prepare('INSERT INTO users (username, display_name, password_hash, role, status, must_change_password, created_at, updated_at) VALUES (?, ?, ?, \'trainee\', \'active\', 0, ?, ?)')
  const insTrainee = raw.prepare('INSERT INTO trainees (user_id, full_name, id_number_enc, id_number_hmac, birth_date, phone, education, certificate_no, certificate_issued_on, certificate_status, privacy_accepted_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
  const insEmp = raw.prepare('INSERT INTO employments (trainee_id, enterprise_id, started_on, ended_on, duty_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insMember = raw.prepare('INSERT INTO cohort_members (cohort_id, trainee_id, added_at) VALUES (?, ?, ?)')
  const insDecl = raw.prepare('INSERT INTO declarations (trainee_id, kind, value, declared_by, declared_at) VALUES (?, ?, ?, ?, ?)')
  const insLesson = raw.prepare('INSERT INTO lesson_progress (trainee_id, lesson_key, lesson_version_id, studied_at, check_passed_at) VALUES (?, ?, ?, ?, ?)')
  const insAttempt = raw.prepare(`INSERT INTO attempts (trainee_id, blueprint_key, blueprint_version_id, release_id, seed, pass_mark, max_score, started_at, deadline_at, finished_at, finish_reason, score, passed, breakdown)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insRecent = raw.prepare('INSERT INTO recent_papers (attempt_id, trainee_id, question_version_ids) VALUES (?, ?, ?)')
  const insAItem = raw.prepare('INSERT INTO attempt_items (attempt_id, slot, question_version_id, option_order, points, flagged, answered) VALUES (?, ?, ?, ?, ?, 0, ?)')
  const insStep = raw.prepare('INSERT INTO attempt_steps (attempt_item_id, seq, response, at) VALUES (?, ?, ?, ?)')
  const insAudit = raw.prepare('INSERT INTO audit_events (at, actor_id, action, subject_type, subject_id, details, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const lessons = raw.prepare('SELECT lv.id, lv.lesson_key AS key FROM release_lessons rl JOIN lesson_versions lv ON lv.id = rl.lesson_version_id WHERE rl.release_id = ?').all(release!.id) as Array<{ id: number, key: string }>
  const educations = ['junior-middle', 'junior-middle', 'junior-middle', 'senior-middle', 'senior-middle', 'college', 'primary'] as const
  const DAY = 86_400_000
  const CHUNK = 5_000
  const guardsPer = new Map<number, number>()
  let firstTraineeUser = ''
  for (let start = 0; start < spec.trainees; start += CHUNK) {
    raw.transaction(() => {
      for (let n = start; n < Math.min(spec.trainees, start + CHUNK); n++) {
        // Unique ID numbers by construction: a birth day (a bijection of n within each block of
        // 14,600 days) and a sequence number from the block.
        const dayIndex = (n * 7919) % 14_600
        const birthDate = addDays(today, -Math.round(17.5 * 365) - dayIndex)
        const idNumber = demoIdNumber(String(110101 + Math.floor(n / 14_600 / 1000)), birthDate, Math.floor(n / 14_600))
        const name = pick(r, SURNAMES) + pick(r, GIVEN) + (r() < 0.6 ? pick(r, GIVEN) : '')
        const username = `t${n + 1}`
        if (!firstTraineeUser) firstTraineeUser = username
        const userId = Number(insTraineeUser.run(username, name, passwordHash, nowMs, nowMs).lastInsertRowid)
        const certified = r() < 0.3
        const joinedMs = nowMs - Math.floor(r() * 720) * DAY
        const traineeId = Number(insTrainee.run(userId, name, pii.encrypt(idNumber), pii.hash(idNumber), birthDate, `13${String(100000000 + n).slice(-9)}`,
          pick(r, educations), certified ? `BA${String(n + 1).padStart(10, '0')}` : null, certified ? addDays(today, -Math.floor(r() * 1500)) : null, certified ? 'valid' : null,
          joinedMs, joinedMs, joinedMs).lastInsertRowid)
        bump('trainees')
        const e = enterprises[drawEnterprise()]!
        // 5% worked somewhere else before; 3% have left and work nowhere now.
        if (r() < 0.05) {
          const prev = enterprises[drawEnterprise()]!
          insEmp.run(traineeId, prev.id, localDate(new Date(joinedMs - 400 * DAY), TIME_ZONE), localDate(new Date(joinedMs - DAY), TIME_ZONE), 'released', joinedMs, joinedMs)
          bump('employments')
        }
        const left = r() < 0.03
        insEmp.run(traineeId, e.id, localDate(new Date(joinedMs), TIME_ZONE), left ? addDays(today, -Math.floor(r() * 60)) : null, left ? 'released' : (certified || r() < 0.6 ? 'on-duty' : 'in-training'), joinedMs, joinedMs)
        bump('employments')
        if (!left) guardsPer.set(e.id, (guardsPer.get(e.id) ?? 0) + 1)
        insMember.run(cohortOf.get(e.id)!, traineeId, joinedMs)
        // Declarations: most people declared health and conduct; a few a disqualifying record.
        if (r() < 0.85) {
          insDecl.run(traineeId, 'healthy', r() < 0.98 ? 1 : 0, e.trainer, joinedMs + DAY)
          insDecl.run(traineeId, 'good-conduct', r() < 0.98 ? 1 : 0, e.trainer, joinedMs + DAY)
          insDecl.run(traineeId, 'intentional-crime', r() < 0.01 ? 1 : 0, e.trainer, joinedMs + DAY)
          bump('declarations', 3)
        }
        // Lessons: people study a share of the lessons, in bank order.
        const studied = Math.floor(lessons.length * Math.min(1, r() * 1.3))
        for (let l = 0; l < studied; l++) {
          const at = joinedMs + (l + 1) * DAY / 4
          insLesson.run(traineeId, lessons[l]!.key, lessons[l]!.id, at, r() < 0.9 ? at + 600_000 : null)
        }
        bump('lesson_progress', studied)
        // Finished attempts: 0-20 a person (10 on average), most of them national mocks, spread
        // over the months since joining; ability differs per person.
        const ability = 0.45 + r() * 0.5
        const count = Math.floor(r() * (2 * ATTEMPTS_PER_TRAINEE + 1))
        // Exposure control's table keeps the papers of each person's last three finished attempts.
        const latest: Array<{ at: number, id: number, versions: string }> = []
        for (let a = 0; a < count; a++) {
          const bp = r() < 0.6 || others.length === 0 ? national : pick(r, others)
          const paper = pick(r, papers.get(bp.key)!)
          const startedMs = joinedMs + Math.floor(r() * Math.max(DAY, nowMs - joinedMs - 3 * 3600_000))
          const detailed = r() < DETAILED_SHARE
          let score = 0
          const byDomain = new Map<string, { domain: string, score: number, max: number, correct: number, count: number }>()
          const right: boolean[] = []
          for (const it of paper.items) {
            const ok = r() < ability
            right.push(ok)
            const d = byDomain.get(it.domain) ?? { domain: it.domain, score: 0, max: 0, correct: 0, count: 0 }
            d.max += it.points
            d.count++
            if (ok) { d.score += it.points; d.correct++; score += it.points }
            byDomain.set(it.domain, d)
          }
          const finishedMs = startedMs + (20 + Math.floor(r() * 60)) * 60_000
          const passed = score >= bp.body.passMark
          const attemptId = Number(insAttempt.run(traineeId, bp.key, bp.versionId, release!.id, paper.seed, bp.body.passMark, paper.maxScore, startedMs,
            startedMs + bp.body.timeLimitMinutes * 60_000, finishedMs, 'submitted', score, passed ? 1 : 0, JSON.stringify([...byDomain.values()])).lastInsertRowid)
          bump('attempts')
          latest.push({ at: startedMs, id: attemptId, versions: paper.versions })
          insAudit.run(finishedMs, userId, 'attempt.finished', 'attempt', String(attemptId), JSON.stringify({ score, passed }), '127.0.0.1')
          bump('audit_events')
          if (detailed) {
            bump('attempts_detailed')
            paper.items.forEach((it, i) => {
              const unanswered = r() < 0.02
              const itemId = Number(insAItem.run(attemptId, it.slot, it.versionId, paper.orders[i], it.points, unanswered ? 0 : 1).lastInsertRowid)
              bump('attempt_items')
              if (unanswered) return
              const ans = answerOf.get(it.versionId)!
              const at = startedMs + it.slot * 20_000
              const changed = r() < 0.08
              if (changed) { insStep.run(itemId, 1, right[i] ? ans.wrong : ans.right, at); bump('attempt_steps') }
              insStep.run(itemId, changed ? 2 : 1, right[i] ? ans.right : ans.wrong, at + 5_000)
              bump('attempt_steps')
            })
          }
        }
        for (const p of latest.sort((x, y) => y.at - x.at).slice(0, 3)) insRecent.run(p.id, traineeId, p.versions)
      }
    })()
    if ((start / CHUNK) % 10 === 9) log(`  ${start + CHUNK} of ${spec.trainees} trainees, ${counts.attempts ?? 0} attempts (${Math.round((Date.now() - started) / 1000)} s)`)
  }
  // The units each audit event belongs to (the police log's index), written by the app's own statement, a bounded range of events at a time.
  const lastEvent = (raw.prepare('SELECT coalesce(max(id), 0) AS n FROM audit_events').get() as { n: number }).n
  for (let from = 1; from <= lastEvent; from += 100_000) raw.transaction(() => runSync(scopeEvents(db, from, Math.min(from + 99_999, lastEvent))))()
  counts.audit_scopes = (raw.prepare('SELECT count(*) AS n FROM audit_scopes').get() as { n: number }).n
  // Each person's stored readiness, worked out by the app's own keeper (as `guardpass readiness rebuild` does).
  const readinessStarted = Date.now()
  const evaluated = await rebuildReadiness(db, systemClock, TIME_ZONE)
  counts.trainee_readiness = evaluated
  log(`  stored readiness of ${evaluated} people in ${Math.round((Date.now() - readinessStarted) / 1000)} s`)
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = FULL')
  raw.exec('ANALYZE')
  db.$client.close()

  // The largest district, station and enterprise, by current guards.
  const byDistrict = new Map<number, number>()
  const byStation = new Map<number, number>()
  for (const e of enterprises) {
    const g = guardsPer.get(e.id) ?? 0
    byDistrict.set(e.district, (byDistrict.get(e.district) ?? 0) + g)
    byStation.set(e.station, (byStation.get(e.station) ?? 0) + g)
  }
  const maxBy = <K>(m: Map<K, number>): [K, number] => [...m.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))
  const [bigDistrict, districtGuards] = maxBy(byDistrict)
  const [bigStation, stationGuards] = maxBy(byStation)
  const [bigEnterprise, enterpriseGuards] = maxBy(guardsPer)
  const stationIndex = stations.findIndex((s) => s.id === bigStation)
  const st = stations[stationIndex]!
  const manifest: ProvinceManifest = {
    format: PROVINCE_FORMAT,
    size,
    dbFile,
    dataKeyHex: key.toString('hex'),
    generatedAt: now.toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    bytes: fs.statSync(dbFile).size,
    counts,
    accounts: {
      admin: 'admin-1',
      city: 'police-city',
      bigDistrict: `police-d${bigDistrict + 1}`,
      bigStation: `police-d${st.district + 1}-s${stationIndex - st.district * spec.stationsPerDistrict + 1}`,
      trainer: `trainer-${enterprises.findIndex((e) => e.id === bigEnterprise) + 1}`,
      trainee: firstTraineeUser
    },
    largest: { districtId: districts[bigDistrict]!, districtGuards, stationId: bigStation, stationGuards, enterpriseId: bigEnterprise, enterpriseGuards }
  }
  fs.writeFileSync(path.join(dir, `${size}.json`), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

/** The province of this size in dir when one was generated by this version of the generator, else null. */
export function existingProvince (size: Size, dir: string): ProvinceManifest | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, `${size}.json`), 'utf8')) as ProvinceManifest
    return m.format === PROVINCE_FORMAT && fs.existsSync(m.dbFile) ? m : null
  } catch {
    return null
  }
}

export const DEFAULT_PROVINCE_DIR = process.env.GUARDPASS_PROVINCE_DIR ?? path.join(os.tmpdir(), 'guardpass-province')

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { size: { type: 'string', default: 'S' }, dir: { type: 'string', default: DEFAULT_PROVINCE_DIR } } })
  const size = values.size as Size
  if (!SIZES[size]) { console.error('usage: npx tsx bench/province.ts --size S|M|L [--dir DIR]'); process.exit(2) }
  const m = await generateProvince(size, values.dir!)
  console.log(`province ${size}: ${m.counts.trainees} trainees, ${m.counts.attempts} attempts (${m.counts.attempts_detailed} with items), ${(m.bytes / 1e9).toFixed(2)} GB in ${m.seconds} s: ${m.dbFile}`)
}
