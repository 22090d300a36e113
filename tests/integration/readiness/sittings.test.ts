import { describe, test, expect } from 'vitest'
import { dom, postForm, sessionOf, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { makeEligible, addSitting, applicationRow } from '../../helpers/readiness.js'
import { trainees, applications, auditEvents } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } })
/** A new eligible person of enterprise A with a valid statement. */
const readyWithStatement = async (name: string) => {
  const p = await w.addPerson(w.ids.entA, name)
  await makeEligible(t, p.traineeId, w.users.trainerA)
  const res = await postForm(t, `/readiness/people/${p.traineeId}/statements`, w.cookie('trainerA'), {})
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
  return p
}
const apply = (sittingId: number, traineeId: number) => postForm(t, `/sittings/${sittingId}/applications`, w.cookie('trainerA'), { traineeId: String(traineeId) })
const alertOf = (html: string) => dom(html).querySelector('[role=alert]')?.text ?? ''

describe('sittings', () => {
  test('a district officer publishes a sitting; a station officer cannot; bad input re-renders with errors', async () => {
    const fields = { sitsOn: '2027-01-20', startsAt: '09:30', venue: 'District exam centre', capacity: '2', applyBy: '2027-01-10' }
    const bad = await postForm(t, '/sittings', w.cookie('policeD1'), { ...fields, applyBy: '2027-01-25' })
    expect(bad.statusCode).toBe(422)
    expect(dom(bad.body).querySelector('#applyBy-error')!.text).toMatch(/before the day of the sitting/)
    const station = await postForm(t, '/sittings', w.cookie('policeS1'), fields)
    expect(station.statusCode).toBe(422)
    expect(alertOf(station.body)).toMatch(/district level or above/)
    const ok = await postForm(t, '/sittings', w.cookie('policeD1'), fields)
    expect(ok.statusCode).toBe(303)
    // Trainer A (in the district) sees it; trainer B (another district) does not.
    expect((await get('/sittings', w.cookie('trainerA'))).body).toContain('District exam centre')
    expect((await get('/sittings', w.cookie('trainerB'))).body).not.toContain('District exam centre')
  })

  test('a guard who is not eligible is refused with a clear message', async () => {
    const s = await addSitting(t, w.ids.d1, w.users.policeD1)
    const res = await apply(s, w.ids.personA)
    expect(res.statusCode).toBe(422)
    expect(alertOf(res.body)).toMatch(/not eligible/)
    // A guard id no row can have (past PostgreSQL's integer) is asked for again, on both engines.
    const none = await apply(s, 2 ** 31)
    expect(none.statusCode).toBe(422)
    expect(alertOf(none.body)).toMatch(/Choose one of the eligible guards/)
  })

  test('an application after the deadline is refused', async () => {
    const p = await readyWithStatement('Late Person')
    // The world clock is 2026-11-26 in Shanghai: a deadline of yesterday has passed, today's has not.
    const past = await addSitting(t, w.ids.d1, w.users.policeD1, { applyBy: '2026-11-25', sitsOn: '2026-12-20' })
    const res = await apply(past, p.traineeId)
    expect(res.statusCode).toBe(422)
    expect(alertOf(res.body)).toMatch(/deadline of this sitting has passed/)
    const today = await addSitting(t, w.ids.d1, w.users.policeD1, { applyBy: '2026-11-26', sitsOn: '2026-12-20' })
    expect((await apply(today, p.traineeId)).statusCode).toBe(303)
  })

  test('capacity counts accepted and pending applications', async () => {
    const s = await addSitting(t, w.ids.d1, w.users.policeD1, { capacity: 2 })
    const a = await readyWithStatement('Cap One')
    const b = await readyWithStatement('Cap Two')
    const c = await readyWithStatement('Cap Three')
    expect((await apply(s, a.traineeId)).statusCode).toBe(303)
    expect((await apply(s, b.traineeId)).statusCode).toBe(303)
    const rows = (await t.db.select().from(applications)).filter((x) => x.sittingId === s)
    // Accept one: one accepted and one pending still fill both places.
    expect((await postForm(t, `/applications/${rows[0]!.id}/decision`, w.cookie('policeD1'), { decision: 'accept', reason: '' })).statusCode).toBe(303)
    const full = await apply(s, c.traineeId)
    expect(full.statusCode).toBe(422)
    expect(alertOf(full.body)).toMatch(/full/)
    // A returned application frees its place.
    expect((await postForm(t, `/applications/${rows[1]!.id}/decision`, w.cookie('policeD1'), { decision: 'return', reason: 'Photo missing' })).statusCode).toBe(303)
    expect((await apply(s, c.traineeId)).statusCode).toBe(303)
  })

  test('a returned application shows its reason to the trainer and the trainee; returning needs a reason', async () => {
    const s = await addSitting(t, w.ids.d1, w.users.policeD1)
    const p = await readyWithStatement('Returned Person')
    await apply(s, p.traineeId)
    const id = (await t.db.select().from(applications)).find((x) => x.traineeId === p.traineeId)!.id
    const noReason = await postForm(t, `/applications/${id}/decision`, w.cookie('policeD1'), { decision: 'return', reason: '' })
    expect(noReason.statusCode).toBe(422)
    expect(dom(noReason.body).querySelector('#reason-error')!.text).toMatch(/reason/)
    // Another district's officer cannot see or decide it.
    expect((await postForm(t, `/applications/${id}/decision`, w.cookie('policeS2'), { decision: 'accept', reason: '' })).statusCode).toBe(404)
    await postForm(t, `/applications/${id}/decision`, w.cookie('policeD1'), { decision: 'return', reason: 'Health certificate is older than six months' })
    expect((await get(`/sittings/${s}`, w.cookie('trainerA'))).body).toContain('Health certificate is older than six months')
    expect((await get('/readiness', await sessionOf(t, p.userId))).body).toContain('Health certificate is older than six months')
    expect((await applicationRow(t, id))!.status).toBe('returned')
    expect((await t.db.select().from(auditEvents)).some((a) => a.action === 'application.returned' && a.subjectId === String(id))).toBe(true)
  })

  test('after the sitting: a pass records the certificate on the person, a fail allows one free re-sit', async () => {
    const s = await addSitting(t, w.ids.d1, w.users.policeD1, { applyBy: '2026-11-30', sitsOn: '2026-12-05' })
    const pass = await readyWithStatement('Pass Person')
    const fail = await readyWithStatement('Fail Person')
    await apply(s, pass.traineeId)
    await apply(s, fail.traineeId)
    const idOf = async (traineeId: number) => (await t.db.select().from(applications)).find((x) => x.traineeId === traineeId && x.sittingId === s)!.id
    for (const tid of [pass.traineeId, fail.traineeId]) await postForm(t, `/applications/${await idOf(tid)}/decision`, w.cookie('policeD1'), { decision: 'accept', reason: '' })
    const early = await postForm(t, `/applications/${await idOf(pass.traineeId)}/result`, w.cookie('policeD1'), { result: 'pass', certificateNo: 'SF20260001', issuedOn: '2026-12-05' })
    expect(early.statusCode).toBe(422)
    const saved = t.clock.now()
    t.clock.advance(10 * 86_400_000) // 2026-12-06
    // The issue date must be a real day; the certificate number keeps the person page's format.
    for (const bad of [{ issuedOn: '2026-11-31' }, { issuedOn: '2026-12-06', certificateNo: 'x!' }]) {
      const res = await postForm(t, `/applications/${await idOf(pass.traineeId)}/result`, w.cookie('policeD1'), { result: 'pass', certificateNo: 'SF20260001', ...bad })
      expect(res.statusCode, JSON.stringify(bad)).toBe(422)
    }
    const ok = await postForm(t, `/applications/${await idOf(pass.traineeId)}/result`, w.cookie('policeD1'), { result: 'pass', certificateNo: 'sf20260001', issuedOn: '2026-12-06' })
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(303)
    const person = (await t.db.select().from(trainees)).find((x) => x.id === pass.traineeId)!
    expect([person.certificateNo, person.certificateIssuedOn, person.certificateStatus]).toEqual(['SF20260001', '2026-12-06', 'valid'])
    expect((await postForm(t, `/applications/${await idOf(fail.traineeId)}/result`, w.cookie('policeD1'), { result: 'fail' })).statusCode).toBe(303)
    // The failed guard's next application is the free re-sit.
    const next = await addSitting(t, w.ids.d1, w.users.policeD1, { applyBy: '2027-01-10', sitsOn: '2027-01-20' })
    expect((await apply(next, fail.traineeId)).statusCode).toBe(303)
    const resit = (await t.db.select().from(applications)).find((x) => x.traineeId === fail.traineeId && x.sittingId === next)!
    expect(resit.resit).toBe(true)
    // The certified guard is not applied for again.
    const again = await apply(next, pass.traineeId)
    expect(again.statusCode).toBe(422)
    t.clock.set(saved)
  })
})

