import { describe, test, expect, vi } from 'vitest'
import { eq, inArray } from 'drizzle-orm'
import { form, dom, multipart, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { rosterCsv } from '../../helpers/roster.js'
import { trainees, users, employments, rosterImports, auditEvents, auditScopes } from '../../../src/db/schema.js'
import { demoIdNumber } from '../../../src/features/demo/seed.js'
import { countStatements } from '../../helpers/db.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

type Who = 'trainerA' | 'trainerB'
const upload = (data: Buffer, who: Who = 'trainerA') => {
  const m = multipart({}, { name: 'file', filename: 'roster.csv', type: 'text/csv', data })
  return t.app.inject({ method: 'POST', url: '/roster/import', headers: { ...m.headers, cookie: w.cookie(who) }, payload: m.payload })
}
const confirm = (token: string, who: Who = 'trainerA') =>
  t.app.inject({ method: 'POST', url: '/roster/import/confirm', headers: { ...FORM_HEADERS, cookie: w.cookie(who) }, payload: form({ token }) })
const tokenOf = (html: string) => dom(html).querySelector('form[action="/roster/import/confirm"] input[name=token]')?.getAttribute('value') ?? ''
const peopleCount = async () => (await t.db.select().from(trainees)).length

describe('large roster files preview and import', () => {
  test('3,500 people with Chinese names (UTF-8, about 160 kB): the preview says all are correct and the confirmation imports them all', async () => {
    const file = rosterCsv(3500, 1)
    expect(file.length).toBeGreaterThan(150_000)
    const preview = await upload(file)
    expect(preview.statusCode).toBe(200)
    expect(dom(preview.body).querySelector('.flash')!.text).toContain('All 3500 rows are correct')
    const token = tokenOf(preview.body)
    expect(token).toMatch(/^[a-z2-9]{26}$/)
    // The confirmation posts a token, not the file: it is small whatever the file's size.
    expect(form({ token }).length).toBeLessThan(100)
    const before = await peopleCount()
    const done = await confirm(token)
    expect(done.statusCode).toBe(200)
    expect(dom(done.body).querySelectorAll('.slip')).toHaveLength(3500)
    expect(await peopleCount()).toBe(before + 3500)
    expect(await t.db.select().from(rosterImports)).toHaveLength(0)
    // A slip's one-time password signs in (hashed at the one-time cost) and must be replaced at once.
    const slip = dom(done.body).querySelectorAll('.slip').at(-1)!.querySelectorAll('dd.big').map((d) => d.text)
    const hash = (await t.db.select().from(users).where(eq(users.username, slip[0]!)))[0]!.passwordHash
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    const signIn = await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: slip[0]!, password: slip[1]! }) })
    expect(signIn.headers.location).toBe('/account/password')
  })

  test('2,000 people: every new login gets its own username, even when the random draw repeats itself', async () => {
    const preview = await upload(rosterCsv(2000, 2))
    expect(preview.statusCode).toBe(200)
    // Make the username draw repeat: every number comes twice in a row, and one is already taken.
    const taken = (await t.db.select({ username: users.username }).from(users)).map((u) => u.username).find((u) => /^gp\d{6}$/.test(u))
    const real = crypto.getRandomValues.bind(crypto)
    let n = taken ? Number(taken.slice(2)) * 2 : 0
    const spy = vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      if (array instanceof Uint32Array && array.length === 1) { array[0] = Math.floor(n++ / 2); return array }
      return real(array as never) as T
    })
    try {
      const done = await confirm(tokenOf(preview.body))
      expect(done.statusCode, done.body.slice(0, 300)).toBe(200)
      const names = dom(done.body).querySelectorAll('.slip dd.big').filter((_, i) => i % 2 === 0).map((d) => d.text)
      expect(names).toHaveLength(2000)
      expect(new Set(names).size).toBe(2000)
    } finally {
      spy.mockRestore()
    }
  })

  test('the confirmation sends the database a few statements per 500 people, not several per person', async () => {
    const preview = await upload(rosterCsv(1200, 4))
    const token = tokenOf(preview.body)
    let done: Awaited<ReturnType<typeof confirm>> | undefined
    const statements = await countStatements(t.db, async () => { done = await confirm(token) })
    expect(done!.statusCode).toBe(200)
    expect(dom(done!.body).querySelectorAll('.slip')).toHaveLength(1200)
    // 148 here on both engines, most of them the readiness refresh's (200 people a chunk). Written a
    // person at a time it was 9,726: a login, a record, an employment, two audit entries with their
    // scopes and a username look-up each.
    expect(statements).toBeLessThan(250)
    // Each of its 2,400 audit entries (person.created, employment.started) has its jurisdictions: the enterprise's unit and each above it.
    const entries = await t.db.select({ id: auditEvents.id }).from(auditEvents).where(inArray(auditEvents.action, ['person.created', 'employment.started']))
    const scoped = await t.db.select({ eventId: auditScopes.eventId, j: auditScopes.jurisdictionId }).from(auditScopes).where(inArray(auditScopes.eventId, entries.map((e) => e.id)))
    expect(entries.length).toBeGreaterThanOrEqual(2400)
    const units = new Map<number, Set<number>>()
    for (const r of scoped) units.set(r.eventId, (units.get(r.eventId) ?? new Set()).add(r.j))
    for (const e of entries) expect([...units.get(e.id) ?? []], `event ${e.id}`).toContain(w.ids.s1)
  })

  test('a file of 5,000 people is within the limit (the header row is not counted); 5,001 is refused', async () => {
    const atLimit = await upload(rosterCsv(5000, 3))
    expect(atLimit.statusCode).toBe(200)
    const over = await upload(rosterCsv(5001, 3))
    expect(over.statusCode).toBe(422)
    expect(dom(over.body).querySelector('[role=alert]')!.text).toContain('more than 5000 people')
  })
})

