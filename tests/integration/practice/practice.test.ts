import { describe, test, expect } from 'vitest'
import { eq, and } from 'drizzle-orm'
import { dom, FORM_HEADERS, form, sessionOf, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { onPostgres } from '../../helpers/db.js'
import { shownOptions } from '../../../src/features/practice/view.js'
import { practiceAnswers, practiceQuestions, practiceSets, practiceTopics, questionVersions } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

/** A trainee of the world by name, or a session cookie of another person. */
type Who = keyof World['users'] | { cookie: string }
const cookieOf = (who: Who) => (typeof who === 'string' ? w.cookie(who) : who.cookie)
const get = (url: string, who: Who = 'traineeA', headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { cookie: cookieOf(who), ...headers } })
const post = (url: string, fields: Record<string, string | string[]> = {}, who: Who = 'traineeA', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: cookieOf(who), ...headers }, payload: form(fields) })
/** A new person of enterprise A, signed in. */
async function newTrainee (name: string) {
  const p = await w.addPerson(w.ids.entA, name)
  return { traineeId: p.traineeId, who: { cookie: await sessionOf(t, p.userId) } }
}
const HX = { 'hx-request': 'true' }

async function newSet (fields: Record<string, string>, who: Who = 'traineeA'): Promise<number> {
  const res = await post('/practice/sets', fields, who)
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
  return Number(/\/practice\/sets\/(\d+)$/.exec(String(res.headers.location))![1])
}
const setRow = async (id: number) => (await t.db.select().from(practiceSets).where(eq(practiceSets.id, id)))[0]!
const version = async (id: number) => (await t.db.select().from(questionVersions).where(eq(questionVersions.id, id)))[0]!

/** The question shown at a position: its version, and the option values a right and a wrong answer post. */
async function questionAt (setId: number, n: number, who: Who = 'traineeA') {
  const page = dom((await get(`/practice/sets/${setId}?n=${n}`, who)).body)
  const q = await version((await setRow(setId)).questionVersionIds[n - 1]!)
  // The values the page gives each key: the set's option codes, worked out from its (secret) seed.
  const { order, codes } = shownOptions(await setRow(setId), n, q)
  const valueOf = (key: string) => codes[order.indexOf(key)]!
  expect(page.querySelectorAll('form.practice-question input[name="choice"], .recite').length).toBeGreaterThan(0)
  const keys = q.type === 'judge' ? ['true', 'false'] : q.body.options.map((o) => o.key)
  const wrongKey = keys.find((k) => !q.body.answer.includes(k))!
  return { q, page, right: q.body.answer.map(valueOf), wrong: [valueOf(wrongKey)] }
}
const stateOf = async (traineeId: number, versionId: number) => {
  const v = await version(versionId)
  const keyId = (await t.db.select({ id: questionVersions.id }).from(questionVersions).where(eq(questionVersions.questionKey, v.questionKey))).map((r) => r.id).sort((a, b) => a - b)[0]!
  return (await t.db.select().from(practiceQuestions).where(and(eq(practiceQuestions.traineeId, traineeId), eq(practiceQuestions.keyId, keyId))))[0]
}

describe('the practice page', () => {
  test('练习 is in the trainee navigation, with every mode', async () => {
    const res = await get('/practice', 'traineeA', { 'accept-language': 'zh-CN' })
    expect(res.statusCode).toBe(200)
    const page = dom(res.body)
    expect(page.querySelector('nav a[href="/practice"]')?.text).toBe('练习')
    expect(page.querySelectorAll('input[name="mode"]').map((i) => i.getAttribute('value'))).toEqual(['sequential', 'random', 'type', 'sprint', 'recite'])
    for (const href of ['/practice/wrong', '/practice/favourites', '/practice/review']) expect(page.querySelector(`a[href="${href}"]`)).not.toBeNull()
  })

  test('a bad choice answers 422 with the form and its message, keeping what was chosen', async () => {
    const res = await post('/practice/sets', { mode: 'random', scope: 'law', size: '15' })
    expect(res.statusCode).toBe(422)
    const page = dom(res.body)
    expect(page.querySelector('#practice-error')?.text).toContain('10, 20 or 50')
    expect(page.querySelector('#scope-random option[selected]')?.getAttribute('value')).toBe('law')
    expect((await post('/practice/sets', { mode: 'type', domain: 'law' })).statusCode).toBe(422)
    expect((await post('/practice/sets', { mode: 'sequential', scope: 'law/no-such-topic' })).statusCode).toBe(422)
  })
})

