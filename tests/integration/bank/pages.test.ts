import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, sessionOf, dom, type TestApp } from '../../helpers/app.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { releaseLessonList, findReleaseByLabel } from '../../../src/features/bank/queries.js'
import { smallBank, edit } from '../../helpers/bank.js'
import { exec, transaction } from '../../../src/db/engine.js'

let t: TestApp
let cookie: string
beforeAll(async () => {
  t = await buildTestApp()
  cookie = (await sessionOf(t, (await createUser(t.db, 'bank-admin', 'admin')).id))
  await transaction(t.db, publishBank, checkBank(smallBank()).bank, null, t.clock.now())
  t.clock.advance(60_000)
  const next = edit(edit(edit(smallBank(), 'questions/law/guard-eligibility.yaml', 'What is the minimum age at which', 'At what minimum age'), 'bank.yaml', '2026.0', '2026.1'),
    'lessons/law/guard-eligibility.md', /\n/, '\n\n<script>alert(1)</script> and **bold** text\n')
  await transaction(t.db, publishBank, checkBank(next).bank, null, t.clock.now())
})
afterAll(async () => { await t.close() })

const get = async (url: string) => {
  const res = await t.app.inject({ url, headers: { cookie } })
  expect(res.statusCode, url).toBe(200)
  return dom(res.body)
}

describe('bank admin pages', () => {
  test('releases with counts by domain and type, newest first', async () => {
    const page = await get('/admin/bank')
    expect(page.querySelectorAll('article h2 a').map((a) => a.text)).toEqual(['2026.1', '2026.0'])
    const firstTable = page.querySelector('table.counts')!
    expect(firstTable.querySelectorAll('tfoot td').map((td) => td.text.trim())).toEqual(['12', '8', '8', '28'])
  })

  test("a release's diff against the previous one", async () => {
    const id = (await exec(t.db, findReleaseByLabel, '2026.1'))!.id
    const page = await get(`/admin/bank/releases/${id}`)
    expect(page.querySelector('h2')!.text).toBe('Changes since 2026.0')
    // Changes are counted per topic, by its title; the questions are listed folded, by their stem.
    const topics = page.querySelectorAll('ul.topic-changes > li')
    expect(topics).toHaveLength(1)
    expect(topics[0]!.querySelector('summary')!.text.replace(/\s+/g, ' ')).toContain('Legal knowledge · Who may become a security guard ~1')
    expect(topics[0]!.querySelector('details')!.getAttribute('open')).toBeUndefined()
    expect(page.querySelectorAll('ul.diff li.changed a').map((a) => a.text)).toEqual([expect.stringContaining('At what minimum age')])
    expect(page.text).toContain('Questions: 0 added, 1 changed, 0 retired, 27 unchanged')
    expect(page.text).toContain('Starter mock examination')
    // No keys where titles belong: not the blueprint's, not a topic's.
    expect(page.text).not.toContain('starter-mock')
    expect(page.text).not.toContain('law/guard-eligibility')
  })

  test('the first release: hundreds of added questions are counts per topic, not a line each', async () => {
    const id = (await exec(t.db, findReleaseByLabel, '2026.0'))!.id
    const page = await get(`/admin/bank/releases/${id}`)
    const summaries = page.querySelectorAll('ul.topic-changes > li summary')
    expect(summaries.length).toBeGreaterThan(1)
    expect(summaries.length).toBeLessThan(28)
    expect(summaries.every((s) => /\+\d+/.test(s.text))).toBe(true)
    expect(page.querySelectorAll('ul.topic-changes details[open]')).toHaveLength(0)
  })

  test("a question's versions side by side, with the answer and explanation", async () => {
    const page = await get('/admin/bank/questions/law.guard-eligibility.001')
    const versions = page.querySelectorAll('article.version')
    expect(versions).toHaveLength(2)
    expect(versions[0]!.querySelector('h2')!.text).toBe('Version 2')
    expect(versions[0]!.text).toContain('At what minimum age')
    expect(versions[1]!.text).toContain('What is the minimum age at which')
    expect(versions[0]!.querySelector('li.correct')!.text).toContain('18')
  })

  test('the searchable question list', async () => {
    const page = await get('/admin/bank/questions?q=compressions&domain=skills&type=single&status=active')
    expect(page.querySelectorAll('tbody tr a').map((a) => a.text)).toEqual(['skills.cpr-aed.001', 'skills.cpr-aed.002', 'skills.cpr-aed.003'])
    expect(page.querySelector('p.total')!.text).toBe('3 questions match; 1 to 3 shown.')
    const none = await get('/admin/bank/questions?status=retired')
    expect(none.querySelector('.empty')).not.toBeNull()
    expect((await t.app.inject({ url: '/admin/bank/questions?domain=<x>&type=' + 'y'.repeat(300), headers: { cookie } })).statusCode).toBe(200)
  })

  test('a lesson renders from Markdown, with raw HTML shown as text', async () => {
    const release = (await exec(t.db, findReleaseByLabel, '2026.1'))!
    const lesson = (await exec(t.db, releaseLessonList, release.id)).find((l) => l.lessonKey === 'law/guard-eligibility')!
    const res = await t.app.inject({ url: `/admin/bank/lessons/${lesson.id}`, headers: { cookie } })
    expect(res.body).not.toContain('<script>alert(1)</script>')
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const page = dom(res.body)
    expect(page.querySelector('.prose h1')).not.toBeNull()
    expect(page.querySelector('.prose strong')!.text).toBe('bold')
  })

  test('unknown releases, questions and lessons are 404', async () => {
    for (const url of ['/admin/bank/releases/999', '/admin/bank/questions/law.nope.001', '/admin/bank/questions/%3Cscript%3E', '/admin/bank/lessons/999']) {
      expect((await t.app.inject({ url, headers: { cookie } })).statusCode, url).toBe(404)
    }
  })
})