describe('the confirmation token', () => {
  const small = (n: number) => Buffer.from(['姓名,身份证号,学历', ...Array.from({ length: 2 }, (_, i) => `赵${'一二'[i]},${demoIdNumber('310101', `199${n}-02-0${i + 1}`, 7)},初中`)].join('\n'))

  test('belongs to the trainer who checked the file, is used up by the import, and runs out after 30 minutes', async () => {
    const token = tokenOf((await upload(small(1))).body)
    expect((await confirm(token, 'trainerB')).statusCode).toBe(410)
    expect((await confirm('not-a-token')).statusCode).toBe(410)
    expect((await confirm(token)).statusCode).toBe(200)
    const again = await confirm(token)
    expect(again.statusCode).toBe(410)
    expect(dom(again.body).querySelector('[role=alert]')!.text).toContain('already been imported')

    const late = tokenOf((await upload(small(2))).body)
    t.clock.advance(31 * 60_000)
    expect((await confirm(late)).statusCode).toBe(410)
  })

  test('someone employed one of the people since the check: 409, the row is named, nothing is imported', async () => {
    const file = small(3)
    const token = tokenOf((await upload(file)).body)
    // Trainer B adds the first person by hand in the meantime.
    const first = file.toString().split('\n')[1]!.split(',')
    const added = await t.app.inject({ method: 'POST', url: '/roster', headers: { ...FORM_HEADERS, cookie: w.cookie('trainerB') }, payload: form({ fullName: first[0]!, idNumber: first[1]!, education: 'junior-middle' }) })
    expect(added.statusCode).toBe(200)
    const before = await peopleCount()
    const res = await confirm(token)
    expect(res.statusCode).toBe(409)
    const bad = dom(res.body).querySelectorAll('tr.bad')
    expect(bad).toHaveLength(1)
    expect(bad[0]!.querySelector('td')!.text).toBe('2')
    expect(await peopleCount()).toBe(before)
    expect((await t.db.select().from(employments).where(eq(employments.enterpriseId, w.ids.entA))).length).toBeGreaterThan(0)
  })
})
