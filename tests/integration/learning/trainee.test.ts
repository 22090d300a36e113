import { describe, test, expect, beforeAll } from 'vitest'
import { eq, count } from 'drizzle-orm'
import { dom, FORM_HEADERS, form, postForm, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { edit, smallBank } from '../../helpers/bank.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { attempts, lessonChecks, lessonProgress, questionVersions } from '../../../src/db/schema.js'
import { transaction } from '../../../src/db/engine.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const LESSON = '/learn/courses/law/guard-eligibility'
const get = (url: string, who: keyof World['users'] = 'traineeA', headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who), ...headers } })
const post = (url: string, fields: Record<string, string | string[]> = {}, headers: Record<string, string> = {}, who: keyof World['users'] = 'traineeA') =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: w.cookie(who), ...headers }, payload: form(fields) })

/** The check on the lesson page: its id and question ids, in order. */
async function checkOnPage (url = LESSON) {
  const page = dom((await get(url)).body)
  const forms = page.querySelectorAll('form.check-question')
  const ids = forms.map((f) => /\/learn\/checks\/(\d+)\/questions\/(\d+)/.exec(f.getAttribute('action') ?? '')!)
  return { checkId: Number(ids[0]?.[1]), qids: ids.map((m) => Number(m[2])), page }
}
const answerOf = async (qid: number) => (await t.db.select().from(questionVersions).where(eq(questionVersions.id, qid)))[0]!.body.answer
const wrongOf = async (qid: number) => {
  const q = (await t.db.select().from(questionVersions).where(eq(questionVersions.id, qid)))[0]!
  if (q.type === 'judge') return [q.body.answer[0] === 'true' ? 'false' : 'true']
  return [q.body.options.map((o) => o.key).find((k) => !q.body.answer.includes(k))!]
}

describe('courses and lessons', () => {
  test('the dashboard lists the four courses with progress bars and a next step', async () => {
    const res = await get('/learn')
    expect(res.statusCode).toBe(200)
    const page = dom(res.body)
    expect(page.querySelectorAll('.course-cards a.card').map((a) => a.getAttribute('href'))).toEqual(['/learn/courses/law', '/learn/courses/knowledge', '/learn/courses/skills', '/learn/courses/ethics'])
    expect(page.querySelectorAll('progress')).toHaveLength(5)
    expect(page.querySelector('.next-step a')?.getAttribute('href')).toBe(LESSON)
    expect(page.querySelector('nav [aria-current="page"]')?.getAttribute('href')).toBe('/learn')
  })

  test('a course lists its topics; a lesson renders from the bank', async () => {
    const course = dom((await get('/learn/courses/law')).body)
    expect(course.querySelector('ol.topics a')?.getAttribute('href')).toBe(LESSON)
    const lesson = await get(LESSON)
    expect(lesson.statusCode).toBe(200)
    expect(dom(lesson.body).querySelector('.prose h2')?.text).toBe('What it is')
    expect(lesson.body).toContain('Mark as studied')
  })

  test.each(['/learn/courses/cooking', '/learn/courses/law/cooking', '/learn/courses/law/guard-eligibility/x'])('%s is not found', async (url) => {
    expect((await get(url)).statusCode).toBe(404)
  })

  test('marking as studied: a plain form redirects, htmx gets the fragment', async () => {
    const res = await post(`${LESSON}/studied`)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`${LESSON}#studied`)
    const again = await post(`${LESSON}/studied`, {}, { 'hx-request': 'true' })
    expect(again.statusCode).toBe(200)
    expect(dom(again.body).querySelector('#studied p.done')).not.toBeNull()
    expect(again.body).not.toContain('<html')
    const row = (await t.db.select().from(lessonProgress).where(eq(lessonProgress.traineeId, w.ids.personA)))[0]!
    expect(row).toMatchObject({ lessonKey: 'law/guard-eligibility' })
    expect(row.studiedAt).not.toBeNull()
  })
})

