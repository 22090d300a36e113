import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { buildTestApp, dom, FORM_HEADERS, form, type TestApp } from '../../helpers/app.js'
import { buildWorld, type World } from '../../helpers/world.js'
import { smallBank, edit } from '../../helpers/bank.js'
import { checkBank, LATIN_RUN } from '../../../src/features/bank/format.js'
import { readBankDir } from '../../../src/features/bank/files.js'
import { publishBank, DEFAULT_BANK_DIR } from '../../../src/features/bank/index.js'
import { sourceText } from '../../../src/features/bank/sources.js'
import { attemptItems, questionVersions, users } from '../../../src/db/schema.js'
import { transaction } from '../../../src/db/engine.js'

// The shipped bank (Chinese first, English second) published over an English-only release,
// read by a trainee in 中文 and in English.
let t: TestApp
let w: World
let oldAttempt: number
const shipped = checkBank(readBankDir(DEFAULT_BANK_DIR)).bank

beforeAll(async () => {
  t = await buildTestApp()
  // The world publishes the English-only fixture; relabel it as the release before Chinese.
  await transaction(t.db, publishBank, checkBank(edit(smallBank(), 'bank.yaml', '2026.0', '2026.1')).bank, null, t.clock.now())
  w = await buildWorld(t, 'lang')
  oldAttempt = await w.finishedAttempt()
  // Studied in English on the old release.
  const studied = await t.app.inject({ method: 'POST', url: '/learn/courses/law/guard-eligibility/studied', headers: { ...FORM_HEADERS, cookie: w.cookie('traineeA') } })
  expect(studied.statusCode).toBe(303)
  t.clock.advance(60_000)
  await transaction(t.db, publishBank, shipped, null, t.clock.now())
})
afterAll(async () => { await t.close() })

type Who = 'traineeA' | 'trainerA' | 'admin'
/** The reader's language is stored on the account (the language switch); set it as the switch does. */
const reading = async (who: Who, lang: 'zh' | 'en') => await t.db.update(users).set({ locale: lang }).where(eq(users.id, w.users[who]))
const withLang = (cookie: string, lang: 'zh' | 'en') => `${cookie}; gp_lang=${lang}`
const get = async (url: string, lang: 'zh' | 'en', who: Who = 'traineeA') => {
  await reading(who, lang)
  const res = await t.app.inject({ url, headers: { cookie: withLang(w.cookie(who), lang) } })
  expect(res.statusCode, url).toBe(200)
  return res
}
const post = async (url: string, fields: Record<string, string>, lang: 'zh' | 'en' = 'zh') => {
  await reading('traineeA', lang)
  return t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: withLang(w.cookie('traineeA'), lang) }, payload: form(fields) })
}
/** The runs of three or more Latin words in the text of the elements a selector finds. */
const latinRuns = (html: string, selector: string) => {
  const nodes = dom(html).querySelectorAll(selector)
  expect(nodes.length, selector).toBeGreaterThan(0)
  return nodes.map((n) => LATIN_RUN.exec(n.text)?.[0]).filter(Boolean).slice(0, 5)
}
const han = /\p{Script=Han}/u

async function startNationalMock (): Promise<number> {
  const res = await post('/exams/start', { blueprint: 'national-mock' })
  const id = /\/exams\/attempts\/(\d+)/.exec(String(res.headers.location))?.[1]
  expect(id, res.body.slice(0, 300)).toBeDefined()
  return Number(id)
}
const itemsOf = async (attemptId: number) => (await t.db.select({ slot: attemptItems.slot, order: attemptItems.optionOrder, versionId: attemptItems.questionVersionId, body: questionVersions.body })
  .from(attemptItems).innerJoin(questionVersions, eq(questionVersions.id, attemptItems.questionVersionId))
  .where(eq(attemptItems.attemptId, attemptId))).sort((a, b) => a.slot - b.slot)

