import { describe, test, expect } from 'vitest'
import { form, dom, postForm, FORM_HEADERS, sessionCookie, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { demoIdNumber } from '../../../src/features/demo/seed.js'
import { trainees, employments, auditEvents } from '../../../src/db/schema.js'
import { eq } from 'drizzle-orm'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const post = (url: string, cookie: string, fields: Record<string, string>) => postForm(t, url, cookie, fields)

const ID = demoIdNumber('310104', '1990-03-07', 451)

describe('adding a person', () => {
  test('a wrong ID number is refused next to the field, keeping what was typed', async () => {
    const res = await post('/roster', w.cookie('trainerA'), { fullName: '孙悟空', idNumber: ID.slice(0, 17) + (ID[17] === '1' ? '2' : '1'), phone: '13900001111', education: 'senior-middle' })
    expect(res.statusCode).toBe(422)
    const page = dom(res.body)
    expect(page.querySelector('#idNumber')!.getAttribute('aria-invalid')).toBe('true')
    expect(page.querySelector('#idNumber-error')!.text).toContain('last character does not match')
    expect(page.querySelector('#fullName')!.getAttribute('value')).toBe('孙悟空')
    expect(page.querySelector('#phone')!.getAttribute('value')).toBe('13900001111')
    expect(page.querySelector('#education option[selected]')!.getAttribute('value')).toBe('senior-middle')
  })

  test('a valid person gets a login shown once on a slip; they must change the password, then accept the notice', async () => {
    const res = await post('/roster', w.cookie('trainerA'), { fullName: '孙悟空', idNumber: ID, phone: '13900001111', education: 'senior-middle' })
    expect(res.statusCode).toBe(200)
    const slip = dom(res.body).querySelector('.slip')!
    const [username, password] = slip.querySelectorAll('dd.big').map((d) => d.text)
    expect(username).toMatch(/^gp\d{6}$/)
    expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/)

    const login = await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: username!, password: password! }) })
    expect(login.headers.location).toBe('/account/password')
    let cookie = sessionCookie(login)!
    const changed = await post('/account/password', cookie, { current: password!, password: 'monkey king 72', confirm: 'monkey king 72' })
    expect(changed.statusCode).toBe(303)
    cookie = sessionCookie(changed)!
    const home = await t.app.inject({ url: '/', headers: { cookie } })
    expect(home.headers.location).toBe('/privacy')
    expect((await t.app.inject({ url: '/me', headers: { cookie } })).headers.location).toBe('/privacy')
    const notice = await t.app.inject({ url: '/privacy', headers: { cookie } })
    expect(dom(notice.body).querySelector('h1')!.text).toContain('personal information')
    expect((await post('/privacy', cookie, {})).statusCode).toBe(303)
    const me = await t.app.inject({ url: '/me', headers: { cookie } })
    expect(me.statusCode).toBe(200)
    expect(dom(me.body).querySelector('dd.mono')!.text).toBe(ID) // the trainee sees their own number in full
  })

  test('the same ID number again on the same roster is refused', async () => {
    const res = await post('/roster', w.cookie('trainerA'), { fullName: '孙悟空', idNumber: ID.toLowerCase(), education: 'senior-middle' })
    expect(res.statusCode).toBe(422)
    expect(dom(res.body).querySelector('#idNumber-error')!.text).toContain('already on your roster')
  })

  test('another enterprise is refused with a neutral message that names no company', async () => {
    const res = await post('/roster', w.cookie('trainerB'), { fullName: '孙悟空', idNumber: ID, education: 'senior-middle' })
    expect(res.statusCode).toBe(422)
    const msg = dom(res.body).querySelector('#idNumber-error')!.text
    expect(msg).toContain('currently employed by another enterprise')
    expect(res.body).not.toContain('Enterprise A')
    expect(res.body).not.toContain('Alpha')
  })
})