describe('the end-of-lesson check', () => {
  test('wrong, then right answers with feedback; passed when every answer is right; no exam attempt is made', async () => {
    const attemptsBefore = (await t.db.select({ n: count() }).from(attempts))[0]!.n
    expect((await post(`${LESSON}/check`)).statusCode).toBe(303)
    const { checkId, qids } = await checkOnPage()
    expect(qids.length).toBeGreaterThan(0)
    expect(qids.length).toBeLessThanOrEqual(3)
    const url = (qid: number) => `/learn/checks/${checkId}/questions/${qid}`

    // Nothing chosen: the question again with a message (422).
    const none = await post(url(qids[0]!), {}, { 'hx-request': 'true' })
    expect(none.statusCode).toBe(422)
    expect(dom(none.body).querySelector('.field-error')?.text).toBe('Choose an answer first.')

    const wrong = await post(url(qids[0]!), { choice: await wrongOf(qids[0]!) }, { 'hx-request': 'true' })
    expect(wrong.statusCode).toBe(200)
    const fb = dom(wrong.body)
    expect(fb.querySelector('.feedback.wrong')).not.toBeNull()
    expect(fb.querySelector('.feedback')?.text).toContain('Source: Reg.')
    expect(fb.querySelector('#check-status')?.getAttribute('hx-swap-oob')).toBe('true')
    expect(fb.querySelector('#check-status')?.text.trim()).toBe('Answer every question correctly to pass the check.')

    for (const [i, qid] of qids.entries()) {
      const res = i === 0
        ? await post(url(qid), { choice: await answerOf(qid) }) // a plain form: back to the question
        : await post(url(qid), { choice: await answerOf(qid) }, { 'hx-request': 'true' })
      if (i === 0) {
        expect(res.statusCode).toBe(303)
        expect(res.headers.location).toBe(`${LESSON}#cq-${qid}`)
      } else {
        expect(dom(res.body).querySelector('.feedback.right')).not.toBeNull()
      }
    }
    const check = (await t.db.select().from(lessonChecks).where(eq(lessonChecks.id, checkId)))[0]!
    expect(check.passedAt).not.toBeNull()
    const { page } = await checkOnPage()
    expect(page.querySelector('#check-status')?.text.trim()).toBe('Check passed: every answer is correct.')
    expect((await t.db.select({ n: count() }).from(attempts))[0]!.n).toBe(attemptsBefore)

    // Studied and passed: the topic is complete and the course shows it.
    const course = dom((await get('/learn/courses/law')).body)
    expect(course.querySelector('li.topic.complete')).not.toBeNull()
    expect(course.querySelector('progress')?.getAttribute('value')).toBe('100')
  })

  test('another trainee cannot answer it; a question not in it is not found', async () => {
    const { checkId, qids } = await checkOnPage()
    expect((await post(`/learn/checks/${checkId}/questions/${qids[0]}`, { choice: 'A' }, {}, 'traineeB')).statusCode).toBe(404)
    const other = (await t.db.select().from(questionVersions)).find((q) => !qids.includes(q.id))!
    expect((await post(`/learn/checks/${checkId}/questions/${other.id}`, { choice: 'A' })).statusCode).toBe(404)
  })
})

describe('a lesson updated by a new release', () => {
  beforeAll(async () => {
    t.clock.advance(60_000)
    const next = edit(edit(smallBank(), 'lessons/law/guard-eligibility.md', 'Both articles are favourite exam topics.', 'Both articles are favourite exam topics, and examiners love the numbers.'), 'bank.yaml', '2026.0', '2026.9')
    await transaction(t.db, publishBank, checkBank(next).bank, null, t.clock.now())
  })

  test('still counts as studied and complete, shows as updated with what changed', async () => {
    const course = dom((await get('/learn/courses/law')).body)
    expect(course.querySelector('li.topic.complete .badge.warn')?.text).toBe('Updated')
    const page = dom((await get(LESSON)).body)
    const changed = page.querySelector('aside.changed')
    expect(changed?.querySelector('h2')?.text).toBe('What changed since you studied it')
    const blocks = changed?.querySelectorAll('.changed-block').map((b) => b.text.trim()) ?? []
    expect(blocks).toHaveLength(1)
    expect(blocks[0]).toMatch(/^Both articles are favourite exam topics, and examiners love the numbers\. The numbers/)
    expect(page.querySelector('#studied button')?.text).toBe('Mark as studied again')
  })

  test('marking it studied again clears the flag', async () => {
    await post(`${LESSON}/studied`)
    const page = dom((await get(LESSON)).body)
    expect(page.querySelector('aside.changed')).toBeNull()
    expect(page.querySelector('#studied p.done')).not.toBeNull()
  })
})

describe('a trainee without a person record or of another role', () => {
  test('a trainer is refused the trainee pages', async () => {
    expect((await get('/learn', 'trainerA')).statusCode).toBe(403)
    expect((await postForm(t, `${LESSON}/studied`, w.cookie('trainerA'), {})).statusCode).toBe(403)
  })
})