describe('answering', () => {
  test('a random set of 10: no key or explanation before answering; feedback after; options carry no bank letter', async () => {
    const id = await newSet({ mode: 'random', size: '10' })
    expect((await setRow(id)).questionVersionIds).toHaveLength(10)
    const first = await get(`/practice/sets/${id}`)
    expect(first.statusCode).toBe(200)
    const { q, right, page } = await questionAt(id, 1)
    expect(page.querySelector('.feedback')).toBeNull()
    const explanation = (q.body.explanation as { en?: string }).en!
    expect(dom(first.body).text).not.toContain(explanation.slice(0, 40))
    expect(first.body).not.toContain('is-key')
    const values = page.querySelectorAll('input[name="choice"]').map((i) => i.getAttribute('value'))
    for (const v of values) expect(['A', 'B', 'C', 'D', 'E', 'true', 'false']).not.toContain(v)

    // htmx: the set comes back with the feedback, no layout.
    const res = await post(`/practice/sets/${id}/questions/1`, { choice: right }, 'traineeA', HX)
    expect(res.statusCode).toBe(200)
    const frag = dom(res.body)
    expect(frag.querySelector('html')).toBeNull()
    expect(frag.querySelector('.feedback.right')?.text).toContain('Correct')
    expect(frag.text).toContain(explanation.slice(0, 40))
    expect(frag.querySelector('.sheet-grid a.cell.right')?.text).toBe('1')
    expect(await setRow(id)).toMatchObject({ answered: 1, right: 1 })
  })

  test('no answer: 422 for htmx with the message, a flash for a plain form; a bank letter is refused', async () => {
    const id = await newSet({ mode: 'random', size: '10' })
    const res = await post(`/practice/sets/${id}/questions/2`, {}, 'traineeA', HX)
    expect(res.statusCode).toBe(422)
    expect(dom(res.body).querySelector('.field-error')?.text).toContain('Choose an answer')
    const plain = await post(`/practice/sets/${id}/questions/2`, {})
    expect(plain.statusCode).toBe(303)
    expect(plain.headers.location).toBe(`/practice/sets/${id}?n=2`)
    expect((await post(`/practice/sets/${id}/questions/2`, { choice: 'A' }, 'traineeA', HX)).statusCode).toBe(422)
    expect((await post(`/practice/sets/${id}/questions/11`, { choice: 'A' })).statusCode).toBe(404)
    expect(await t.db.select().from(practiceAnswers).where(eq(practiceAnswers.setId, id))).toHaveLength(0)
  })

  test('a position keeps its first answer', async () => {
    const id = await newSet({ mode: 'random', size: '10' })
    const { right, wrong } = await questionAt(id, 1)
    await post(`/practice/sets/${id}/questions/1`, { choice: wrong })
    await post(`/practice/sets/${id}/questions/1`, { choice: right })
    const rows = await t.db.select().from(practiceAnswers).where(eq(practiceAnswers.setId, id))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.right).toBe(false)
    expect(await setRow(id)).toMatchObject({ answered: 1, right: 0 })
  })

  test('another trainee\'s set and its answers are not found', async () => {
    const id = await newSet({ mode: 'random', size: '10' })
    const { right } = await questionAt(id, 1)
    expect((await get(`/practice/sets/${id}`, 'traineeB')).statusCode).toBe(404)
    expect((await post(`/practice/sets/${id}/questions/1`, { choice: right }, 'traineeB')).statusCode).toBe(404)
    expect(await t.db.select().from(practiceAnswers).where(eq(practiceAnswers.setId, id))).toHaveLength(0)
  })
})

