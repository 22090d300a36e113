import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { dom, FORM_HEADERS, form, sessionOf, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { practiceSets, questionVersions } from '../../../src/db/schema.js'
import { shownOptions } from '../../../src/features/practice/view.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

type Who = keyof World['users'] | { cookie: string }
const cookieOf = (who: Who) => (typeof who === 'string' ? w.cookie(who) : who.cookie)
const get = (url: string, who: Who = 'traineeA') => t.app.inject({ method: 'GET', url, headers: { cookie: cookieOf(who) } })
const post = (url: string, fields: Record<string, string | string[]> = {}, who: Who = 'traineeA') =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: cookieOf(who) }, payload: form(fields) })
const TOPIC = 'law/guard-eligibility'

/** Practises a topic in order, answering the first `right` questions right and the rest wrong. */
async function practise (who: Who, right: number) {
  const res = await post('/practice/sets', { mode: 'sequential', scope: TOPIC }, who)
  const id = Number(/\/practice\/sets\/(\d+)/.exec(String(res.headers.location))![1])
  const set = (await t.db.select().from(practiceSets).where(eq(practiceSets.id, id)))[0]!
  for (const [i, qid] of set.questionVersionIds.entries()) {
    const q = (await t.db.select().from(questionVersions).where(eq(questionVersions.id, qid)))[0]!
    const { order, codes } = shownOptions(set, i + 1, q)
    const keys = i < right ? q.body.answer : [order.find((k) => !q.body.answer.includes(k))!]
    await post(`/practice/sets/${id}/questions/${i + 1}`, { choice: keys.map((k) => codes[order.indexOf(k)]!) }, who)
  }
  return set.questionVersionIds.length
}

describe('mastery, due reviews and the curriculum item', () => {
  test('the trainee sees mastery per topic and the due count on /learn; the trainer on the detail page and in /training, sortable', async () => {
    const p = await w.addPerson(w.ids.entA, 'Aaron Mastery')
    const who = { cookie: await sessionOf(t, p.userId) }
    const n = await practise(who, 1)
    const course = dom((await get('/learn/courses/law', who)).body)
    const line = course.querySelectorAll('li.topic').find((li) => li.querySelector('a')?.getAttribute('href') === `/learn/courses/${TOPIC}`)!
    expect(line.querySelector('.mastery')?.text).toBe(`mastery ${Math.floor(100 / n)}% (${n} of ${n} seen)`)
    // Tomorrow the missed ones are due.
    t.clock.advance(86_400_000)
    expect(dom((await get('/learn', who)).body).querySelector('.due-reviews')?.text).toBe(`Due for review today: ${n - 1}`)

    const detail = dom((await get(`/training/trainees/${p.traineeId}`, 'trainerA')).body)
    expect(detail.querySelector('.practice-facts')?.text).toContain(`${n} questions seen; ${n} answered this week`)
    expect((await get(`/training/trainees/${p.traineeId}`, 'trainerB')).statusCode).toBe(404)
    const table = dom((await get('/training?sort=mastery&dir=desc', 'trainerA')).body)
    const first = table.querySelector('#trainee-table tbody tr')!
    expect(first.text).toContain('Aaron Mastery')
    expect(first.querySelector('td[data-label="Practised this week"]')?.text).toContain(`${n} (${Math.round(100 / n)}% correct)`)
    // The trainee's home page: what to do next, due reviews, mastery per subject as a chart.
    const home = dom((await get('/', who)).body)
    expect(home.querySelector('.today')?.text).toContain(`${n - 1} questions are due for review.`)
    expect(home.querySelector('.today a[href="/practice/review"]')).not.toBeNull()
    const chart = home.querySelector('svg.mastery-chart')!
    expect(chart.querySelector('title')?.text).toContain('Legal knowledge')
    expect(chart.querySelectorAll('rect')).toHaveLength(8)
    // Trainer B's table has none of enterprise A's trainees.
    expect((await get('/training', 'trainerB')).body).not.toContain('Aaron Mastery')
    t.clock.advance(-86_400_000)
  })

  test('"practise a topic to 80%" completes when first reached and stays complete when mastery drops', async () => {
    const p = await w.addPerson(w.ids.entA, 'Bea Goal')
    const who = { cookie: await sessionOf(t, p.userId) }
    const res = await post('/curricula', { title: 'Drill eligibility', practice: TOPIC }, 'trainerA')
    expect(res.statusCode).toBe(303)
    const curriculumId = Number(/\/curricula\/(\d+)/.exec(String(res.headers.location))![1])
    const page = dom((await get(`/curricula/${curriculumId}`, 'trainerA')).body)
    expect(page.querySelector('ul.curriculum-items li')?.text.trim()).toBe('Practise to 80% mastery: Who may become a security guard')
    expect((await post(`/curricula/${curriculumId}/assignments`, { trainee: String(p.traineeId), mandatory: 'yes' }, 'trainerA')).statusCode).toBe(303)

    const item = async () => dom((await get('/learn', who)).body).querySelector('.assignment li.curriculum-item')!
    expect((await item()).classList.contains('complete')).toBe(false)
    // The item links to practice of its topic.
    expect((await item()).querySelector('a')?.getAttribute('href')).toBe(`/practice?scope=${encodeURIComponent(TOPIC)}`)
    await practise(who, 1000)
    expect((await item()).classList.contains('complete')).toBe(true)
    // Everything wrong now: mastery falls to 0, the item stays complete.
    await practise(who, 0)
    const line = dom((await get('/learn/courses/law', who)).body).querySelectorAll('li.topic .mastery').map((m) => m.text)
    expect(line.some((x) => x.startsWith('mastery 0%'))).toBe(true)
    expect((await item()).classList.contains('complete')).toBe(true)
  })
})
