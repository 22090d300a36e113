import { describe, test, expect } from 'vitest'
import { dom, postForm, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { auditEvents, statements } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } })
const denials = async () => (await t.db.select().from(auditEvents)).filter((a) => a.action === 'access.denied')

describe('police scope', () => {
  test('a station officer gets 404 for a trainee or an enterprise of another station, and each attempt is audited', async () => {
    const before = (await denials()).length
    for (const url of [`/readiness/people/${w.ids.personA}`, `/people/${w.ids.personA}`, `/jurisdiction/enterprises/${w.ids.entA}`]) {
      expect((await get(url, w.cookie('policeS2'))).statusCode, url).toBe(404)
    }
    const added = (await denials()).slice(before)
    expect(added.map((a) => [a.actorId, a.subjectType, a.subjectId])).toEqual([
      [w.users.policeS2, 'trainee', String(w.ids.personA)],
      [w.users.policeS2, 'trainee', String(w.ids.personA)],
      [w.users.policeS2, 'enterprise', String(w.ids.entA)]
    ])
    // The officer of the station itself sees them, and nothing is recorded as denied.
    expect((await get(`/readiness/people/${w.ids.personA}`, w.cookie('policeS1'))).statusCode).toBe(200)
    expect((await get(`/jurisdiction/enterprises/${w.ids.entA}`, w.cookie('policeS1'))).statusCode).toBe(200)
    expect((await denials()).length).toBe(before + 3)
  })

  test('a district officer sees every station below; the city sees all; a station only its own', async () => {
    const names = async (who: 'policeD1' | 'policeCity' | 'policeS2') => dom((await get('/jurisdiction', w.cookie(who))).body).querySelectorAll('tbody tr td:first-child a').map((a) => a.text)
    expect(await names('policeD1')).toEqual(['w Enterprise A'])
    expect(await names('policeCity')).toEqual(['w Enterprise A', 'w Enterprise B'])
    expect(await names('policeS2')).toEqual(['w Enterprise B'])
    expect((await get(`/readiness/people/${w.ids.personA}`, w.cookie('policeD1'))).statusCode).toBe(200)
    expect((await get(`/jurisdiction/enterprises/${w.ids.entB}`, w.cookie('policeD1'))).statusCode).toBe(404)
  })

  test('the dashboard counts eligible guards and pending applications, and exports them as CSV (audited)', async () => {
    await w.application()
    const page = dom((await get('/jurisdiction', w.cookie('policeD1'))).body)
    const row = page.querySelector('tbody tr')!.querySelectorAll('td').map((td) => td.text.trim())
    // name, jurisdiction, in training, on duty, uncertified, eligible, pending
    expect(row.slice(5)).toEqual(['1', '1'])
    const csv = await get('/jurisdiction/export.csv', w.cookie('policeD1'))
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toMatch(/text\/csv/)
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^w Enterprise A,.*,1,1$/)
    expect((await t.db.select().from(auditEvents)).some((a) => a.action === 'jurisdiction.exported' && a.actorId === w.users.policeD1)).toBe(true)
  })

  test('a look-up by full ID number asks for the purpose, is audited without the number, and stays inside the jurisdiction', async () => {
    const p = await w.addPerson(w.ids.entA, 'Lookup Person')
    const missing = await postForm(t, '/jurisdiction/lookup', w.cookie('policeS1'), { idNumber: p.idNumber, purpose: '' })
    expect(missing.statusCode).toBe(422)
    expect(dom(missing.body).querySelector('#purpose-error')).not.toBeNull()
    // What was typed stays in the form to be corrected, the ID number included.
    expect(dom(missing.body).querySelector('input[name=idNumber]')!.getAttribute('value')).toBe(p.idNumber)
    const digits = await postForm(t, '/jurisdiction/lookup', w.cookie('policeS1'), { idNumber: p.idNumber, purpose: '2026' })
    expect(digits.statusCode).toBe(422)
    expect(dom(digits.body).querySelector('input[name=purpose]')!.getAttribute('value')).toBe('2026')
    const found = await postForm(t, '/jurisdiction/lookup', w.cookie('policeS1'), { idNumber: p.idNumber, purpose: 'Checking an exam application' })
    expect(found.statusCode).toBe(200)
    expect(found.body).toContain('Lookup Person')
    expect(found.body).toContain(p.idNumber) // in full, in the audited look-up only
    const elsewhere = await postForm(t, '/jurisdiction/lookup', w.cookie('policeS2'), { idNumber: p.idNumber, purpose: 'Checking an exam application' })
    expect(elsewhere.statusCode).toBe(404)
    expect(elsewhere.body).not.toContain('Lookup Person')
    const lookups = (await t.db.select().from(auditEvents)).filter((a) => a.action === 'police.lookup')
    expect(lookups.map((a) => [a.actorId, a.details?.purpose, a.details?.found])).toEqual([
      [w.users.policeS1, 'Checking an exam application', true],
      [w.users.policeS2, 'Checking an exam application', false]
    ])
    expect(JSON.stringify(lookups)).not.toContain(p.idNumber)
  })

  test('the police audit view shows the jurisdiction, filterable by actor and action', async () => {
    const mine = dom((await get('/jurisdiction/audit?action=police.lookup', w.cookie('policeS1'))).body)
    const actors = mine.querySelectorAll('li.audit-entry').map((li) => li.getAttribute('data-actor'))
    expect(actors).toEqual(['w-police-s1'])
    // Another station's officer appears only where they touched this jurisdiction's people or enterprises.
    const byActor = dom((await get('/jurisdiction/audit?actor=w-police-s2', w.cookie('policeS1'))).body)
    const subjects = byActor.querySelectorAll('li.audit-entry').map((li) => li.getAttribute('data-subject'))
    expect(subjects.length).toBeGreaterThan(0)
    expect(new Set(subjects)).toEqual(new Set([`trainee #${w.ids.personA}`, `enterprise #${w.ids.entA}`]))
    const city = dom((await get('/jurisdiction/audit?action=police.lookup', w.cookie('policeCity'))).body)
    expect(city.querySelectorAll('li.audit-entry')).toHaveLength(2)
  })
})