describe('the modes', () => {
  test('sequential: a topic in bank order, resumed where the trainee left off', async () => {
    const id = await newSet({ mode: 'sequential', scope: 'law/guard-eligibility' })
    const ids = (await setRow(id)).questionVersionIds
    const keys = (await Promise.all(ids.map(version))).map((v) => v.questionKey)
    expect(keys).toEqual([...keys].sort())
    expect(keys.every((k) => k.startsWith('law.guard-eligibility.'))).toBe(true)
    for (const n of [1, 2]) await post(`/practice/sets/${id}/questions/${n}`, { choice: (await questionAt(id, n)).right })
    // Choosing it again goes back to the same set, at the third question.
    expect(await newSet({ mode: 'sequential', scope: 'law/guard-eligibility' })).toBe(id)
    const page = dom((await get(`/practice/sets/${id}`)).body)
    expect(page.querySelector('h1 small')?.text).toContain(`Question 3 of ${ids.length}`)
    // The practice page offers to carry on.
    expect(dom((await get('/practice')).body).querySelector(`.open-sets a[href="/practice/sets/${id}"]`)).not.toBeNull()
    // Another scope is another set.
    expect(await newSet({ mode: 'sequential', scope: 'law' })).not.toBe(id)
  })

  test('by type: one item type of a subject', async () => {
    const id = await newSet({ mode: 'type', domain: 'law', itemType: 'judge' })
    const qs = await Promise.all((await setRow(id)).questionVersionIds.map(version))
    expect(qs.length).toBeGreaterThan(0)
    expect(qs.every((q) => q.domain === 'law' && q.type === 'judge')).toBe(true)
  })

  test('the sprint: up to 50 questions from across the bank', async () => {
    const id = await newSet({ mode: 'sprint' })
    const n = (await setRow(id)).questionVersionIds.length
    expect(n).toBeGreaterThan(0)
    expect(n).toBeLessThanOrEqual(50)
  })

  test('背题模式 shows the key and explanation at once and takes no answer', async () => {
    const id = await newSet({ mode: 'recite', scope: 'law/guard-eligibility' })
    const res = await get(`/practice/sets/${id}`)
    const q = await version((await setRow(id)).questionVersionIds[0]!)
    expect(dom(res.body).text).toContain((q.body.explanation as { en?: string }).en!.slice(0, 40))
    expect(dom(res.body).querySelector('.is-key')).not.toBeNull()
    expect(dom(res.body).querySelector('form.practice-question')).toBeNull()
    expect((await post(`/practice/sets/${id}/questions/1`, { choice: 'x' })).statusCode).toBe(404)
  })

  test('favourites: the star adds and removes; the list practises as a set', async () => {
    const id = await newSet({ mode: 'random', size: '10' })
    const qid = (await setRow(id)).questionVersionIds[0]!
    const star = await post(`/practice/questions/${qid}/favourite`, { on: '1', back: `/practice/sets/${id}?n=1` }, 'traineeA', HX)
    expect(star.statusCode).toBe(200)
    expect(dom(star.body).querySelector('button')?.getAttribute('aria-pressed')).toBe('true')
    const list = dom((await get('/practice/favourites')).body)
    expect(list.querySelectorAll('li.entry')).toHaveLength(1)
    expect(list.querySelector('.count')?.text).toContain('1')
    const fav = await newSet({ mode: 'favourites' })
    expect((await setRow(fav)).questionVersionIds).toEqual([qid])
    const off = await post(`/practice/questions/${qid}/favourite`, { on: '0', back: '/practice/favourites' })
    expect(off.statusCode).toBe(303)
    expect(off.headers.location).toBe('/practice/favourites')
    expect(dom((await get('/practice/favourites')).body).querySelectorAll('li.entry')).toHaveLength(0)
    expect((await post('/practice/questions/999999/favourite', { on: '1' })).statusCode).toBe(404)
  })
})

