import { describe, test, expect } from 'vitest'
import { describeEvent, sentenceHtml, DESCRIBED_ACTIONS, type AuditNames } from '../../../src/features/audit/describe.js'
import { translator } from '../../../src/i18n/index.js'
import { en } from '../../../src/i18n/en.js'
import { zh } from '../../../src/i18n/zh.js'

const names: AuditNames = {
  users: new Map([[1, '陈丽'], [2, '东城分局民警']]),
  trainees: new Map([[7, '王小明']]),
  enterprises: new Map([[3, '华庭物业']]),
  jurisdictions: new Map([[4, '东城分局']]),
  sittings: new Map([[5, { sitsOn: '2026-05-20', venue: '东城考点' }]]),
  applications: new Map([[6, { traineeId: 7, sitsOn: '2026-05-20' }]]),
  statements: new Map([[8, { code: '7KQ4-M2XD-9HPA', traineeId: 7 }]]),
  attempts: new Map([[9, { traineeId: 7, exam: { en: 'National mock', zh: '全国模拟考试' } }]]),
  cohorts: new Map([[10, '三月班']]),
  curricula: new Map([[11, '入职培训']]),
  releases: new Map([[12, '2026.1']]),
  sites: new Map([[13, '东湖花园']]),
  notices: new Map([[14, '东城公（保）限改字〔2026〕第0012号']]),
  cases: new Map([[15, '东城公（保）限改字〔2026〕第0012号']]),
  inspections: new Map([[16, { site: '东湖花园', inspectedOn: '2026-03-02' }]]),
  messages: new Map([[17, '关于加强春节期间安保工作的通知']]),
  bravery: new Map([[18, { traineeId: 7, occurredOn: '2026-02-01' }]])
}
const subjectFor: Record<string, [string, number]> = {
  account: ['user', 1], person: ['trainee', 7], employment: ['trainee', 7], duty: ['trainee', 7], certificate: ['trainee', 7], declarations: ['trainee', 7],
  roster: ['enterprise', 3], training: ['enterprise', 3], jurisdiction: ['jurisdiction', 4], enterprise: ['enterprise', 3], cohort: ['cohort', 10],
  curriculum: ['curriculum', 11], assignment: ['curriculum', 11], bank: ['bank_release', 12], attempt: ['attempt', 9], statement: ['statement', 8],
  sitting: ['sitting', 5], application: ['application', 6], police: ['trainee', 7], privacy: ['trainee', 7], settings: ['settings', 1],
  site: ['site', 13], notice: ['notice', 14], case: ['case', 15], inspection: ['inspection', 16], message: ['message', 17], briefing: ['message', 17],
  bravery: ['bravery', 18], checklist: ['checklist-item', 19], supervision: ['setting', 1]
}
const record = (action: string) => {
  const [type, id] = subjectFor[action.split('.')[0]!] ?? [null, null]
  return { action, actorId: 1, subjectType: type, subjectId: id === null ? null : String(id), details: { username: 'chen.li', enterpriseId: 3, found: true, purpose: '现场检查', reason: '照片缺失', from: 'in-training', to: 'on-duty', role: 'trainer', fullName: { from: 'a', to: 'b' }, added: 2, returning: 1, rows: 4, score: 80, max: 100, passed: true, result: 'pass', status: 'valid', certificateNo: 'BA-1', endedOn: '2026-03-01', item: 2, basis: 'reg-42-uncertified', note: '市见义勇为基金会', titleZh: '持证上岗', titleEn: 'Certificates held', days: 180, inspectedOn: '2026-03-02', compliant: 6, applicable: 8, deadline: '2026-04-01', enterprises: 3, heldOn: '2026-03-05' } }
}