describe('the police audit view of a station', () => {
  test("shows the district's decisions on its guards' applications and checks of their statements, not another station's", async () => {
    const appId = await w.application()
    expect((await postForm(t, `/applications/${appId}/decision`, w.cookie('policeD1'), { decision: 'return', reason: 'Photo missing' })).statusCode).toBe(303)
    const stId = await w.statement()
    const code = (await t.db.select().from(statements)).find((x) => x.id === stId)!.code
    expect((await get(`/jurisdiction/verify?code=${code}`, w.cookie('policeCity'))).statusCode).toBe(200)
    const rows = async (cookie: string, action: string) => dom((await get(`/jurisdiction/audit?action=${action}`, cookie)).body).querySelectorAll('li.audit-entry').map((li) => li.getAttribute('data-subject'))
    expect(await rows(w.cookie('policeS1'), 'application.returned')).toEqual([`application #${appId}`])
    expect(await rows(w.cookie('policeS1'), 'statement.checked')).toEqual([`statement #${stId}`])
    expect(await rows(w.cookie('policeS2'), 'application.returned')).toEqual([])
    expect(await rows(w.cookie('policeS2'), 'statement.checked')).toEqual([])
  })
})

describe('free text never keeps a raw ID number', () => {
  test('a look-up purpose, a return reason and a revocation reason that quote one are stored masked', async () => {
    const p = await w.addPerson(w.ids.entA, 'Quoted Person')
    const masked = `${p.idNumber.slice(0, 4)}**********${p.idNumber.slice(-4)}`
    const res = await postForm(t, '/jurisdiction/lookup', w.cookie('policeD1'), { idNumber: p.idNumber, purpose: `Application of ${p.idNumber}` })
    expect(res.statusCode).toBe(200)
    const lookup = (await t.db.select().from(auditEvents)).filter((a) => a.action === 'police.lookup').at(-1)!
    expect(lookup.details?.purpose).toBe(`Application of ${masked}`)
    const id = await w.statement()
    const revoked = await postForm(t, `/statements/${id}/revoke`, w.cookie('trainerA'), { reason: `Issued for the wrong person, ${p.idNumber}` })
    expect(revoked.statusCode).toBe(303)
    expect(JSON.stringify(await t.db.select().from(auditEvents))).not.toContain(p.idNumber)
    const page = await get(`/statements/${id}`, w.cookie('trainerA'))
    expect(page.body).toContain(masked)
    expect(page.body).not.toContain(p.idNumber)
  })
})

// Last in the file: the audit-view tests above count the refused look-ups made so far.
describe('police scope for statements', () => {
  test("another station's statement answers 404, audited as a refused look-up of that statement", async () => {
    const id = await w.statement()
    const before = (await denials()).length
    expect((await get(`/statements/${id}`, w.cookie('policeS2'))).statusCode).toBe(404)
    expect((await denials()).slice(before).map((a) => [a.actorId, a.subjectType, a.subjectId])).toEqual([[w.users.policeS2, 'statement', String(id)]])
    expect((await get(`/statements/${id}`, w.cookie('policeS1'))).statusCode).toBe(200)
  })
})

describe('the look-up form in Chinese', () => {
  test('the form’s own example purpose "现场检查" is accepted; "查" is refused with the rule, and the ID number stays typed', async () => {
    const p = await w.addPerson(w.ids.entA, 'Example Purpose')
    const zh = { 'accept-language': 'zh-CN' }
    const form = dom((await t.app.inject({ url: '/jurisdiction/lookup', headers: { cookie: w.cookie('policeD1'), ...zh } })).body)
    expect(form.querySelector('#purpose-hint')!.text).toContain('至少 2 个汉字')
    const short = await t.app.inject({ method: 'POST', url: '/jurisdiction/lookup', headers: { ...FORM_HEADERS, cookie: w.cookie('policeD1'), ...zh }, payload: new URLSearchParams({ idNumber: p.idNumber, purpose: '查' }).toString() })
    expect(short.statusCode).toBe(422)
    expect(dom(short.body).querySelector('#purpose-error')!.text).toContain('至少 2 个汉字')
    expect(dom(short.body).querySelector('input[name=idNumber]')!.getAttribute('value')).toBe(p.idNumber)
    const ok = await t.app.inject({ method: 'POST', url: '/jurisdiction/lookup', headers: { ...FORM_HEADERS, cookie: w.cookie('policeD1'), ...zh }, payload: new URLSearchParams({ idNumber: p.idNumber, purpose: '现场检查' }).toString() })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toContain('Example Purpose')
  })
})
