import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { asc, eq } from 'drizzle-orm'
import { buildTestApp, dom, sessionOf, type TestApp } from '../../helpers/app.js'
import { seedDemo } from '../../../src/features/demo/seed.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { readBankDir } from '../../../src/features/bank/files.js'
import { publishBank, DEFAULT_BANK_DIR } from '../../../src/features/bank/index.js'
import { attempts, attemptSteps, statements, applications, examSittings, auditEvents, users, trainees } from '../../../src/db/schema.js'
import { transaction } from '../../../src/db/engine.js'

let t: TestApp
const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } })
const user = async (username: string) => (await t.db.select().from(users).where(eq(users.username, username)))[0]!
const personOf = async (username: string) => (await t.db.select().from(trainees).where(eq(trainees.userId, (await user(username)).id)))[0]!

beforeAll(async () => {
  t = await buildTestApp()
  // The real bank, as `npm start` publishes it before seeding the demo.
  await transaction(t.db, publishBank, checkBank(readBankDir(DEFAULT_BANK_DIR)).bank, null, t.clock.now())
  await seedDemo(t.db, t.app.pii, t.clock.now(), t.config.timeZone)
})
afterAll(async () => { await t.close() })

describe('the demo city shows readiness', () => {
  test('finished national mocks made by the exam engine: answered, graded, two recent passes for two guards', async () => {
    // In the order they were made (neither engine promises an order without ORDER BY).
    const rows = await t.db.select().from(attempts).orderBy(asc(attempts.id))
    expect(rows).toHaveLength(7)
    for (const a of rows) {
      expect(a.blueprintKey).toBe('national-mock')
      expect(a.finishedAt).not.toBeNull()
      expect(a.finishedAt!.getTime()).toBeLessThanOrEqual(a.deadlineAt.getTime())
      expect(a.maxScore).toBe(100)
      expect(a.passed).toBe((a.score ?? 0) >= 60)
    }
    expect(await t.db.select().from(attemptSteps)).toHaveLength(700)
    const passes = async (username: string) => {
      const id = (await personOf(username)).id
      return rows.filter((a) => a.traineeId === id).map((a) => a.passed)
    }
    expect(await passes('trainee11')).toEqual([true, true])
    expect(await passes('trainee13')).toEqual([false, true, true])
    expect(await passes('trainee14')).toEqual([true, false])
  })

  test('trainer2 sees two eligible guards, one of them with a statement; the statement verifies publicly', async () => {
    const roster = dom((await get('/readiness/roster', await sessionOf(t, (await user('trainer2')).id))).body)
    const status = async (username: string) => {
      const id = (await personOf(username)).id
      return roster.querySelectorAll('tbody tr').find((r) => r.querySelector(`a[href="/readiness/people/${id}"]`))!.querySelectorAll('td')[3]!.querySelector('.badge')!.text
    }
    expect(await status('trainee11')).toBe('Eligible')
    expect(await status('trainee13')).toBe('Eligible')
    expect(await status('trainee14')).toBe('Not yet')
    const [st] = await t.db.select().from(statements).orderBy(asc(statements.id))
    expect(st!.traineeId).toBe((await personOf('trainee13')).id)
    expect(st!.snapshot.qualifying).toHaveLength(2)
    const api = await t.app.inject({ method: 'GET', url: `/api/verify/${st!.code}` })
    expect(api.statusCode).toBe(200)
    expect(JSON.parse(api.body).status).toBe('valid')
  })

  test('police-dc has published a sitting with one pending application, waiting on the dashboard', async () => {
    const [sitting] = await t.db.select().from(examSittings).orderBy(asc(examSittings.id))
    const police = await user('police-dc')
    expect(sitting!.publishedBy).toBe(police.id)
    expect(sitting!.applyBy > sitting!.publishedAt.toISOString().slice(0, 10)).toBe(true)
    const apps = await t.db.select().from(applications)
    expect(apps.map((a) => [a.status, a.sittingId, a.traineeId])).toEqual([['pending', sitting!.id, (await personOf('trainee13')).id]])
    const cookie = await sessionOf(t, police.id)
    const page = dom((await get(`/sittings/${sitting!.id}`, cookie)).body)
    expect(page.querySelector('tbody .badge')!.text).toBe('Waiting for review')
    const dash = dom((await get('/jurisdiction', cookie)).body)
    const huating = dash.querySelectorAll('tbody tr').find((r) => r.text.includes('华庭物业'))!.querySelectorAll('td').map((c) => c.text.trim())
    expect(huating.slice(-2)).toEqual(['2', '1']) // eligible, pending
    // The same trail as a real day: attempts, the statement, the sitting and the application are audited.
    const actions = new Set((await t.db.select({ action: auditEvents.action }).from(auditEvents)).map((a) => a.action))
    for (const a of ['attempt.started', 'attempt.finished', 'statement.issued', 'sitting.published', 'application.submitted']) expect(actions).toContain(a)
  })
})

describe('the demo city shows supervision', () => {
  test('each enterprise manages two or three sites, one in another station\'s area; one notice closed, one with a response waiting, one overdue; two briefings; one act of bravery forwarded', async () => {
    const { sites, enterprises, rectificationNotices, noticeItems, briefings, braveryReports } = await import('../../../src/db/schema.js')
    for (const e of await t.db.select().from(enterprises)) {
      const own = await t.db.select().from(sites).where(eq(sites.enterpriseId, e.id))
      expect(own.length).toBeGreaterThanOrEqual(2)
      expect(own.length).toBeLessThanOrEqual(3)
      expect(own.filter((s) => s.jurisdictionId !== e.jurisdictionId)).toHaveLength(1)
    }
    const today = new Intl.DateTimeFormat('sv', { timeZone: t.config.timeZone }).format(t.clock.now())
    const notices = await t.db.select().from(rectificationNotices)
    expect(notices.map((n) => n.status).sort()).toEqual(['closed', 'open', 'open'])
    const submitted = new Set((await t.db.select().from(noticeItems)).filter((i) => i.status === 'submitted').map((i) => i.noticeId))
    expect(notices.filter((n) => submitted.has(n.id))).toHaveLength(1)
    expect(notices.filter((n) => n.status !== 'closed' && n.deadline < today)).toHaveLength(1)
    expect(await t.db.select().from(briefings)).toHaveLength(2)
    expect((await t.db.select().from(braveryReports)).map((b) => b.status)).toEqual(['forwarded'])
    // The trainer of the overdue notice sees it on the landing page, marked overdue.
    const overdue = notices.find((n) => n.status !== 'closed' && n.deadline < today)!
    const trainer = (await t.db.select().from(users)).find((u) => u.role === 'trainer' && u.enterpriseId === overdue.enterpriseId)!
    expect((await get('/', await sessionOf(t, trainer.id))).body).toContain(overdue.number)
  })
})