describe('one language on the page', () => {
  test('a national-mock page in 中文 holds only Chinese content; the same attempt in English holds the same questions in English', async () => {
    const id = await startNationalMock()
    const items = await itemsOf(id)
    const zh = (await get(`/exams/attempts/${id}`, 'zh')).body
    expect(latinRuns(zh, 'form.item')).toEqual([])
    const page = dom(zh)
    // Slot by slot: the Chinese of the pinned version, its options in the attempt's order.
    for (const it of items.slice(0, 10)) {
      const form = page.querySelector(`#q-${it.slot}`)!
      expect(form.querySelector('.stem')!.text).toBe(it.body.stem.zh)
      if (it.body.options.length) expect(form.querySelectorAll('label.option span:last-child').map((s) => s.text)).toEqual(it.order.map((k) => it.body.options.find((o) => o.key === k)!.text.zh))
    }
    expect(page.querySelector('.note')).toBeNull()
    // Switching language mid-exam: the same versions, options and order, in English.
    const switched = await post('/language', { lang: 'en', back: `/exams/attempts/${id}` }, 'zh')
    expect(switched.statusCode).toBe(303)
    expect((await t.db.select({ locale: users.locale }).from(users).where(eq(users.id, w.users.traineeA)))[0]!.locale).toBe('en')
    const en = dom((await get(`/exams/attempts/${id}`, 'en')).body)
    for (const it of items.slice(0, 10)) {
      const form = en.querySelector(`#q-${it.slot}`)!
      expect(form.querySelector('.stem')!.text).toBe(it.body.stem.en)
      if (it.body.options.length) expect(form.querySelectorAll('label.option span:last-child').map((s) => s.text)).toEqual(it.order.map((k) => it.body.options.find((o) => o.key === k)!.text.en))
    }
    expect((await itemsOf(id)).map((i) => i.versionId)).toEqual(items.map((i) => i.versionId))
  })

  test('no page of an open attempt holds a key, an explanation or a source, in either language', async () => {
    const id = await startNationalMock()
    const items = await itemsOf(id)
    for (const lang of ['zh', 'en'] as const) {
      const bodies: string[] = []
      for (const u of [`/exams/attempts/${id}`, `/exams/attempts/${id}?page=5`, `/exams/attempts/${id}?page=10`, `/exams/attempts/${id}/submit`]) bodies.push((await get(u, lang)).body)
      const all = bodies.join('\n')
      // What the paper itself says (a stem may name the article it asks about) is not a leak.
      const shown = items.flatMap((it) => [it.body.stem[lang]!, ...it.body.options.map((o) => o.text[lang]!)]).join('\n')
      for (const it of items) {
        // An explanation may open with the words of an option; its middle is its own.
        const ex = it.body.explanation[lang]!
        const middle = ex.slice(Math.floor(ex.length / 2), Math.floor(ex.length / 2) + 24)
        if (!shown.includes(middle)) expect(all, it.body.source).not.toContain(middle)
        const source = sourceText(it.body.source, lang)
        if (!shown.includes(source)) expect(all, it.body.source).not.toContain(source)
      }
      expect(all).not.toMatch(/review-options|class="explanation"/)
    }
    await post(`/exams/attempts/${id}/finish`, {})
  })

  test('the result review in 中文: stems, options, explanations and sources in Chinese; in English, in English', async () => {
    const id = await startNationalMock()
    await post(`/exams/attempts/${id}/finish`, {})
    const zh = (await get(`/exams/attempts/${id}/result`, 'zh')).body
    expect(latinRuns(zh, 'article.review')).toEqual([])
    const review = dom(zh).querySelectorAll('article.review')
    expect(review).toHaveLength(100)
    const first = (await itemsOf(id))[0]!
    expect(review[0]!.querySelector('.explanation')!.text).toContain(first.body.explanation.zh!.slice(0, 20))
    expect(review[0]!.text).toContain(sourceText(first.body.source, 'zh'))
    const en = dom((await get(`/exams/attempts/${id}/result`, 'en')).body).querySelectorAll('article.review')
    expect(en[0]!.querySelector('.explanation')!.text).toContain(first.body.explanation.en!.slice(0, 20))
    expect(en.map((a) => a.querySelector('.stem')!.text)).toEqual((await itemsOf(id)).map((i) => i.body.stem.en))
    // The trainer reads the same review in their own language.
    const trainer = (await get(`/exams/attempts/${id}/result`, 'zh', 'trainerA')).body
    expect(latinRuns(trainer, 'article.review')).toEqual([])
  })

  test('a lesson and its check in 中文, then in English', async () => {
    const url = '/learn/courses/ethics/ethics-basics'
    const zh = (await get(url, 'zh')).body
    expect(latinRuns(zh, 'article.lesson h1, article.lesson .prose')).toEqual([])
    const topic = shipped.syllabus.find((d) => d.id === 'ethics')!.topics.find((x) => x.id === 'ethics-basics')!
    expect(dom(zh).querySelector('article.lesson h1')!.text).toBe(topic.title.zh)
    const started = await post(`${url}/check`, {})
    expect(started.statusCode).toBe(303)
    const withCheck = dom((await get(url, 'zh')).body)
    const questions = withCheck.querySelectorAll('form.check-question')
    expect(questions.length).toBeGreaterThan(0)
    // Answer the first question (any option) and read its feedback: explanation and source in Chinese.
    const q = questions[0]!
    const choice = q.querySelector('input[name=choice]')!.getAttribute('value')!
    const answered = await t.app.inject({ method: 'POST', url: q.getAttribute('action')!, headers: { ...FORM_HEADERS, cookie: withLang(w.cookie('traineeA'), 'zh'), 'hx-request': 'true' }, payload: form({ choice }) })
    expect(answered.statusCode).toBe(200)
    expect(latinRuns(answered.body, '.stem, label.option, .feedback')).toEqual([])
    expect(dom(answered.body).querySelector('.feedback')!.text).toMatch(/《|行业通行做法|考试大纲/)
    const en = dom((await get(url, 'en')).body)
    expect(en.querySelector('article.lesson h1')!.text).toBe(topic.title.en)
    expect(en.querySelector('article.lesson .prose')!.text).not.toMatch(/是什么|要点/)
    const checkStem = en.querySelector('form.check-question .stem')!.text
    expect(shipped.questions.some((q) => q.stem.en === checkStem)).toBe(true)
  })

  test('an attempt on the English-only release still renders in 中文, in English, with a note saying so', async () => {
    const zh = dom((await get(`/exams/attempts/${oldAttempt}/result`, 'zh')).body)
    expect(zh.querySelector('.note')!.text).toContain('英文')
    expect(zh.querySelectorAll('article.review')).toHaveLength(16)
    // As taken: each stem is its version's English (which may name a Chinese key term in brackets).
    expect(zh.querySelectorAll('article.review .stem').map((p) => p.text)).toEqual((await itemsOf(oldAttempt)).map((i) => i.body.stem.en))
    const en = dom((await get(`/exams/attempts/${oldAttempt}/result`, 'en')).body)
    expect(en.querySelector('.note')).toBeNull()
  })

  test('a lesson studied in English before it was written in Chinese says it was rewritten, not which paragraphs changed', async () => {
    const page = dom((await get('/learn/courses/law/guard-eligibility', 'zh')).body)
    expect(page.querySelector('aside.changed')!.text).toContain('本课已重新编写为中文版')
    expect(page.querySelectorAll('aside.changed .changed-block')).toHaveLength(0)
  })
})

