import fs from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { describe, test, expect, beforeAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { dom, form, multipart, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, requestsAs, type World, type Who } from '../../helpers/world.js'
import { pngWithLocation, heicStart } from '../../helpers/images.js'
import { auditEvents, checklistItems, escalationCases, inspections, inspectionItems, rectificationNotices, noticeItems, photos, sites, users } from '../../../src/db/schema.js'
import { photoDir, readPhotoFile } from '../../../src/features/supervision/photos.js'
import { exec } from '../../../src/db/engine.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const { get, post } = requestsAs(() => ({ t, w }))
const respond = (url: string, who: Who, response: string, files: Array<{ filename: string, data: Buffer }> = []) => {
  const m = multipart({ response }, files.map((f) => ({ name: 'photos', filename: f.filename, type: 'image/png', data: f.data })))
  return t.app.inject({ method: 'POST', url, headers: { ...m.headers, cookie: w.cookie(who) }, payload: m.payload })
}
const audits = async (action: string) => await t.db.select().from(auditEvents).where(eq(auditEvents.action, action))

let siteId: number
/** An inspection of enterprise A's site in S2's area by the S2 officer, two items failed. */
const inspection = async () => {
  const now = t.clock.now()
  const items = (await t.db.select().from(checklistItems)).slice(0, 3)
  const id = (await t.db.insert(inspections).values({ siteId, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s2, inspectedOn: '2026-11-20', officers: '李警官', compliant: 1, applicable: 3, recordedBy: w.users.policeS2, createdAt: now }).returning())[0]!.id
  const itemIds: number[] = []
  for (const [i, it] of items.entries()) itemIds.push((await t.db.insert(inspectionItems).values({ inspectionId: id, checklistItemId: it.id, position: i + 1, titleZh: it.titleZh, titleEn: it.titleEn, basis: it.basis, result: i < 2 ? 'not-compliant' : 'compliant', note: i < 2 ? `问题${i + 1}` : '' }).returning())[0]!.id)
  return { id, failed: itemIds.slice(0, 2) }
}

beforeAll(async () => {
  const now = t.clock.now()
  siteId = (await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s2, name: '整改花园', createdAt: now, updatedAt: now }).returning())[0]!.id
  await t.db.update(users).set({ displayName: '李警官' }).where(eq(users.id, w.users.policeS2))
})