describe('the wrong-answer book and the review schedule', () => {
  test('a miss enters the book and is due the next local day, not before midnight in Shanghai', async () => {
    const { traineeId, who } = await newTrainee('Clockwise')
    // 2026-03-02 23:30 in Shanghai (15:30 UTC).
    t.clock.set(Date.UTC(2026, 2, 2, 15, 30))
    const id = await newSet({ mode: 'random', size: '10' }, who)
    const { q, wrong } = await questionAt(id, 1, who)
    await post(`/practice/sets/${id}/questions/1`, { choice: wrong }, who)
    expect(await stateOf(traineeId, q.id)).toMatchObject({ inBook: true, box: 1, misses: 1 })
    // The lists show the stem, never the key's explanation.
    const explanation = (q.body.explanation as { en?: string }).en!.slice(0, 40)
    for (const url of ['/practice', '/practice/wrong', '/practice/favourites', '/practice/review']) expect(dom((await get(url, who)).body).text).not.toContain(explanation)

    const dueNow = async () => Number(/(\d+)/.exec(dom((await get('/practice', who)).body).querySelector('a[href="/practice/review"] span')!.text)![1])
    const book = dom((await get('/practice/wrong', who)).body)
    expect(book.querySelectorAll('li.entry')).toHaveLength(1)
    expect(book.querySelector('.entry-meta')?.text).toContain('missed 1 times')
    expect(await dueNow()).toBe(0)
    // 23:59 local: still not due.
    t.clock.set(Date.UTC(2026, 2, 2, 15, 59))
    expect(await dueNow()).toBe(0)
    // 00:00 local on the 3rd: due.
    t.clock.set(Date.UTC(2026, 2, 2, 16, 0))
    expect(await dueNow()).toBe(1)
    expect(dom((await get('/practice/review', who)).body).querySelectorAll('li.entry')).toHaveLength(1)

    // The review as a set: a right answer moves it to box 2, due two days later.
    const rid = await newSet({ mode: 'review' }, who)
    expect((await setRow(rid)).questionVersionIds).toEqual([q.id])
    await post(`/practice/sets/${rid}/questions/1`, { choice: (await questionAt(rid, 1, who)).right }, who)
    expect(await stateOf(traineeId, q.id)).toMatchObject({ inBook: true, box: 2, streak: 1 })
    expect(await dueNow()).toBe(0)
    // The book as a set: a second right answer in a row takes it out, and ends its schedule.
    const bid = await newSet({ mode: 'wrong' }, who)
    await post(`/practice/sets/${bid}/questions/1`, { choice: (await questionAt(bid, 1, who)).right }, who)
    expect(await stateOf(traineeId, q.id)).toMatchObject({ inBook: false, box: 0, dueDay: null, streak: 2 })
    expect(dom((await get('/practice/wrong', who)).body).querySelectorAll('li.entry')).toHaveLength(0)
    t.clock.set(Date.UTC(2026, 10, 26, 2, 0))
  })

  test('the trainee may remove a question from the book, which ends its schedule', async () => {
    const id = await newSet({ mode: 'random', size: '10' })
    const { q, wrong } = await questionAt(id, 3)
    await post(`/practice/sets/${id}/questions/3`, { choice: wrong })
    const s = (await stateOf(w.ids.personA, q.id))!
    expect(s.inBook).toBe(true)
    expect((await post(`/practice/wrong/${s.keyId}/remove`, {}, 'traineeB')).statusCode).toBe(404)
    const res = await post(`/practice/wrong/${s.keyId}/remove`, { back: '/practice/wrong' })
    expect(res.statusCode).toBe(303)
    expect(await stateOf(w.ids.personA, q.id)).toMatchObject({ inBook: false, box: 0, dueDay: null })
  })

  test('a wrong answer in a lesson check enters the book', async () => {
    const { traineeId, who } = await newTrainee('Checker')
    await post('/learn/courses/law/guard-eligibility/check', {}, who)
    const page = await get('/learn/courses/law/guard-eligibility', who)
    const m = /action="\/learn\/checks\/(\d+)\/questions\/(\d+)"/.exec(page.body)!
    const q = await version(Number(m[2]))
    const keys = q.type === 'judge' ? ['true', 'false'] : q.body.options.map((o) => o.key)
    await post(`/learn/checks/${m[1]}/questions/${m[2]}`, { choice: keys.find((k) => !q.body.answer.includes(k))! }, who)
    expect(await stateOf(traineeId, q.id)).toMatchObject({ inBook: true, misses: 1, lastRight: false })
    const topic = (await t.db.select().from(practiceTopics).where(and(eq(practiceTopics.traineeId, traineeId), eq(practiceTopics.topicKey, 'law/guard-eligibility'))))[0]
    expect(topic).toMatchObject({ seen: 1, right: 0 })
  })

  test('a finished mock: its wrong answers enter the book, its right ones count, unanswered ones do not', async () => {
    const { traineeId, who } = await newTrainee('Mocker')
    const res = await post('/exams/start', { blueprint: 'starter-mock' }, who)
    const attemptId = Number(/\/exams\/attempts\/(\d+)/.exec(String(res.headers.location))![1])
    // Answer slot 1 with a value of its page (any option: right or wrong, it counts).
    const page = await get(`/exams/attempts/${attemptId}`, who)
    const item = /action="\/exams\/attempts\/\d+\/items\/1"[\s\S]*?name="choice" value="([^"]+)"/.exec(page.body)!
    await post(`/exams/attempts/${attemptId}/items/1`, { choice: item[1]!, seq: '0' }, who)
    await post(`/exams/attempts/${attemptId}/finish`, {}, who)
    const rows = await t.db.select().from(practiceQuestions).where(eq(practiceQuestions.traineeId, traineeId))
    expect(rows).toHaveLength(1)
    expect(rows[0]!.lastRight === false ? rows[0]!.inBook : !rows[0]!.inBook).toBe(true)
  })
})

