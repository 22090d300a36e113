import { describe, test, expect } from 'vitest'
import { dom, postForm, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { nationalMock, makeEligible } from '../../helpers/readiness.js'
import { eq } from 'drizzle-orm'
import { statements, auditEvents, trainees } from '../../../src/db/schema.js'
import { formatCode } from '../../../src/features/readiness/statements.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, cookie?: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...headers, ...(cookie ? { cookie } : {}) } })
const statementRow = async (id: number) => (await t.db.select().from(statements)).find((s) => s.id === id)!

describe('statements', () => {
  test('a person who is not eligible gets no statement: 422 with the reason', async () => {
    const res = await postForm(t, `/readiness/people/${w.ids.personA}/statements`, w.cookie('trainerA'), {})
    expect(res.statusCode).toBe(422)
    expect(dom(res.body).querySelector('[role=alert]')!.text).toMatch(/not eligible/)
    expect((await t.db.select().from(statements)).filter((s) => s.traineeId === w.ids.personA)).toHaveLength(0)
  })

  test('an eligible person gets a statement with a readable code, a QR code of its public address, and an audit entry', async () => {
    const id = await w.statement()
    const st = await statementRow(id)
    expect(st.code).toMatch(/^[23456789A-HJ-NP-Z]{12}$/)
    const page = await get(`/statements/${id}`, w.cookie('trainerA'))
    expect(page.statusCode).toBe(200)
    const d = dom(page.body)
    expect(d.querySelector('.code')!.text).toBe(formatCode(st.code))
    expect(d.querySelector('.statement-qr svg')).not.toBeNull()
    expect(page.body).toContain(`http://guardpass.test/verify/${formatCode(st.code)}`)
    expect(st.expiresAt.getTime() - st.issuedAt.getTime()).toBe(90 * 86_400_000)
    expect(st.snapshot.qualifying).toHaveLength(2)
    expect((await t.db.select().from(auditEvents)).some((a) => a.action === 'statement.issued' && a.subjectId === String(id))).toBe(true)
    // A second one while this is valid is refused.
    const again = await postForm(t, `/readiness/people/${st.traineeId}/statements`, w.cookie('trainerA'), {})
    expect(again.statusCode).toBe(409)
  })

  test('the snapshot does not change when the trainee later fails', async () => {
    const id = await w.statement()
    const before = JSON.stringify((await statementRow(id)).snapshot)
    const p = await w.ready()
    await nationalMock(t, p.traineeId, 0, false)
    await nationalMock(t, p.traineeId, 0, false)
    // The live checklist now says not yet ...
    const live = dom((await get(`/readiness/people/${p.traineeId}`, w.cookie('trainerA'))).body)
    expect(live.querySelector('.readiness-status')!.text).toMatch(/Not yet/)
    // ... while the statement and its public page show the frozen evidence.
    expect(JSON.stringify((await statementRow(id)).snapshot)).toBe(before)
    const api = JSON.parse((await get(`/api/verify/${(await statementRow(id)).code}`)).body)
    expect(api.status).toBe('valid')
    expect(api.qualifyingResults.map((q: { score: number }) => q.score)).toEqual([82, 82])
    await nationalMock(t, p.traineeId, 0, true) // back to eligible for the other tests
  })

  test('public verification shows the minimum: masked name and ID number, enterprise, dates and results', async () => {
    const id = await w.statement()
    const st = await statementRow(id)
    const p = await w.ready()
    const res = await get(`/api/verify/${formatCode(st.code).toLowerCase()}`)
    expect(res.statusCode).toBe(200)
    const v = JSON.parse(res.body)
    expect(Object.keys(v).sort()).toEqual(['code', 'enterprise', 'expiresOn', 'idNumber', 'issuedOn', 'name', 'qualifyingResults', 'status'])
    expect(v.name).toBe('w****y') // "wReady"
    expect(v.idNumber).toMatch(/^\d{4}\*{10}[\dX]{4}$/)
    expect(res.body).not.toContain(p.idNumber)
    expect(v.enterprise).toBe('w Enterprise A')
    const page = await get(`/verify/${formatCode(st.code)}`)
    expect(page.statusCode).toBe(200)
    expect(dom(page.body).querySelector('#verify-status')!.text).toBe('Valid')
    expect(page.body).not.toContain('wReady')
    // The form sends a typed code to its page.
    const form = await get(`/verify?code=${encodeURIComponent(' ' + st.code.toLowerCase())}`)
    expect(form.statusCode).toBe(303)
    expect(form.headers.location).toBe(`/verify/${formatCode(st.code)}`)
  })

  test('a revoked statement verifies as revoked; revoking needs a reason', async () => {
    const id = await w.statement()
    const code = (await statementRow(id)).code
    const noReason = await postForm(t, `/statements/${id}/revoke`, w.cookie('trainerA'), { reason: '' })
    expect(noReason.statusCode).toBe(422)
    const ok = await postForm(t, `/statements/${id}/revoke`, w.cookie('trainerA'), { reason: 'Left the company' })
    expect(ok.statusCode).toBe(303)
    expect(JSON.parse((await get(`/api/verify/${code}`)).body).status).toBe('revoked')
    expect(dom((await get(`/verify/${formatCode(code)}`)).body).querySelector('#verify-status')!.text).toBe('Revoked')
    const police = await get(`/jurisdiction/verify?code=${code}`, w.cookie('policeS1'))
    expect(police.body).toContain('Left the company')
    expect((await t.db.select().from(auditEvents)).filter((a) => a.action === 'statement.revoked')).toHaveLength(1)
  })

  test('a statement expires after 90 days', async () => {
    const id = await w.statement()
    const code = (await statementRow(id)).code
    const saved = t.clock.now()
    t.clock.advance(90 * 86_400_000 - 1)
    expect(JSON.parse((await get(`/api/verify/${code}`)).body).status).toBe('valid')
    t.clock.advance(1)
    expect(JSON.parse((await get(`/api/verify/${code}`)).body).status).toBe('expired')
    t.clock.set(saved)
  })

  test('an unknown code is 404, and repeated guessing from one address is throttled with 429', async () => {
    const guess = (i: number, ip: string) => t.app.inject({ method: 'GET', url: `/api/verify/2222-2222-${String(2222 + i).replace(/[01]/g, '3')}`, remoteAddress: ip })
    expect((await guess(0, '10.9.9.9')).statusCode).toBe(404)
    for (let i = 1; i < 20; i++) await guess(i, '10.9.9.9')
    const locked = await guess(99, '10.9.9.9')
    expect(locked.statusCode).toBe(429)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    // Even a real code is refused while locked; another address is unaffected.
    const code = (await statementRow(await w.statement())).code
    expect((await t.app.inject({ method: 'GET', url: `/verify/${code}`, remoteAddress: '10.9.9.9' })).statusCode).toBe(429)
    expect((await t.app.inject({ method: 'GET', url: `/verify/${code}`, remoteAddress: '10.8.8.8' })).statusCode).toBe(200)
    t.clock.advance(15 * 60_000)
    expect((await t.app.inject({ method: 'GET', url: `/verify/${code}`, remoteAddress: '10.9.9.9' })).statusCode).toBe(200)
  })

  test('the trainee sees their checklist and statements; a minor is not eligible until the 18th birthday', async () => {
    const p = await w.ready()
    const mine = dom((await get('/readiness', p.cookie)).body)
    expect(mine.querySelectorAll('ul.checklist li')).toHaveLength(8)
    expect(mine.querySelectorAll('ul.statements li').length).toBeGreaterThan(0)
    // The world clock is 2026-11-26 (10:00 in Shanghai): a person born 2008-11-27 is 17 today.
    const minor = await w.addPerson(w.ids.entA, 'Young')
    await t.db.update(trainees).set({ birthDate: '2008-11-27' }).where(eq(trainees.id, minor.traineeId))
    await makeEligible(t, minor.traineeId, w.users.trainerA)
    const res = dom((await get(`/readiness/people/${minor.traineeId}`, w.cookie('trainerA'))).body)
    expect(res.querySelector('.readiness-status')!.text).toMatch(/Not yet/)
    expect(res.querySelector('li.unmet')!.text).toMatch(/2026-11-27/)
    t.clock.advance(86_400_000)
    const later = dom((await get(`/readiness/people/${minor.traineeId}`, w.cookie('trainerA'))).body)
    expect(later.querySelector('.readiness-status')!.text).toMatch(/Eligible/)
    t.clock.advance(-86_400_000)
  })

  test('the national mock is picked by title from the bank’s mock exams, not typed as a key', async () => {
    const form = dom((await get('/admin/readiness', w.cookie('admin'))).body)
    expect(form.querySelector('input[name=mockBlueprint]')).toBeNull()
    const options = form.querySelectorAll('select[name=mockBlueprint] option').map((o) => [o.getAttribute('value'), o.text.trim()])
    expect(options).toContainEqual(['starter-mock', 'Starter mock examination'])
    const unknown = await postForm(t, '/admin/readiness', w.cookie('admin'), { minAge: '18', minEducation: 'junior-middle', mockBlueprint: 'no-such-mock', requiredPasses: '2', windowDays: '60', statementDays: '90' })
    expect(unknown.statusCode).toBe(422)
    expect(dom(unknown.body).querySelector('#mockBlueprint-error')!.text).toContain('current question bank')
  })

  test('an administrator adjusts the rules; bad values re-render with errors', async () => {
    const bad = await postForm(t, '/admin/readiness', w.cookie('admin'), { minAge: '5', minEducation: 'junior-middle', mockBlueprint: 'national-mock', requiredPasses: '2', windowDays: '60', statementDays: '90' })
    expect(bad.statusCode).toBe(422)
    expect(dom(bad.body).querySelector('#minAge-error')).not.toBeNull()
    const ok = await postForm(t, '/admin/readiness', w.cookie('admin'), { minAge: '18', minEducation: 'junior-middle', mockBlueprint: 'national-mock', requiredPasses: '4', windowDays: '60', latestMustPass: 'on', statementDays: '30' })
    expect(ok.statusCode).toBe(303)
    const p = await w.ready()
    const page = dom((await get(`/readiness/people/${p.traineeId}`, w.cookie('trainerA'))).body)
    expect(page.text).toMatch(/Pass the national mock 4 times within 60 days/)
    await postForm(t, '/admin/readiness', w.cookie('admin'), { minAge: '18', minEducation: 'junior-middle', mockBlueprint: 'national-mock', requiredPasses: '2', windowDays: '60', latestMustPass: 'on', statementDays: '90' })
  })
})

describe('the statements table', () => {
  test('refuses any change to an issued statement but its one revocation, and any deletion', async () => {
    const id = await w.statement()
    // Each engine's triggers refuse: the refusal's text is in the error or (Drizzle's wrapper) its cause.
    const refusal = async (write: PromiseLike<unknown>) => {
      try { await write } catch (err) { return `${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}` }
      return 'accepted'
    }
    const row = (await t.db.select().from(statements).where(eq(statements.id, id)))[0]!
    expect(await refusal(t.db.update(statements).set({ snapshot: { ...row.snapshot, fullName: 'Someone Else' } }).where(eq(statements.id, id)))).toMatch(/immutable/)
    expect(await refusal(t.db.update(statements).set({ expiresAt: new Date(row.expiresAt.getTime() + 86_400_000) }).where(eq(statements.id, id)))).toMatch(/immutable/)
    expect(await refusal(t.db.delete(statements).where(eq(statements.id, id)))).toMatch(/never deleted/)
    await t.db.update(statements).set({ revokedAt: new Date(1), revokeReason: 'test' }).where(eq(statements.id, id))
    expect(await refusal(t.db.update(statements).set({ revokedAt: null, revokeReason: null }).where(eq(statements.id, id)))).toMatch(/immutable/)
  })
})