describe('admin bank pages in the reader\'s language', () => {
  test('the question search finds Chinese text, two-character terms included', async () => {
    const expected = shipped.questions.filter((q) => [q.stem.zh, ...q.options.map((o) => o.text.zh)].some((s) => s!.includes('搜查'))).map((q) => q.id).sort()
    expect(expected.length).toBeGreaterThan(0)
    const res = await get(`/admin/bank/questions?q=${encodeURIComponent('搜查')}&status=active`, 'zh', 'admin')
    const found = dom(res.body).querySelectorAll('tbody tr a').map((a) => a.text)
    expect(found).toEqual(expected.slice(0, 50))
    expect(dom(res.body).querySelector('p.total')!.text).toBe(`共 ${expected.length} 道试题符合条件，显示第 1–${Math.min(50, expected.length)} 道。`)
    // Every page of the whole bank says the true total; the last page holds the rest.
    const pages = Math.ceil(shipped.questions.length / 50)
    const last = dom((await get(`/admin/bank/questions?status=active&page=${pages}`, 'zh', 'admin')).body)
    expect(last.querySelector('p.total')!.text).toBe(`共 ${shipped.questions.length} 道试题符合条件，显示第 ${(pages - 1) * 50 + 1}–${shipped.questions.length} 道。`)
    expect(last.querySelector('a[href*="page=' + (pages + 1) + '"]')).toBeNull()
    expect(latinRuns(res.body, 'tbody td[data-label]:nth-child(2)')).toEqual([])
  })

  test('a question, a release and a lesson in 中文 show Chinese content only', async () => {
    const q = shipped.questions.find((x) => x.type === 'multi')!
    const page = (await get(`/admin/bank/questions/${q.id}`, 'zh', 'admin')).body
    const newest = dom(page).querySelector('article.version')!
    expect(newest.querySelector('.stem')!.text).toBe(q.stem.zh)
    expect(newest.text).toContain(sourceText(q.source, 'zh'))
    expect(LATIN_RUN.exec(newest.querySelector('.stem')!.text + newest.querySelector('ol.options')!.text)).toBeNull()
    const releases = dom((await get('/admin/bank', 'zh', 'admin')).body)
    const link = releases.querySelector('article h2 a')!
    expect(link.text).toBe(shipped.release)
    const release = (await get(link.getAttribute('href')!, 'zh', 'admin')).body
    const lessonLinks = dom(release).querySelectorAll('a[href^="/admin/bank/lessons/"]')
    expect(lessonLinks.length).toBe(shipped.lessons.length)
    expect(lessonLinks.filter((a) => !han.test(a.text))).toEqual([])
  })
})