describe('storage', () => {
  // SQLite's storage (dbstat, its pragmas).
  test.skipIf(onPostgres)('a practice answer row with its index takes at most 64 bytes (dbstat), at province-size ids', () => {
    const client = t.db.$client
    // Ids as large as a province makes them: billions of answers, millions of sets, 500,000 guards.
    // The rows name no real set or trainee, so foreign keys are off while they are in.
    client.pragma('foreign_keys = OFF')
    const insert = client.prepare('INSERT INTO practice_answers (id, set_id, position, trainee_id, question_version_id, answer, right, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    const N = 20_000
    const before = client.prepare('SELECT count(*) AS n FROM practice_answers').get() as { n: number }
    client.transaction(() => {
      for (let i = 0; i < N; i++) insert.run(3_000_000_000 + i, 40_000_000 + Math.floor(i / 20), 1 + (i % 20), 400_000 + Math.floor(i / 200), 2_000 + (i % 1500), 1 << (i % 4), i % 3 === 0 ? 0 : 1, Date.UTC(2026, 0, 1) + i * 60_000)
    })()
    const bytes = client.prepare("SELECT sum(pgsize) AS b FROM dbstat WHERE name IN ('practice_answers', 'practice_answers_set_idx')").get() as { b: number }
    const perRow = bytes.b / (N + before.n)
    console.log(`practice_answers: ${perRow.toFixed(1)} bytes per row with its index (dbstat, ${N + before.n} rows)`)
    expect(perRow).toBeLessThanOrEqual(64)
    client.prepare('DELETE FROM practice_answers WHERE id >= 3000000000').run()
    client.pragma('foreign_keys = ON')
  })
})
