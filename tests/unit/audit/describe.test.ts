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
  releases: new Map([[12, '2026.1']])
}
const subjectFor: Record<string, [string, number]> = {
  account: ['user', 1], person: ['trainee', 7], employment: ['trainee', 7], duty: ['trainee', 7], certificate: ['trainee', 7], declarations: ['trainee', 7],
  roster: ['enterprise', 3], training: ['enterprise', 3], jurisdiction: ['jurisdiction', 4], enterprise: ['enterprise', 3], cohort: ['cohort', 10],
  curriculum: ['curriculum', 11], assignment: ['curriculum', 11], bank: ['bank_release', 12], attempt: ['attempt', 9], statement: ['statement', 8],
  sitting: ['sitting', 5], application: ['application', 6], police: ['trainee', 7], privacy: ['trainee', 7], settings: ['settings', 1]
}
const record = (action: string) => {
  const [type, id] = subjectFor[action.split('.')[0]!] ?? [null, null]
  return { action, actorId: 1, subjectType: type, subjectId: id === null ? null : String(id), details: { username: 'chen.li', enterpriseId: 3, found: true, purpose: '现场检查', reason: '照片缺失', from: 'in-training', to: 'on-duty', role: 'trainer', fullName: { from: 'a', to: 'b' }, added: 2, returning: 1, rows: 4, score: 80, max: 100, passed: true, result: 'pass', status: 'valid', certificateNo: 'BA-1', endedOn: '2026-03-01' } }
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