describe('the apply form', () => {
  test('offers eligible guards with a valid statement and nothing in flight; names those who only lack a statement', async () => {
    const s = await addSitting(t, w.ids.d1, w.users.policeD1, { capacity: 50 })
    const offered = await readyWithStatement('Offer Me')
    const busy = await readyWithStatement('Already Applied')
    expect((await apply(s, busy.traineeId)).statusCode).toBe(303)
    const noStatement = await w.addPerson(w.ids.entA, 'Needs Statement')
    await makeEligible(t, noStatement.traineeId, w.users.trainerA)
    const page = dom((await get(`/sittings/${s}`, w.cookie('trainerA'))).body)
    const radios = page.querySelectorAll('input[name=traineeId]').map((r) => Number(r.getAttribute('value')))
    expect(radios).toContain(offered.traineeId)
    expect(radios).not.toContain(busy.traineeId)
    expect(radios).not.toContain(noStatement.traineeId)
    expect(page.querySelector('.without-statement a[href="/readiness/people/' + noStatement.traineeId + '"]')!.text).toBe('Needs Statement')
  })
})

describe('a station officer and the applications of its guards', () => {
  test('sees them (the link from the person page works) but cannot decide: 403; another station gets 404', async () => {
    const id = await w.application()
    const page = await get(`/applications/${id}`, w.cookie('policeS1'))
    expect(page.statusCode).toBe(200)
    expect(dom(page.body).querySelector('form[action$="/decision"]')).toBeNull()
    const person = dom((await get(`/readiness/people/${(await applicationRow(t, id))!.traineeId}`, w.cookie('policeS1'))).body)
    expect(person.querySelector(`a[href="/applications/${id}"]`)).not.toBeNull()
    const decide = await postForm(t, `/applications/${id}/decision`, w.cookie('policeS1'), { decision: 'accept', reason: '' })
    expect(decide.statusCode).toBe(403)
    expect((await applicationRow(t, id))!.status).toBe('pending')
    expect((await get(`/applications/${id}`, w.cookie('policeS2'))).statusCode).toBe(404)
    // The district that published the sitting still decides.
    expect(dom((await get(`/applications/${id}`, w.cookie('policeD1'))).body).querySelector('form[action$="/decision"]')).not.toBeNull()
  })

  test("sees the district's sittings, with only its own enterprises' applications", async () => {
    const id = await w.application()
    const row = (await applicationRow(t, id))!
    // An application from another station's enterprise to the same sitting (written directly).
    const other = (await t.db.insert(applications).values({ ...row, id: undefined, traineeId: w.ids.personB, enterpriseId: w.ids.entB, status: 'returned', returnReason: 'x' }).returning())[0]!
    const list = await get('/sittings', w.cookie('policeS1'))
    expect(dom(list.body).querySelector(`a[href="/sittings/${row.sittingId}"]`)).not.toBeNull()
    const names = async (who: 'policeS1' | 'policeD1') => dom((await get(`/sittings/${row.sittingId}`, w.cookie(who))).body).querySelectorAll('tbody a[href^="/applications/"]').map((a) => a.getAttribute('href'))
    expect(await names('policeS1')).toEqual([`/applications/${id}`])
    expect(new Set(await names('policeD1'))).toEqual(new Set([`/applications/${id}`, `/applications/${other.id}`]))
    expect((await get(`/applications/${other.id}`, w.cookie('policeS1'))).statusCode).toBe(404)
    expect((await get(`/sittings/${row.sittingId}`, w.cookie('policeS2'))).statusCode).toBe(404)
  })
})
