import { creditCheckChar } from '../../src/lib/id-checksums.js'
import { insertUser, type Role } from '../../src/features/auth/index.js'
import { eq } from 'drizzle-orm'
import { jurisdictions, enterprises, trainees, employments, statements, applications, sessions as sessionsTable } from '../../src/db/schema.js'
import { makeEligible, addSitting, keepReadiness } from './readiness.js'
import { demoIdNumber } from '../../src/features/demo/seed.js'
import { beforeAll, afterAll } from 'vitest'
import { PASSWORD, FORM_HEADERS, form, buildTestApp, createUser, sessionOf, type TestApp } from './app.js'
import { smallBank } from './bank.js'
import { checkBank } from '../../src/features/bank/format.js'
import { publishBank } from '../../src/features/bank/publish.js'
import { latestRelease } from '../../src/features/bank/index.js'
import { hashPassword } from '../../src/features/auth/index.js'
import { exec, transaction } from '../../src/db/engine.js'

let hash: Promise<string> | undefined
/** The world's sessions' activity time: ahead of every test clock, so they never time out. */
const NEVER_IDLE = new Date(Date.UTC(2100, 0, 1))

/**
 * A small city for access tests: a bureau with two districts, a station under
 * each, one enterprise in each station, their trainers and police, an admin,
 * and one employed trainee per enterprise.
 *
 *   CITY
 *   ├── D1 ── S1 ── enterprise A (trainer tA, trainee pA)
 *   └── D2 ── S2 ── enterprise B (trainer tB, trainee pB)
 */
export interface World {
  ids: { city: number, d1: number, d2: number, s1: number, s2: number, entA: number, entB: number, personA: number, personB: number }
  users: Record<'admin' | 'trainerA' | 'trainerB' | 'policeS1' | 'policeS2' | 'policeD1' | 'policeCity' | 'traineeA' | 'traineeB', number>
  /**
   * A session cookie of one of the accounts: made once per account when the world is built (so the
   * call stays synchronous on both engines); the same cookie on every call. It does not time out.
   */
  cookie: (who: keyof World['users']) => string
  /** A new session of one of the accounts, made now at the clock's time (an ordinary one, that times out). */
  freshCookie: (who: keyof World['users']) => Promise<string>
  /** Makes every account's session again (after a test ended some): `cookie(who)` then returns the new ones. */
  refreshCookies: () => Promise<void>
  creditCode: (n: number) => string
  addPerson: (enterpriseId: number | null, name?: string, opts?: { certificate?: boolean, duty?: 'in-training' | 'on-duty' }) => Promise<{ traineeId: number, userId: number, idNumber: string }>
  /** Trainee A's open attempt of the starter mock (started if none is open). */
  openAttempt: () => Promise<number>
  /** A finished attempt of trainee A. */
  finishedAttempt: () => Promise<number>
  /** The test app the world lives in (for tables that set up records of their own). */
  t: TestApp
  /** An eligible person of enterprise A (made once), with their own trainee cookie. */
  ready: () => Promise<{ traineeId: number, userId: number, idNumber: string, cookie: string }>
  /** A valid statement of the ready person (issued by trainer A when none is valid). */
  statement: () => Promise<number>
  /** A sitting published by the district D1 officer (made once). */
  sitting: () => Promise<number>
  /** A pending application of the ready person for that sitting (made when none is in flight). */
  application: () => Promise<number>
}

let seq = 0

