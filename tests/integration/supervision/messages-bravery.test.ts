import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { dom, multipart, type TestApp } from '../../helpers/app.js'
import { useWorld, requestsAs, type World, type Who } from '../../helpers/world.js'
import { auditEvents, braveryReports, enterpriseMessages, messageAttachments, messageTargets, sites } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const { get, post } = requestsAs(() => ({ t, w }))
const send = (fields: Record<string, string>, files: Array<{ filename: string, data: Buffer }> = [], who: Who = 'policeD1') => {
  const m = multipart(fields, files.map((f) => ({ name: 'attachments', filename: f.filename, type: 'application/octet-stream', data: f.data })))
  return t.app.inject({ method: 'POST', url: '/supervision/messages', headers: { ...m.headers, cookie: w.cookie(who) }, payload: m.payload })
}
const actions = async (type: string, id: number) => (await t.db.select().from(auditEvents)).filter((a) => a.subjectType === type && a.subjectId === String(id) && a.action !== 'access.denied').map((a) => a.action)

describe('notices and briefings to enterprises', () => {
  test('the district sends to every enterprise of its subtree with a PDF; the trainer sees it unread first, reads and replies; the sender sees it per enterprise', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
    const res = await send({ title: '关于加强春节期间安保工作的通知', body: '各企业：\n\n- 加强巡逻\n- **落实值班**', replyBy: '2026-12-20', target: 'all' }, [{ filename: '通知.pdf', data: pdf }])
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
    const id = Number(/messages\/(\d+)/.exec(String(res.headers.location))![1])
    expect((await t.db.select().from(messageTargets).where(eq(messageTargets.messageId, id))).map((x) => x.enterpriseId)).toEqual([w.ids.entA])

    const list = await get('/supervision/messages', 'trainerA')
    expect(list.body).toContain('关于加强春节期间安保工作的通知')
    expect(dom(list.body).querySelector('li.unread')).not.toBeNull()
    const page = await get(`/supervision/messages/${id}`, 'trainerA')
    expect(page.body).toContain('<strong>落实值班</strong>')
    const attachment = (await t.db.select().from(messageAttachments)).find((a) => a.messageId === id)!
    const file = await get(`/supervision/attachments/${attachment.id}`, 'trainerA')
    expect(file.statusCode).toBe(200)
    expect(file.rawPayload.equals(pdf)).toBe(true)
    expect((await get(`/supervision/attachments/${attachment.id}`, 'trainerB')).statusCode).toBe(404)
    expect((await get(`/supervision/messages/${id}`, 'trainerB')).statusCode).toBe(404)
    expect((await get(`/supervision/messages/${id}`, 'policeS2')).statusCode).toBe(404)

    expect((await post(`/supervision/messages/${id}/read`, 'trainerA', {})).statusCode).toBe(303)
    expect((await post(`/supervision/messages/${id}/reply`, 'trainerA', { reply: '' })).statusCode).toBe(422)
    expect((await post(`/supervision/messages/${id}/reply`, 'trainerA', { reply: '已安排专人值班' })).statusCode).toBe(303)
    const status = await get(`/supervision/messages/${id}`, 'policeD1')
    expect(status.body).toContain('已安排专人值班')
    expect((await get('/supervision/messages', 'policeD1')).body).toMatch(/read by 1 of 1, 1 replied/)
    expect((await post(`/supervision/messages/${id}/briefings`, 'policeD1', { heldOn: '2026-11-25', attendees: '各企业负责人', minutes: '通报了近期治安形势。' })).statusCode).toBe(303)
    expect((await get(`/supervision/messages/${id}`, 'trainerA')).body).toContain('通报了近期治安形势。')
    expect(await actions('message', id)).toEqual(['message.sent', 'message.read', 'message.replied', 'briefing.recorded'])
  })

  test('chosen enterprises only from the subtree; a file that is neither PDF nor picture is refused and nothing is sent', async () => {
    const before = (await t.db.select().from(enterpriseMessages)).length
    const bad = await send({ title: '附件测试', body: '正文', target: 'all' }, [{ filename: 'virus.exe', data: Buffer.from('MZ\x90\x00') }])
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('virus.exe')
    expect(bad.body).toContain('附件测试')
    const other = await send({ title: '只发乙', body: '正文', target: 'chosen', enterprises: String(w.ids.entB) })
    expect(other.statusCode).toBe(422)
    expect((await t.db.select().from(enterpriseMessages)).length).toBe(before)
  })
})

describe('notices to the enterprises of an area', () => {
  test('a station\'s notice to every enterprise reaches one registered elsewhere that manages a site in its area; its trainer reads it; one without a site there is not reached', async () => {
    const now = t.clock.now()
    // Enterprise B is registered with S2 and manages a site in S1's area.
    await t.db.insert(sites).values({ enterpriseId: w.ids.entB, jurisdictionId: w.ids.s1, name: '乙方在一所的项目', createdAt: now, updatedAt: now })
    const form = await get('/supervision/messages/new', 'policeS1')
    expect(dom(form.body).querySelectorAll('input[name="enterprises"]').map((i) => Number(i.getAttribute('value'))).sort()).toEqual([w.ids.entA, w.ids.entB].sort())
    const res = await send({ title: '辖区服务项目安全检查通知', body: '请各企业自查。', target: 'all' }, [], 'policeS1')
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
    const id = Number(/messages\/(\d+)/.exec(String(res.headers.location))![1])
    expect((await t.db.select().from(messageTargets).where(eq(messageTargets.messageId, id))).map((x) => x.enterpriseId).sort()).toEqual([w.ids.entA, w.ids.entB].sort())
    expect((await get('/supervision/messages', 'trainerB')).body).toContain('辖区服务项目安全检查通知')
    expect((await get(`/supervision/messages/${id}`, 'trainerB')).statusCode).toBe(200)
    expect((await post(`/supervision/messages/${id}/read`, 'trainerB', {})).statusCode).toBe(303)
    // S2's own notice to its area reaches B (registered there) but not A, which has no site in S2's area.
    const s2 = await send({ title: '二所通知', body: '正文', target: 'all' }, [], 'policeS2')
    const s2id = Number(/messages\/(\d+)/.exec(String(s2.headers.location))![1])
    expect((await t.db.select().from(messageTargets).where(eq(messageTargets.messageId, s2id))).map((x) => x.enterpriseId)).toEqual([w.ids.entB])
    expect((await get(`/supervision/messages/${s2id}`, 'trainerA')).statusCode).toBe(404)
  })
})