describe('audit entries read as sentences', () => {
  test.each(DESCRIBED_ACTIONS.map((a) => [a]))('%s has a sentence in both languages, with every name filled in', (action) => {
    expect(en).toHaveProperty(`audit.event.${action}`)
    expect(zh).toHaveProperty(`audit.event.${action}`)
    for (const locale of ['en', 'zh'] as const) {
      const html = describeEvent(record(action), names, 'admin', translator(locale), locale)
      expect(html).not.toMatch(/\{\w+\}|undefined|null|\[object/)
      expect(html).not.toContain(action)
    }
    expect(describeEvent(record(action), names, 'admin', translator('zh'), 'zh')).toMatch(/\p{Script=Han}/u)
  })

  test('names link to the pages the reader has: a person, an enterprise (admin or police), an application (police)', () => {
    const t = translator('zh')
    const lookup = describeEvent(record('police.lookup'), names, 'police', t, 'zh')
    expect(lookup).toBe('<span class="name">陈丽</span>按身份证号查询了<a href="/people/7">王小明</a>。查询目的：<span class="name">现场检查</span>')
    expect(describeEvent(record('person.created'), names, 'admin', t, 'zh')).toContain('<a href="/admin/enterprises/3/edit">华庭物业</a>')
    expect(describeEvent(record('person.created'), names, 'police', t, 'zh')).toContain('<a href="/jurisdiction/enterprises/3">华庭物业</a>')
    expect(describeEvent(record('application.accepted'), names, 'police', t, 'zh')).toContain('<a href="/applications/6">王小明</a>')
    expect(describeEvent(record('application.accepted'), names, 'admin', t, 'zh')).not.toContain('/applications/6')
  })

  test('supervision entries name the site, notice, message or guard with a link to its page under /supervision', () => {
    const t = translator('zh')
    const ev = (action: string, subjectType: string, subjectId: number, details: Record<string, unknown>) => describeEvent({ action, actorId: 2, subjectType, subjectId: String(subjectId), details }, names, 'police', t, 'zh')
    expect(ev('employment.site', 'trainee', 7, { from: null, to: 13, siteIds: [13] })).toBe('<span class="name">东城分局民警</span>将<a href="/people/7">王小明</a>派驻到服务项目<a href="/supervision/sites/13">东湖花园</a>。')
    expect(ev('employment.site', 'trainee', 7, { from: 13, to: null, siteIds: [13] })).toContain('撤出服务项目<a href="/supervision/sites/13">东湖花园</a>')
    expect(ev('notice.accepted', 'notice', 14, { item: 1, from: 'open', to: 'open' })).toContain('<a href="/supervision/notices/14">东城公（保）限改字〔2026〕第0012号</a>第 <span class="name">1</span> 项。')
    expect(ev('notice.accepted', 'notice', 14, { item: 1, from: 'open', to: 'closed' })).toContain('通知书结案')
    expect(ev('notice.escalated', 'notice', 14, { basis: 'reg-42-uncertified' })).toContain('第四十二条')
    expect(ev('case.closed', 'case', 15, { note: '已处罚' })).toContain('<a href="/supervision/cases/15">')
    expect(ev('inspection.recorded', 'inspection', 16, { compliant: 6, applicable: 8 })).toBe('<span class="name">东城分局民警</span>记录了<span class="name">2026-03-02</span>对<a href="/supervision/inspections/16">东湖花园</a>的检查：<span class="name">8</span> 项中 <span class="name">6</span> 项合格。')
    expect(ev('bravery.forwarded', 'bravery', 18, { note: '市见义勇为基金会' })).toContain('<a href="/supervision/bravery/18">王小明</a>')
    expect(describeEvent({ action: 'message.sent', actorId: 2, subjectType: 'message', subjectId: '17', details: { enterprises: 1 } }, names, 'police', translator('en'), 'en')).toContain('to 1 enterprise.')
  })

  test('an entry without an actor is the system’s; a record that is gone says so', () => {
    const t = translator('en')
    expect(describeEvent({ ...record('attempt.started'), actorId: null }, names, 'admin', t, 'en')).toContain('The system')
    expect(describeEvent({ ...record('person.created'), subjectId: '999' }, names, 'admin', t, 'en')).toContain('(no longer there)')
  })

  test('names and the sentence are escaped; an unknown action still reads', () => {
    const t = translator('en')
    expect(sentenceHtml(t, 'audit.event.cohort.created', { actor: { text: '<b>x</b>' }, subject: { text: 'A & B', href: '/x?a=1&b="2"' } }))
      .toBe('<span class="name">&lt;b&gt;x&lt;/b&gt;</span> created the cohort <a href="/x?a=1&amp;b=&quot;2&quot;">A &amp; B</a>.')
    expect(describeEvent({ action: 'something.new', actorId: 2, subjectType: 'thing', subjectId: '3', details: null }, names, 'admin', t, 'en')).toContain('something.new')
  })
})