export async function buildWorld (t: TestApp, prefix = 'w'): Promise<World> {
  const now = t.clock.now()
  const j = async (code: string, level: 'city' | 'district' | 'station', parentId: number | null) =>
    (await t.db.insert(jurisdictions).values({ code: `${prefix.toUpperCase()}-${code}`, name: `${code} name`, level, parentId, createdAt: now }).returning())[0]!.id
  const city = await j('CITY', 'city', null)
  const d1 = await j('D1', 'district', city)
  const d2 = await j('D2', 'district', city)
  const s1 = await j('S1', 'station', d1)
  const s2 = await j('S2', 'station', d2)
  const creditCode = (n: number) => {
    const base = `91110000MA${String(n).padStart(7, '0')}`
    return base + creditCheckChar(base)
  }
  const ent = async (name: string, jurisdictionId: number) =>
    (await t.db.insert(enterprises).values({ name, creditCode: creditCode(++seq * 7 + (prefix.charCodeAt(0) * 1000)), address: '', jurisdictionId, createdAt: now, updatedAt: now }).returning())[0]!.id
  const entA = await ent(`${prefix} Enterprise A`, s1)
  const entB = await ent(`${prefix} Enterprise B`, s2)

  hash ??= hashPassword(PASSWORD)
  const user = async (name: string, role: Role, org: { enterpriseId?: number, jurisdictionId?: number } = {}) =>
    (await exec(t.db, insertUser, { username: `${prefix}-${name}`, displayName: name, passwordHash: await hash!, role, ...org }, now)).id

  const addPerson: World['addPerson'] = async (enterpriseId, name = `Person${++seq}`, opts = {}) => {
    const n = ++seq
    const idNumber = demoIdNumber('110101', `19${String(70 + (n % 29)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`, n)
    const userId = await user(`p${n}`, 'trainee')
    const traineeId = (await t.db.insert(trainees).values({
      userId, fullName: name, idNumberEnc: t.app.pii.encrypt(idNumber), idNumberHmac: t.app.pii.hash(idNumber), birthDate: `19${String(70 + (n % 29)).padStart(2, '0')}-0${1 + (n % 9)}-1${n % 10}`,
      education: 'junior-middle', privacyAcceptedAt: now, createdAt: now, updatedAt: now,
      ...(opts.certificate ? { certificateNo: `CERT${n}`, certificateIssuedOn: '2024-01-01', certificateStatus: 'valid' as const } : {})
    }).returning())[0]!.id
    if (enterpriseId) await t.db.insert(employments).values({ traineeId, enterpriseId, startedOn: '2026-01-01', dutyStatus: opts.duty ?? 'in-training', createdAt: now, updatedAt: now })
    await keepReadiness(t, [traineeId])
    return { traineeId, userId, idNumber }
  }

  const pA = await addPerson(entA, `${prefix}Alpha`)
  const pB = await addPerson(entB, `${prefix}Beta`)
  const users = {
    admin: await user('admin', 'admin'),
    trainerA: await user('trainer-a', 'trainer', { enterpriseId: entA }),
    trainerB: await user('trainer-b', 'trainer', { enterpriseId: entB }),
    policeS1: await user('police-s1', 'police', { jurisdictionId: s1 }),
    policeS2: await user('police-s2', 'police', { jurisdictionId: s2 }),
    policeD1: await user('police-d1', 'police', { jurisdictionId: d1 }),
    policeCity: await user('police-city', 'police', { jurisdictionId: city }),
    traineeA: pA.userId,
    traineeB: pB.userId
  }
  // The small fixture bank, so that trainees can sit its starter mock.
  if (!await exec(t.db, latestRelease)) {
    await transaction(t.db, publishBank, checkBank(smallBank()).bank, null, now)
    // A release raises the rules' generation; the keeper (off in tests) would work the two out again.
    await keepReadiness(t, [pA.traineeId, pB.traineeId])
  }
  // One session per account, made up front, so that cookie(who) stays synchronous on both engines.
  // Their activity time is set far ahead of any test clock, so they never time out however far a
  // test moves the clock (a test of timeouts makes a session of its own).
  const lastingSession = async (userId: number) => {
    const cookie = await sessionOf(t, userId)
    await t.db.update(sessionsTable).set({ lastVerifiedAt: NEVER_IDLE }).where(eq(sessionsTable.id, cookie.slice('gp_session='.length).split('.')[0]!))
    return cookie
  }
  const sessions = {} as Record<keyof typeof users, string>
  const refreshCookies = async () => {
    for (const who of Object.keys(users) as Array<keyof typeof users>) sessions[who] = await lastingSession(users[who])
  }
  await refreshCookies()
  const cookie = (who: keyof typeof users) => sessions[who]
  const freshCookie = (who: keyof typeof users) => sessionOf(t, users[who])
  const openAttempt = async () => {
    const res = await t.app.inject({ method: 'POST', url: '/exams/start', headers: { ...FORM_HEADERS, cookie: cookie('traineeA') }, payload: 'blueprint=starter-mock' })
    const id = /\/exams\/attempts\/(\d+)/.exec(String(res.headers.location))?.[1]
    if (!id) throw new Error(`could not start an attempt: ${res.statusCode} ${String(res.headers.location)} ${res.body.slice(0, 200)}`)
    return Number(id)
  }
  const finishedAttempt = async () => {
    const id = await openAttempt()
    await t.app.inject({ method: 'POST', url: `/exams/attempts/${id}/finish`, headers: { ...FORM_HEADERS, cookie: cookie('traineeA') } })
    return id
  }
  let readyPerson: { traineeId: number, userId: number, idNumber: string, cookie: string } | undefined
  const ready = async () => {
    if (!readyPerson) {
      const p = await addPerson(entA, `${prefix}Ready`)
      await makeEligible(t, p.traineeId, users.trainerA)
      readyPerson = { ...p, cookie: await lastingSession(p.userId) }
    }
    return readyPerson
  }
  const statement = async () => {
    const p = await ready()
    const valid = (await t.db.select().from(statements)).find((s) => s.traineeId === p.traineeId && !s.revokedAt && s.expiresAt.getTime() > t.clock.now().getTime())
    if (valid) return valid.id
    const res = await t.app.inject({ method: 'POST', url: `/readiness/people/${p.traineeId}/statements`, headers: { ...FORM_HEADERS, cookie: cookie('trainerA') }, payload: '' })
    const id = /\/statements\/(\d+)/.exec(String(res.headers.location))?.[1]
    if (!id) throw new Error(`could not issue a statement: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return Number(id)
  }
  let sittingId: number | undefined
  const sitting = async () => {
    sittingId ??= await addSitting(t, d1, users.policeD1)
    return sittingId
  }
  const application = async () => {
    const p = await ready()
    const s = await sitting()
    const open = (await t.db.select().from(applications)).find((a) => a.traineeId === p.traineeId && a.status === 'pending')
    if (open) return open.id
    await statement()
    const res = await t.app.inject({ method: 'POST', url: `/sittings/${s}/applications`, headers: { ...FORM_HEADERS, cookie: cookie('trainerA') }, payload: `traineeId=${p.traineeId}` })
    const row = (await t.db.select().from(applications)).find((a) => a.traineeId === p.traineeId && a.status === 'pending')
    if (!row) throw new Error(`could not apply: ${res.statusCode} ${res.body.slice(0, 300)}`)
    return row.id
  }
  return {
    ready,
    statement,
    sitting,
    application,
    ids: { city, d1, d2, s1, s2, entA, entB, personA: pA.traineeId, personB: pB.traineeId },
    users,
    cookie,
    freshCookie,
    refreshCookies,
    creditCode,
    addPerson,
    openAttempt,
    finishedAttempt,
    t
  }
}

export { createUser }

/** A test app with a built world for one test file: hooks registered here, the two handed over when ready. */
export function useWorld (ready: (t: TestApp, w: World) => void): void {
  let app: TestApp | undefined
  beforeAll(async () => {
    app = await buildTestApp()
    ready(app, await buildWorld(app))
  })
  afterAll(async () => { await app?.close() })
}

/** One of the world's accounts, by its name in `World['users']`. */
export type Who = keyof World['users']

/**
 * GET and form POST as one of the world's accounts. Takes a getter because a file's app and world
 * are set by useWorld after the file's top level has run.
 */
export function requestsAs (current: () => { t: TestApp, w: World }) {
  return {
    get: (url: string, who: Who) => { const { t, w } = current(); return t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who) } }) },
    post: (url: string, who: Who, payload: Record<string, string>) => { const { t, w } = current(); return t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: w.cookie(who) }, payload: form(payload) }) }
  }
}
