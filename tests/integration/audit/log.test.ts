import { describe, test, expect } from 'vitest'
import { dom, postForm, FORM_HEADERS, form, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { auditEvents } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const zh = { 'accept-language': 'zh-CN' }
const get = (url: string, who: keyof World['users']) => t.app.inject({ url, headers: { cookie: w.cookie(who), ...zh } })

describe('the audit log reads as sentences', () => {
  test('entries are sentences with names and links, no action codes, JSON or "#id"; the list pages with its true total', async () => {
    await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: 'w-admin', password: 'correct horse battery' }) })
    const p = await w.addPerson(w.ids.entA, '审计对象')
    await postForm(t, '/jurisdiction/lookup', w.cookie('policeS1'), { idNumber: p.idNumber, purpose: '现场检查' })
    const page = dom((await get('/admin/audit', 'admin')).body)
    const entries = page.querySelectorAll('li.audit-entry')
    expect(entries.length).toBeGreaterThan(2)
    const text = page.querySelector('ol.audit-log')!.text
    expect(text).not.toMatch(/login\.success|police\.lookup|\{"|#\d/)
    const login = entries.find((e) => e.getAttribute('data-action') === 'login.success')!
    expect(login.querySelector('.what')!.text).toBe('admin登录了系统。')
    expect(login.querySelector('.what a')!.getAttribute('href')).toBe('/admin/accounts')
    const lookup = entries.find((e) => e.getAttribute('data-action') === 'police.lookup')!
    expect(lookup.querySelector(`.what a[href="/people/${p.traineeId}"]`)!.text).toBe('审计对象')
    expect(lookup.querySelector('.what')!.text).toContain('查询目的：现场检查')
    const total = (await t.db.select().from(auditEvents)).length
    expect(page.querySelector('p.count')!.text).toBe(`共 ${total.toLocaleString('en-US')} 条记录`)
  })

  test('the pages of a long log: 50 entries each, the next page continues, the total is the same', async () => {
    for (let i = 0; i < 60; i++) await t.app.inject({ method: 'POST', url: '/login', headers: FORM_HEADERS, payload: form({ username: `nobody-${i}`, password: 'x' }), remoteAddress: `10.50.0.${i}` })
    const first = dom((await get('/admin/audit?action=login.failure', 'admin')).body)
    expect(first.querySelectorAll('li.audit-entry')).toHaveLength(50)
    const next = first.querySelector('.pager a[rel=next]')!.getAttribute('href')!
    expect(next).toMatch(/^\/admin\/audit\?action=login\.failure&after=[\w-]+$/)
    const second = dom((await get(next, 'admin')).body)
    const total = (await t.db.select().from(auditEvents)).filter((e) => e.action === 'login.failure').length
    expect(second.querySelectorAll('li.audit-entry')).toHaveLength(total - 50)
    expect(second.querySelector('p.count')!.text).toBe(`共 ${total} 条记录`)
    expect(second.querySelector('.pager a[rel=next]')).toBeNull()
    const back = second.querySelector('.pager a[rel=prev]')!.getAttribute('href')!
    expect(dom((await get(back, 'admin')).body).querySelector('ol.audit-log')!.text).toBe(first.querySelector('ol.audit-log')!.text)
  })

  test('the raw records export as CSV, filtered the same way, for the reader’s scope, and the export is audited', async () => {
    const res = await get('/admin/audit/export.csv?action=police.lookup', 'admin')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/csv')
    const lines = res.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/)
    expect(lines[0]).toBe('id,at,actor,action,subject_type,subject_id,details,client_ip')
    expect(lines.slice(1).every((l) => l.includes(',police.lookup,'))).toBe(true)
    expect(lines[1]).toContain('""purpose"":""现场检查""')
    const exported = (await t.db.select().from(auditEvents)).filter((e) => e.action === 'audit.exported')
    expect(exported.at(-1)!.details).toMatchObject({ rows: lines.length - 1 })
    // Police export only their jurisdiction's entries.
    const police = await get('/jurisdiction/audit/export.csv', 'policeS2')
    expect(police.statusCode).toBe(200)
    expect(police.body).not.toContain('现场检查')
  })
})