describe('changing employer keeps the person and their history', () => {
  test('A releases, B adds by ID number, the record and certificate stay', async () => {
    const person = (await t.db.select().from(trainees).where(eq(trainees.fullName, '孙悟空')))[0]!
    expect((await post(`/people/${person.id}/certificate`, w.cookie('trainerA'), { certificateNo: 'SZ20240001', issuedOn: '2024-06-01', status: 'valid' })).statusCode).toBe(303)
    expect((await post(`/people/${person.id}/duty`, w.cookie('trainerA'), { duty: 'on-duty' })).statusCode).toBe(303)

    // B cannot see them yet.
    expect((await t.app.inject({ url: `/people/${person.id}`, headers: { cookie: w.cookie('trainerB') } })).statusCode).toBe(404)
    const released = await post(`/people/${person.id}/release`, w.cookie('trainerA'), {})
    expect(released.headers.location).toBe('/roster')
    expect((await t.app.inject({ url: `/people/${person.id}`, headers: { cookie: w.cookie('trainerA') } })).statusCode).toBe(404)

    const added = await post('/roster', w.cookie('trainerB'), { fullName: '孙悟空', idNumber: ID, education: 'senior-middle' })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toBe(`/people/${person.id}`)
    const after = (await t.db.select().from(trainees).where(eq(trainees.id, person.id)))[0]!
    expect(after.userId).toBe(person.userId)
    expect(after.certificateNo).toBe('SZ20240001')
    const jobs = await t.db.select().from(employments).where(eq(employments.traineeId, person.id)).orderBy(employments.id)
    expect(jobs.map((j) => [j.enterpriseId, j.endedOn !== null, j.dutyStatus])).toEqual([[w.ids.entA, true, 'released'], [w.ids.entB, false, 'in-training']])

    const page = dom((await t.app.inject({ url: `/people/${person.id}`, headers: { cookie: w.cookie('trainerB') } })).body)
    const history = page.querySelectorAll('.history li').map((li) => li.text)
    expect(history).toHaveLength(2)
    expect(history.join(' ')).toContain('Another enterprise')
    expect(history.join(' ')).not.toContain('Enterprise A')
    // The police of A's station no longer see them; B's station does.
    expect((await t.app.inject({ url: `/people/${person.id}`, headers: { cookie: w.cookie('policeS1') } })).statusCode).toBe(404)
    expect((await t.app.inject({ url: `/people/${person.id}`, headers: { cookie: w.cookie('policeS2') } })).statusCode).toBe(200)
  })
})