describe('rectification notices', () => {
  test('the whole loop: issue, the trainer sees it at once and responds with a photo, one item sent back and answered again, both accepted, closed; every change audited', async () => {
    const insp = await inspection()
    const form1 = await get(`/supervision/notices/new?inspection=${insp.id}`, 'policeS2')
    expect(form1.statusCode).toBe(200)
    expect(form1.body).toContain('问题1')
    const issued = await post('/supervision/notices', 'policeS2', { inspection: String(insp.id), [`item-${insp.failed[0]}`]: 'on', [`requirement-${insp.failed[0]}`]: '补办保安员证', [`item-${insp.failed[1]}`]: 'on', [`requirement-${insp.failed[1]}`]: '统一着装', deadline: '2026-12-10' })
    expect(issued.statusCode, issued.body.slice(0, 400)).toBe(303)
    const id = Number(/notices\/(\d+)/.exec(String(issued.headers.location))![1])
    const notice = (await t.db.select().from(rectificationNotices).where(eq(rectificationNotices.id, id)))[0]!
    expect(notice.number).toBe('S2公（保）限改字〔2026〕第0001号')
    expect(notice).toMatchObject({ status: 'open', deadline: '2026-12-10', unitId: w.ids.s2, enterpriseId: w.ids.entA })
    expect((await audits('notice.issued')).filter((a) => a.subjectId === String(id))).toHaveLength(1)

    // The trainer sees it at once on the home page; another enterprise's trainer and a trainee do not reach it.
    expect((await get('/', 'trainerA')).body).toContain(notice.number)
    expect((await get('/', 'trainerB')).body).not.toContain(notice.number)
    expect((await get(`/supervision/notices/${id}`, 'trainerB')).statusCode).toBe(404)
    expect((await get(`/supervision/notices/${id}`, 'traineeA')).statusCode).toBe(403)

    // A HEIC photo is refused with what to do, keeping the text and nothing else.
    const before = (await t.db.select().from(photos)).length
    const heic = await respond(`/supervision/notices/${id}/items/1/response`, 'trainerA', '已为张三补办证件', [{ filename: 'IMG_1.HEIC', data: heicStart() }])
    expect(heic.statusCode).toBe(422)
    expect(heic.body).toContain('HEIC')
    expect(heic.body).toContain('已为张三补办证件')
    expect((await t.db.select().from(photos)).length).toBe(before)

    const r1 = await respond(`/supervision/notices/${id}/items/1/response`, 'trainerA', '已为无证人员补办保安员证', [{ filename: 'cert.png', data: pngWithLocation() }])
    expect(r1.statusCode, r1.body.slice(0, 400)).toBe(303)
    const r2 = await respond(`/supervision/notices/${id}/items/2/response`, 'trainerA', '已统一着装')
    expect(r2.statusCode).toBe(303)
    // Responding again to an item already waiting is refused, and changes nothing.
    const twice = await respond(`/supervision/notices/${id}/items/2/response`, 'trainerA', '再次提交')
    expect(twice.statusCode).toBe(409)
    const photo = (await t.db.select().from(photos)).at(-1)!
    expect(photo.ownerKind).toBe('notice-item')
    expect((await readPhotoFile(photoDir(t.config.databasePath), photo, t.app.pii)).toString('latin1')).not.toMatch(/GPS|tEXt|eXIf/)
    expect((await get(`/supervision/photos/${photo.id}`, 'policeS2')).statusCode).toBe(200)
    expect((await get(`/supervision/photos/${photo.id}`, 'trainerB')).statusCode).toBe(404)

    // Another station's officer cannot decide; a trainer cannot either (403).
    const now = t.clock.now()
    const s3 = (await t.db.insert((await import('../../../src/db/schema.js')).jurisdictions).values({ code: 'W-S3', name: 'S3 name', level: 'station', parentId: w.ids.d1, createdAt: now }).returning())[0]!.id
    const other = (await exec(t.db, (await import('../../../src/features/auth/index.js')).insertUser, { username: 'w-police-s3', displayName: 'S3', passwordHash: 'x', role: 'police', jurisdictionId: s3 }, now)).id
    const otherCookie = await (await import('../../helpers/app.js')).sessionOf(t, other)
    const outsider = await t.app.inject({ method: 'POST', url: `/supervision/notices/${id}/items/1/review`, headers: { ...FORM_HEADERS, cookie: otherCookie }, payload: form({ decision: 'accept' }) })
    expect(outsider.statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: `/supervision/notices/${id}`, headers: { cookie: otherCookie } })).statusCode).toBe(404)
    expect((await post(`/supervision/notices/${id}/items/1/review`, 'trainerA', { decision: 'accept' })).statusCode).toBe(403)

    // Sent back without a reason: refused; with one: returned; answered again; then both accepted: closed.
    expect((await post(`/supervision/notices/${id}/items/2/review`, 'policeS2', { decision: 'return', reason: '' })).statusCode).toBe(422)
    expect((await post(`/supervision/notices/${id}/items/2/review`, 'policeS2', { decision: 'return', reason: '照片不清楚，请补充' })).statusCode).toBe(303)
    expect((await get(`/supervision/notices/${id}`, 'trainerA')).body).toContain('照片不清楚，请补充')
    expect((await respond(`/supervision/notices/${id}/items/2/response`, 'trainerA', '已补充照片', [{ filename: 'uniform.png', data: pngWithLocation(4) }])).statusCode).toBe(303)
    expect((await post(`/supervision/notices/${id}/items/1/review`, 'policeS2', { decision: 'accept' })).statusCode).toBe(303)
    expect((await t.db.select().from(rectificationNotices).where(eq(rectificationNotices.id, id)))[0]!.status).toBe('open')
    const last = await post(`/supervision/notices/${id}/items/2/review`, 'policeS2', { decision: 'accept' })
    expect(last.statusCode).toBe(303)
    const closed = (await t.db.select().from(rectificationNotices).where(eq(rectificationNotices.id, id)))[0]!
    expect(closed.status).toBe('closed')
    expect(closed.closedAt).not.toBeNull()
    expect((await t.db.select().from(noticeItems).where(eq(noticeItems.noticeId, id))).map((i) => i.status)).toEqual(['accepted', 'accepted'])
    // Nothing changes a closed notice.
    expect((await respond(`/supervision/notices/${id}/items/1/response`, 'trainerA', '又一次')).statusCode).toBe(409)

    // Every state change audited, in order, with its transition.
    const trail = (await t.db.select().from(auditEvents)).filter((a) => a.subjectType === 'notice' && a.subjectId === String(id) && a.action !== 'access.denied').map((a) => [a.action, (a.details as { to?: string }).to ?? null])
    expect(trail).toEqual([
      ['notice.issued', null], ['notice.responded', 'open'], ['notice.responded', 'open'], ['notice.returned', 'open'],
      ['notice.responded', 'open'], ['notice.accepted', 'open'], ['notice.accepted', 'closed']
    ])
    expect((await get('/', 'trainerA')).body).not.toContain(notice.number)
  })

  test('overdue on the local date after the deadline, for both sides; escalation by district level and above only, with its legal basis', async () => {
    const insp = await inspection()
    const issued = await post('/supervision/notices', 'policeS2', { inspection: String(insp.id), [`item-${insp.failed[0]}`]: 'on', [`requirement-${insp.failed[0]}`]: '补办', deadline: '2026-11-30' })
    const id = Number(/notices\/(\d+)/.exec(String(issued.headers.location))![1])
    // 2026-11-30 23:30 in Shanghai is still the deadline day; 00:30 on 12-01 is past it.
    t.clock.set(new Date('2026-11-30T15:30:00Z'))
    expect((await get(`/supervision/notices/${id}`, 'trainerA')).body).not.toContain('has passed')
    t.clock.set(new Date('2026-11-30T16:30:00Z'))
    expect((await get(`/supervision/notices/${id}`, 'trainerA')).body).toContain('has passed')
    expect((await get('/supervision/notices?filter=overdue', 'policeS2')).body).toContain(`/supervision/notices/${id}"`)
    expect((await get('/', 'trainerA')).body).toMatch(/overdue/)
    // The station may not escalate; the district above the enterprise's registration may.
    const station = await post(`/supervision/notices/${id}/escalate`, 'policeS2', { basis: 'reg-42-uncertified', note: '逾期未整改' })
    expect(station.statusCode).toBe(403)
    expect((await get(`/supervision/notices/${id}`, 'policeS2')).body).not.toContain('/escalate"')
    expect((await post(`/supervision/notices/${id}/escalate`, 'policeD1', { basis: 'fines', note: 'x' })).statusCode).toBe(422)
    const district = await post(`/supervision/notices/${id}/escalate`, 'policeD1', { basis: 'reg-42-uncertified', note: '逾期未整改，无证人员仍在岗' })
    expect(district.statusCode).toBe(303)
    // The escalation opened a case record of its own, with its page.
    const caseId = Number(/\/supervision\/cases\/(\d+)$/.exec(String(district.headers.location))![1])
    expect((await t.db.select().from(escalationCases).where(eq(escalationCases.id, caseId)))[0]).toMatchObject({ noticeId: id, unitId: w.ids.d1, basis: 'reg-42-uncertified', note: '逾期未整改，无证人员仍在岗', status: 'open', escalatedBy: w.users.policeD1 })
    const row = (await t.db.select().from(rectificationNotices).where(eq(rectificationNotices.id, id)))[0]!
    expect(row).toMatchObject({ status: 'escalated', escalationBasis: 'reg-42-uncertified', escalatedBy: w.users.policeD1 })
    expect((await audits('notice.escalated')).filter((a) => a.subjectId === String(id))[0]!.details).toMatchObject({ basis: 'reg-42-uncertified', from: 'open', to: 'escalated' })
    expect((await get(`/supervision/notices/${id}`, 'trainerA')).body).toContain('art. 42')
    expect((await post(`/supervision/notices/${id}/escalate`, 'policeD1', { basis: 'reg-42', note: 'again' })).statusCode).toBe(409)
    expect(await t.db.select().from(escalationCases).where(eq(escalationCases.noticeId, id))).toHaveLength(1)
  })

  test('the case of an escalated notice: listed and read by police in scope, not by the enterprise; closed by district level and above only, once', async () => {
    const c = (await t.db.select().from(escalationCases))[0]!
    const page = await get(`/supervision/cases/${c.id}`, 'policeD1')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('art. 42')
    expect(dom(page.body).querySelector(`form[action="/supervision/cases/${c.id}/close"]`)).not.toBeNull()
    expect((await get('/supervision/cases', 'policeD1')).body).toContain(`/supervision/cases/${c.id}"`)
    expect((await get('/jurisdiction', 'policeD1')).body).toContain(`/supervision/cases/${c.id}"`)
    // The station of the site's area reads it but may not close it; the enterprise does not see cases.
    const station = await get(`/supervision/cases/${c.id}`, 'policeS2')
    expect(station.statusCode).toBe(200)
    expect(dom(station.body).querySelector(`form[action="/supervision/cases/${c.id}/close"]`)).toBeNull()
    expect((await post(`/supervision/cases/${c.id}/close`, 'policeS2', { note: '已处理' })).statusCode).toBe(403)
    expect((await get(`/supervision/cases/${c.id}`, 'trainerA')).statusCode).toBe(403)
    expect((await get(`/supervision/notices/${c.noticeId}`, 'trainerA')).body).not.toContain('/supervision/cases/')
    // A note is required; then it closes, once.
    const empty = await post(`/supervision/cases/${c.id}/close`, 'policeD1', { note: '' })
    expect(empty.statusCode).toBe(422)
    expect((await post(`/supervision/cases/${c.id}/close`, 'policeD1', { note: '依法给予警告，责令限期改正' })).statusCode).toBe(303)
    expect((await t.db.select().from(escalationCases).where(eq(escalationCases.id, c.id)))[0]).toMatchObject({ status: 'closed', closedBy: w.users.policeD1, closingNote: '依法给予警告，责令限期改正' })
    expect((await post(`/supervision/cases/${c.id}/close`, 'policeCity', { note: 'again' })).statusCode).toBe(409)
    expect((await audits('case.closed')).map((a) => [a.subjectId, a.details])).toEqual([[String(c.id), expect.objectContaining({ from: 'open', to: 'closed' })]])
    expect((await get('/supervision/cases?filter=closed', 'policeD1')).body).toContain(`/supervision/cases/${c.id}"`)
    expect((await get('/supervision/cases', 'policeD1')).body).not.toContain(`/supervision/cases/${c.id}"`)
  })

  test('a deadline in the past or beyond 90 days is refused and the form keeps what was typed', async () => {
    t.clock.set(new Date('2026-11-26T02:00:00Z'))
    const insp = await inspection()
    for (const [deadline, message] of [['2026-11-26', 'after today'], ['2027-06-01', 'at most 90 days'], ['2026-13-01', 'year-month-day']]) {
      const res = await post('/supervision/notices', 'policeS2', { inspection: String(insp.id), [`item-${insp.failed[0]}`]: 'on', [`requirement-${insp.failed[0]}`]: '我写的要求', deadline: deadline! })
      expect(res.statusCode).toBe(422)
      expect(res.body).toContain(message)
      expect(res.body).toContain('我写的要求')
    }
  })

  test('the printable notice is in Chinese with the unit\'s name, the number and every item', async () => {
    const n = (await t.db.select().from(rectificationNotices))[0]!
    const res = await get(`/supervision/notices/${n.id}/print`, 'trainerA')
    expect(res.statusCode).toBe(200)
    const page = dom(res.body)
    expect(page.querySelector('.notice-sheet thead')!.text).toContain('安全隐患限期整改通知书')
    expect(page.querySelector('.notice-sheet thead')!.text).toContain(n.number)
    expect(page.querySelector('.notice-sheet thead')!.text).toContain('S2 name')
    expect(page.querySelectorAll('.notice-row')).toHaveLength(2)
    expect(res.body).toContain('贵单位')
  })

  test('numbering: two app instances on one database issuing at once get every number once, with no gap', async () => {
    const insp = await inspection()
    const start = path.join(t.dir, 'go')
    const run = () => new Promise<number[]>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../../fixtures/issue-notices.ts'),
        t.config.databaseUrl ?? t.config.databasePath, start, '25', String(w.ids.d2), String(insp.id), String(siteId), String(w.ids.entA), String(w.users.policeS2), String(insp.failed[0])], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout.on('data', (d) => { out += String(d) })
      child.stderr.on('data', (d) => { err += String(d) })
      child.on('exit', (code) => code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(err)))
    })
    const both = Promise.all([run(), run()])
    await new Promise((resolve) => setTimeout(resolve, 1500))
    fs.writeFileSync(start, '')
    const [a, b] = await both
    const all = [...a, ...b].sort((x, y) => x - y)
    expect(all).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    expect(a).toHaveLength(25)
    expect(b).toHaveLength(25)
    const numbers = (await t.db.select().from(rectificationNotices).where(eq(rectificationNotices.unitId, w.ids.d2))).map((n) => n.number)
    expect(new Set(numbers).size).toBe(50)
  }, 60_000)
})