describe('acts of bravery', () => {
  test('a trainer reports, the station forwards it by name, the guard and police in scope read it, others get 404', async () => {
    const refused = await post('/supervision/bravery', 'trainerA', { person: String(w.ids.personA), occurredOn: '2030-01-01', place: '小区门口', account: '' })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('小区门口')
    const res = await post('/supervision/bravery', 'trainerA', { person: String(w.ids.personA), occurredOn: '2026-11-20', place: '小区东门', account: '徒手制止一名持刀抢劫者并报警', witnesses: '业主王某', outcome: '嫌疑人被民警带走' })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
    const id = Number(/bravery\/(\d+)/.exec(String(res.headers.location))![1])
    expect((await post('/supervision/bravery', 'trainerB', { person: String(w.ids.personA), occurredOn: '2026-11-20', place: 'x', account: 'x' })).statusCode).toBe(404)
    expect((await post(`/supervision/bravery/${id}/review`, 'policeS1', { decision: 'forwarded', note: '' })).statusCode).toBe(422)
    expect((await post(`/supervision/bravery/${id}/review`, 'policeS2', { decision: 'forwarded', note: '市见义勇为基金会' })).statusCode).toBe(404)
    expect((await post(`/supervision/bravery/${id}/review`, 'policeS1', { decision: 'forwarded', note: '市见义勇为基金会' })).statusCode).toBe(303)
    expect((await post(`/supervision/bravery/${id}/review`, 'policeS1', { decision: 'declined', note: 'again' })).statusCode).toBe(409)
    expect((await t.db.select().from(braveryReports).where(eq(braveryReports.id, id)))[0]).toMatchObject({ status: 'forwarded', reviewNote: '市见义勇为基金会' })
    for (const who of ['traineeA', 'trainerA', 'policeS1', 'policeD1', 'admin'] as const) {
      const page = await get(`/supervision/bravery/${id}`, who)
      expect(page.statusCode, who).toBe(200)
      expect(page.body).toContain('市见义勇为基金会')
    }
    for (const who of ['traineeB', 'trainerB', 'policeS2'] as const) expect((await get(`/supervision/bravery/${id}`, who)).statusCode, who).toBe(404)
    expect((await get('/supervision/bravery', 'traineeA')).body).toContain('小区东门')
    expect((await get(`/supervision/bravery?person=${w.ids.personA}`, 'policeS1')).body).toContain('小区东门')
    expect(await actions('bravery', id)).toEqual(['bravery.reported', 'bravery.forwarded'])
    // Reported without a station: the station of the enterprise's registration (no site) reviews it.
    expect((await t.db.select().from(braveryReports).where(eq(braveryReports.id, id)))[0]!.stationId).toBe(w.ids.s1)
  })

  test('the station of the place reviews; the station of registration, the district and the city read it but may not review', async () => {
    // Enterprise A (registered with S1) reports an act in S2's area.
    const form = await get(`/supervision/bravery/new?person=${w.ids.personA}`, 'trainerA')
    expect(dom(form.body).querySelector('select[name="stationId"] option[selected]')!.getAttribute('value')).toBe(String(w.ids.s1))
    const res = await post('/supervision/bravery', 'trainerA', { person: String(w.ids.personA), occurredOn: '2026-11-21', place: '东湖路口', account: '协助民警抓获盗窃嫌疑人', stationId: String(w.ids.s2) })
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
    const id = Number(/bravery\/(\d+)/.exec(String(res.headers.location))![1])
    expect((await get(`/supervision/bravery/${id}`, 'policeS2')).body).toContain('/review"')
    for (const who of ['policeS1', 'policeD1', 'policeCity'] as const) {
      const page = await get(`/supervision/bravery/${id}`, who)
      expect(page.statusCode, who).toBe(200)
      expect(page.body, who).not.toContain('/review"')
      expect((await post(`/supervision/bravery/${id}/review`, who, { decision: 'forwarded', note: '市见义勇为基金会' })).statusCode, who).toBe(403)
    }
    expect((await t.db.select().from(braveryReports).where(eq(braveryReports.id, id)))[0]!.status).toBe('reported')
    expect((await post(`/supervision/bravery/${id}/review`, 'policeS2', { decision: 'declined', note: '事迹不属于见义勇为范围' })).statusCode).toBe(303)
    expect((await t.db.select().from(braveryReports).where(eq(braveryReports.id, id)))[0]).toMatchObject({ status: 'declined', reviewedBy: w.users.policeS2 })
    // A station that is not one is refused with a message, what was typed kept.
    const bad = await post('/supervision/bravery', 'trainerA', { person: String(w.ids.personA), occurredOn: '2026-11-21', place: '某地', account: '某事', stationId: String(w.ids.d1) })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('某事')
  })
})