describe('duty status', () => {
  test('on duty without a valid certificate is refused; revoking sends a guard back to training', async () => {
    const p = await w.addPerson(w.ids.entA, 'Nocert')
    const refused = await post(`/people/${p.traineeId}/duty`, w.cookie('trainerA'), { duty: 'on-duty' })
    expect(refused.statusCode).toBe(422)
    expect(dom(refused.body).querySelector('#duty-error')!.text).toContain('valid security guard certificate')
    expect((await t.db.select().from(employments).where(eq(employments.traineeId, p.traineeId)))[0]!.dutyStatus).toBe('in-training')

    await post(`/people/${p.traineeId}/certificate`, w.cookie('trainerA'), { certificateNo: 'CERT-77', issuedOn: '2025-01-02', status: 'valid' })
    expect((await post(`/people/${p.traineeId}/duty`, w.cookie('trainerA'), { duty: 'on-duty' })).statusCode).toBe(303)
    await post(`/people/${p.traineeId}/certificate`, w.cookie('trainerA'), { certificateNo: 'CERT-77', issuedOn: '2025-01-02', status: 'revoked' })
    expect((await t.db.select().from(employments).where(eq(employments.traineeId, p.traineeId)))[0]!.dutyStatus).toBe('in-training')
  })

  test('the roster flags anyone on duty without a valid certificate', async () => {
    await w.addPerson(w.ids.entA, 'Legacyguard', { duty: 'on-duty' })
    const page = dom((await t.app.inject({ url: '/roster', headers: { cookie: w.cookie('trainerA') } })).body)
    const row = page.querySelectorAll('tr.flagged').find((r) => r.text.includes('Legacyguard'))
    expect(row).toBeDefined()
    expect(row!.text).toContain('Must not be on duty')
    expect(page.querySelector('.alert')!.text).toContain('must not be on duty')
  })

  test('search by a full ID number, by part of a name, and by duty status', async () => {
    const p = await w.addPerson(w.ids.entA, 'Findme')
    const byId = dom((await t.app.inject({ url: `/roster?q=${p.idNumber}`, headers: { cookie: w.cookie('trainerA') } })).body)
    expect(byId.querySelectorAll('tbody tr').map((r) => r.querySelector('a')!.text)).toEqual(['Findme'])
    const byName = dom((await t.app.inject({ url: '/roster?q=indm', headers: { cookie: w.cookie('trainerA') } })).body)
    expect(byName.querySelectorAll('tbody tr')).toHaveLength(1)
    const onDuty = dom((await t.app.inject({ url: '/roster?duty=on-duty', headers: { cookie: w.cookie('trainerA') } })).body)
    expect(onDuty.querySelectorAll('tbody tr').every((r) => r.text.includes('On duty'))).toBe(true)
    // Another enterprise's trainer does not find them even by exact ID number.
    const other = dom((await t.app.inject({ url: `/roster?q=${p.idNumber}`, headers: { cookie: w.cookie('trainerB') } })).body)
    expect(other.querySelectorAll('tbody tr')).toHaveLength(0)
  })

  test('a typed % or _ is searched as itself, in any case (fails when the LIKE has no escape character)', async () => {
    await w.addPerson(w.ids.entA, 'Wild_card%')
    await w.addPerson(w.ids.entA, 'WildXcardY')
    const names = async (q: string) => dom((await t.app.inject({ url: `/roster?q=${encodeURIComponent(q)}`, headers: { cookie: w.cookie('trainerA') } })).body)
      .querySelectorAll('tbody tr').map((r) => r.querySelector('a')!.text)
    expect(await names('d_c')).toEqual(['Wild_card%'])
    expect(await names('rd%')).toEqual(['Wild_card%'])
    expect(await names('WILD')).toEqual(['WildXcardY', 'Wild_card%']) // by name in code-point order: X before _
  })

  test('ID numbers are masked on the roster and person page, in full only when the trainer edits', async () => {
    const p = await w.addPerson(w.ids.entA, 'Maskme')
    const roster = (await t.app.inject({ url: '/roster', headers: { cookie: w.cookie('trainerA') } })).body
    expect(roster).not.toContain(p.idNumber)
    expect(roster).toContain(`${p.idNumber.slice(0, 4)}**********${p.idNumber.slice(-4)}`)
    for (const who of ['trainerA', 'policeS1', 'admin'] as const) {
      expect((await t.app.inject({ url: `/people/${p.traineeId}`, headers: { cookie: w.cookie(who) } })).body).not.toContain(p.idNumber)
    }
    const edit = dom((await t.app.inject({ url: `/people/${p.traineeId}/edit`, headers: { cookie: w.cookie('trainerA') } })).body)
    expect(edit.querySelector('#idNumber')!.getAttribute('value')).toBe(p.idNumber)
  })

  test('declarations are recorded with who and when; audit entries never hold the raw ID number', async () => {
    const p = await w.addPerson(w.ids.entA, 'Declarer')
    const res = await post(`/people/${p.traineeId}/declarations`, w.cookie('trainerA'), { healthy: 'yes', 'good-conduct': 'yes', 'intentional-crime': 'no' })
    expect(res.statusCode).toBe(303)
    const page = dom((await t.app.inject({ url: `/people/${p.traineeId}`, headers: { cookie: w.cookie('trainerA') } })).body)
    expect(page.querySelector('#decl-healthy')!.parentNode.text).toContain('trainer-a')
    expect(JSON.stringify(await t.db.select().from(auditEvents))).not.toContain(p.idNumber)
  })

  test('bad input on person routes: unknown id, bad values, wrong types — 4xx, never 500', async () => {
    const c = w.cookie('trainerA')
    expect((await t.app.inject({ url: '/people/abc', headers: { cookie: c } })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/people/0', headers: { cookie: c } })).statusCode).toBe(404)
    expect((await t.app.inject({ url: `/people/${'9'.repeat(40)}`, headers: { cookie: c } })).statusCode).toBe(404)
    expect((await post(`/people/${w.ids.personA}/duty`, c, { duty: 'sleeping' })).statusCode).toBe(422)
    expect((await post(`/people/${w.ids.personA}/certificate`, c, { certificateNo: 'x'.repeat(500), issuedOn: 'yesterday', status: 'valid' })).statusCode).toBe(422)
    expect((await post(`/people/${w.ids.personA}/declarations`, c, { healthy: 'perhaps' })).statusCode).toBe(422)
    expect((await post(`/people/${w.ids.personA}`, c, { fullName: 'x'.repeat(51), idNumber: '1', education: 'none' })).statusCode).toBe(422)
    const arr = await t.app.inject({ method: 'POST', url: '/roster', headers: { ...FORM_HEADERS, cookie: c }, payload: 'fullName=a&fullName=b&idNumber=1&education=none' })
    expect(arr.statusCode).toBe(422)
  })
})
