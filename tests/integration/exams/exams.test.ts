import { describe, test, expect } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { form, dom, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { smallBank, edit } from '../../helpers/bank.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { sweepOverdue, optionCodes } from '../../../src/features/exams/index.js'
import { transaction } from '../../../src/db/engine.js'
import { attempts, attemptItems, attemptSteps, questionVersions, auditEvents, recentPapers } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const A = () => w.cookie('traineeA')
const get = (url: string, cookie = A(), headers: Record<string, string> = {}) => t.app.inject({ url, headers: { cookie, ...headers } })
const post = (url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: A(), ...headers }, payload: form(fields) })
const HX = { 'hx-request': 'true' }

/**
 * The items of an attempt with their question's key and type, straight from the database, and
 * `code(key)`: the value the exam page gives that option (per attempt, never the key itself).
 */
const itemsOf = async (attemptId: number) => {
  const seed = (await attemptRow(attemptId)).seed
  return (await t.db.select({ slot: attemptItems.slot, id: attemptItems.id, questionVersionId: attemptItems.questionVersionId, order: attemptItems.optionOrder, body: questionVersions.body, type: questionVersions.type })
    .from(attemptItems).innerJoin(questionVersions, eq(questionVersions.id, attemptItems.questionVersionId)).where(eq(attemptItems.attemptId, attemptId)))
    .map((i) => {
      const codes = optionCodes(seed, attemptId, i.slot, i.order)
      return { ...i, code: (key: string) => codes[i.order.indexOf(key)]! }
    })
}
/** The seq a fresh form would post for an item: how many steps it has. */
const seqOf = async (itemId: number) => String((await t.db.select().from(attemptSteps).where(eq(attemptSteps.attemptItemId, itemId))).length)
const attemptRow = async (id: number) => (await t.db.select().from(attempts).where(eq(attempts.id, id)))[0]!

describe('starting and resuming', () => {
  test('start assembles the starter mock; starting again resumes the same attempt', async () => {
    const first = await w.openAttempt()
    const second = await w.openAttempt()
    expect(second).toBe(first)
    const a = await attemptRow(first)
    expect(a.deadlineAt.getTime() - a.startedAt.getTime()).toBe(20 * 60_000)
    expect(await itemsOf(first)).toHaveLength(16)
    const page1 = dom((await get(`/exams/attempts/${first}`)).body)
    expect(page1.querySelectorAll('form.item')).toHaveLength(10)
    expect(page1.querySelectorAll('.exam-nav a')).toHaveLength(16)
    expect(page1.querySelector('#clock')!.text.trim()).toBe('20:00')
    const page2 = dom((await get(`/exams/attempts/${first}?page=2`)).body)
    expect(page2.querySelectorAll('form.item')).toHaveLength(6)
    // Every question is a fieldset with a legend and labelled choices.
    const item = page2.querySelector('form.item')!
    expect(item.querySelector('fieldset legend')).not.toBeNull()
    expect(item.querySelectorAll('label.option input').length).toBeGreaterThanOrEqual(2)
    await post(`/exams/attempts/${first}/finish`, {})
  })

  test('an unknown blueprint is refused with a message', async () => {
    const res = await post('/exams/start', { blueprint: 'no-such-mock' })
    expect(res.statusCode).toBe(400)
    expect(dom(res.body).querySelector('main p')!.text).toContain('not available')
  })
})

describe('answering', () => {
  test('htmx saves one item and returns its new state; a stale page gets 409 and the saved answer', async () => {
    const id = await w.openAttempt()
    const item = (await itemsOf(id)).find((i) => i.slot === 1)!
    const choice = item.order[0]!
    const ok = await post(`/exams/attempts/${id}/items/1`, { choice: item.code(choice), seq: '0' }, HX)
    expect(ok.statusCode).toBe(200)
    expect(dom(ok.body).querySelector('#status-1')!.text).toContain('Saved at')
    expect(dom(ok.body).querySelector('#seq-1')!.getAttribute('value')).toBe('1')
    const stale = await post(`/exams/attempts/${id}/items/1`, { choice: item.code(item.order[1]!), seq: '0' }, HX)
    expect(stale.statusCode).toBe(409)
    expect(stale.headers['hx-retarget']).toBe('#q-1')
    const fresh = dom(stale.body)
    expect(fresh.querySelector(`input[value="${item.code(choice)}"]`)!.getAttribute('checked')).not.toBeUndefined()
    expect(fresh.querySelector('.save-status')!.text).toContain('changed in another window')
    const steps = await t.db.select().from(attemptSteps).where(eq(attemptSteps.attemptItemId, item.id))
    expect(steps.map((s) => [s.seq, s.response])).toEqual([[1, [choice]]])
  })

  test('without JavaScript an answer is saved by its form and the page comes back at that question', async () => {
    const id = await w.openAttempt()
    const item = (await itemsOf(id)).find((i) => i.slot === 12)!
    const res = await post(`/exams/attempts/${id}/items/12`, { choice: item.code(item.order[0]!), seq: '0' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/exams/attempts/${id}?page=2#q-12`)
    const page = dom((await get(`/exams/attempts/${id}?page=2`)).body)
    expect(page.querySelector('#q-12 input[checked]')!.getAttribute('value')).toBe(item.code(item.order[0]!))
    expect(page.querySelector('#nav-12')!.getAttribute('class')).toContain('answered')
    // Clearing the answer (a form sent with no choice) leaves the cell unanswered again.
    await post(`/exams/attempts/${id}/items/12`, { seq: '1' })
    const cleared = dom((await get(`/exams/attempts/${id}?page=2`)).body)
    expect(cleared.querySelector('#q-12 input[checked]')).toBeNull()
    expect(cleared.querySelector('#nav-12')!.getAttribute('class')).not.toContain('answered')
  })

  test('answers that are not options, or two answers to a single-choice question, are refused', async () => {
    const id = await w.openAttempt()
    const items = await itemsOf(id)
    const single = items.find((i) => i.type === 'single')!
    const seq = await seqOf(single.id)
    expect((await post(`/exams/attempts/${id}/items/${single.slot}`, { choice: 'Z', seq }, HX)).statusCode).toBe(400)
    expect((await post(`/exams/attempts/${id}/items/${single.slot}`, { choice: [single.code(single.order[0]!), single.code(single.order[1]!)], seq }, HX)).statusCode).toBe(400)
    expect((await post(`/exams/attempts/${id}/items/${single.slot}`, { choice: single.code(single.order[0]!), seq: 'abc' }, HX)).statusCode).toBe(400)
    expect((await post(`/exams/attempts/${id}/items/99`, { seq: '0' }, HX)).statusCode).toBe(404)
    const multi = items.find((i) => i.type === 'multi')!
    expect((await post(`/exams/attempts/${id}/items/${multi.slot}`, { choice: [multi.code(multi.order[0]!), multi.code(multi.order[2]!)], seq: await seqOf(multi.id) }, HX)).statusCode).toBe(200)
  })

  test('flagging marks the question and its cell in the grid', async () => {
    const id = await w.openAttempt()
    const res = await post(`/exams/attempts/${id}/items/3/flag`, {}, HX)
    expect(res.statusCode).toBe(200)
    expect(dom(res.body).querySelector('form#q-3')!.getAttribute('class')).toContain('flagged')
    const submit = dom((await get(`/exams/attempts/${id}/submit`)).body)
    expect(submit.querySelectorAll('a.nav-cell.flagged').map((a) => a.text)).toEqual(['3'])
  })

  test('a flag on a finished attempt is refused as such: 409 and the item as stored, nothing saved', async () => {
    const id = await w.openAttempt()
    const item = (await itemsOf(id)).find((i) => i.slot === 4)!
    await post(`/exams/attempts/${id}/finish`, {})
    const flagged = async () => (await t.db.select().from(attemptItems).where(eq(attemptItems.id, item.id)))[0]!.flagged
    const res = await post(`/exams/attempts/${id}/items/4/flag`, {}, HX)
    expect(res.statusCode).toBe(409)
    expect(res.headers['hx-retarget']).toBe('#q-4')
    const form = dom(res.body).querySelector('form#q-4')!
    expect(form.getAttribute('class')).not.toContain('flagged') // not shown as if saved
    expect(await flagged()).toBe(false)
    const plain = await post(`/exams/attempts/${id}/items/4/flag`, {})
    expect(plain.statusCode).toBe(303)
    expect(plain.headers.location).toBe(`/exams/attempts/${id}/result`)
    expect(await flagged()).toBe(false)
  })
})

describe('finishing', () => {
  test('two tabs finishing at once give one result', async () => {
    const id = await w.openAttempt()
    const [a, b] = await Promise.all([post(`/exams/attempts/${id}/finish`, {}), post(`/exams/attempts/${id}/finish`, {})])
    expect([a.statusCode, b.statusCode]).toEqual([303, 303])
    const finishes = (await t.db.select().from(auditEvents)).filter((e) => e.action === 'attempt.finished' && e.subjectId === String(id))
    expect(finishes).toHaveLength(1)
    const again = await post(`/exams/attempts/${id}/finish`, {})
    expect(again.headers.location).toBe(`/exams/attempts/${id}/result`)
    expect((await attemptRow(id)).finishReason).toBe('submitted')
  })

  test('an answer after the deadline and its grace is refused; the attempt closes at its deadline', async () => {
    const id = await w.openAttempt()
    const item = (await itemsOf(id)).find((i) => i.slot === 2)!
    expect((await post(`/exams/attempts/${id}/items/2`, { choice: item.code(item.order[0]!), seq: '0' }, HX)).statusCode).toBe(200)
    const deadline = (await attemptRow(id)).deadlineAt.getTime()
    t.clock.set(deadline + 4_000) // within the grace: accepted
    expect((await post(`/exams/attempts/${id}/items/2`, { choice: item.code(item.order[1]!), seq: '1' }, HX)).statusCode).toBe(200)
    t.clock.set(deadline + 6_000)
    const late = await post(`/exams/attempts/${id}/items/2`, { choice: item.code(item.order[0]!), seq: '2' }, HX)
    expect(late.statusCode).toBe(409)
    expect(dom(late.body).querySelector('.save-status')!.text).toMatch(/already finished|Time is up/)
    const row = await attemptRow(id)
    expect(row.finishReason).toBe('timeout')
    expect(row.finishedAt!.getTime()).toBe(deadline)
    // Every accepted answer counts: the last accepted one is the one graded.
    const steps = await t.db.select().from(attemptSteps).where(eq(attemptSteps.attemptItemId, item.id))
    expect(steps.at(-1)!.response).toEqual([item.order[1]].sort())
  })

  test('the sweep finalises overdue attempts with the deadline as finish time', async () => {
    const id = await w.openAttempt()
    const deadline = (await attemptRow(id)).deadlineAt.getTime()
    t.clock.set(deadline + 5_000)
    expect(await transaction(t.db, sweepOverdue, t.clock.now())).toBe(0)
    t.clock.set(deadline + 60_000)
    expect(await transaction(t.db, sweepOverdue, t.clock.now())).toBe(1)
    expect(await attemptRow(id)).toMatchObject({ finishReason: 'timeout', finishedAt: new Date(deadline) })
    // Finalised once, inside the sweep's transaction: its paper kept for exposure control, one event; a second sweep finds nothing.
    expect(await transaction(t.db, sweepOverdue, t.clock.now())).toBe(0)
    const papers = await t.db.select().from(recentPapers).where(eq(recentPapers.attemptId, id))
    expect(papers.map((p) => [...p.questionVersionIds].sort((x, y) => x - y))).toEqual([(await itemsOf(id)).map((i) => i.questionVersionId).sort((x, y) => x - y)])
    expect((await t.db.select().from(auditEvents)).filter((e) => e.action === 'attempt.finished' && e.subjectId === String(id))).toHaveLength(1)
  })
})

describe('grading, results and review', () => {
  test('all correct scores full marks; the result shows the breakdown and a review filterable to wrong answers', async () => {
    const id = await w.openAttempt()
    const items = await itemsOf(id)
    for (const it of items) {
      const wrongOnPurpose = it.slot === 1
      const choice = wrongOnPurpose ? it.order.filter((k) => !it.body.answer.includes(k)).slice(0, 1) : it.body.answer
      const res = await post(`/exams/attempts/${id}/items/${it.slot}`, { choice: choice.map((k) => it.code(k)), seq: '0' }, HX)
      expect(res.statusCode, `slot ${it.slot}`).toBe(200)
    }
    await post(`/exams/attempts/${id}/finish`, {})
    const row = await attemptRow(id)
    const slot1 = items.find((i) => i.slot === 1)!
    const lost = row.maxScore - (row.score ?? 0)
    expect(lost).toBe(slot1.type === 'multi' ? 2 : 1)
    expect(row.passed).toBe(true)
    const page = dom((await get(`/exams/attempts/${id}/result`)).body)
    expect(page.querySelector('.score strong')!.text).toBe(String(row.score))
    expect(page.querySelectorAll('svg.bars rect.bar-bg')).toHaveLength(4)
    expect(page.querySelectorAll('article.review')).toHaveLength(16)
    expect(page.querySelector('article.review.wrong .explanation')!.text).toContain(slot1.body.explanation.en!.slice(0, 40))
    const wrongOnly = dom((await get(`/exams/attempts/${id}/result?show=wrong`)).body)
    expect(wrongOnly.querySelectorAll('article.review').map((r) => r.getAttribute('id'))).toEqual(['r-1'])
    // The trainee's trainer reads the same result, and finds it from the person's page.
    expect((await get(`/exams/attempts/${id}/result`, w.cookie('trainerA'))).statusCode).toBe(200)
    const results = dom((await get(`/exams/people/${w.ids.personA}`, w.cookie('trainerA'))).body)
    expect(results.querySelectorAll(`a[href="/exams/attempts/${id}/result"]`)).toHaveLength(1)
    expect(results.querySelector(`tr:has(a[href="/exams/attempts/${id}/result"]) .badge`)?.text ?? results.text).toContain('Passed')
    const history = dom((await get('/exams')).body)
    expect(history.querySelectorAll('tbody tr').length).toBeGreaterThanOrEqual(1)
  })
})

describe('option values', () => {
  test('two attempts of the same paper give their options different values, and no value is a bank key', async () => {
    const a = await w.openAttempt()
    const res = await t.app.inject({ method: 'POST', url: '/exams/start', headers: { ...FORM_HEADERS, cookie: w.cookie('traineeB') }, payload: 'blueprint=starter-mock' })
    const b = Number(/\/exams\/attempts\/(\d+)/.exec(String(res.headers.location))![1])
    // Make B's paper A's: the same seed, questions and option order, slot by slot.
    await t.db.update(attempts).set({ seed: (await attemptRow(a)).seed }).where(eq(attempts.id, b))
    for (const it of await itemsOf(a)) {
      const src = (await t.db.select().from(attemptItems).where(eq(attemptItems.id, it.id)))[0]!
      await t.db.update(attemptItems).set({ questionVersionId: src.questionVersionId, optionOrder: src.optionOrder }).where(and(eq(attemptItems.attemptId, b), eq(attemptItems.slot, it.slot)))
    }
    const values = async (id: number, cookie: string) => {
      const page = dom((await get(`/exams/attempts/${id}`, cookie)).body)
      return page.querySelectorAll('form.item').map((f) => ({ slot: f.getAttribute('id'), stem: f.querySelector('.stem')!.text, values: f.querySelectorAll('input[name=choice]').map((i) => i.getAttribute('value')!) }))
    }
    const pa = await values(a, A())
    const pb = await values(b, w.cookie('traineeB'))
    expect(pb.map((x) => x.stem)).toEqual(pa.map((x) => x.stem))
    const keys = new Set(['A', 'B', 'C', 'D', 'E', 'true', 'false'])
    for (let i = 0; i < pa.length; i++) {
      for (const v of [...pa[i]!.values, ...pb[i]!.values]) expect(keys.has(v), v).toBe(false)
      for (const v of pa[i]!.values) expect(pb[i]!.values).not.toContain(v)
    }
    await post(`/exams/attempts/${a}/finish`, {})
    await t.app.inject({ method: 'POST', url: `/exams/attempts/${b}/finish`, headers: { ...FORM_HEADERS, cookie: w.cookie('traineeB') } })
  })

  test('a value of another attempt or another question is refused', async () => {
    const id = await w.openAttempt()
    const [first, second] = await itemsOf(id)
    expect((await post(`/exams/attempts/${id}/items/${first!.slot}`, { choice: second!.code(second!.order[0]!), seq: '0' }, HX)).statusCode).toBe(400)
    expect((await post(`/exams/attempts/${id}/items/${first!.slot}`, { choice: first!.order[0]!, seq: '0' }, HX)).statusCode).toBe(400)
    await post(`/exams/attempts/${id}/finish`, {})
  })

  test('the review shows each option with the letter the trainee saw during the exam', async () => {
    const id = await w.openAttempt()
    const page = dom((await get(`/exams/attempts/${id}`)).body)
    const single = page.querySelectorAll('form.item').find((f) => f.querySelectorAll('.letter').length === 4)!
    const slot = Number(single.getAttribute('id')!.slice(2))
    // Answer with the option shown third, lettered C on the page.
    const third = single.querySelectorAll('label.option')[2]!
    expect(third.querySelector('.letter')!.text).toBe('C')
    const text = third.querySelectorAll('span').at(-1)!.text
    await post(`/exams/attempts/${id}/items/${slot}`, { choice: third.querySelector('input')!.getAttribute('value')!, seq: '0' }, HX)
    await post(`/exams/attempts/${id}/finish`, {})
    const review = dom((await get(`/exams/attempts/${id}/result`)).body).querySelector(`#r-${slot}`)!
    const chosen = review.querySelector('li.chosen')!
    expect(chosen.querySelector('.letter')!.text).toBe('C')
    expect(chosen.text).toContain(text)
    // The options stand in the order they were shown.
    expect(review.querySelectorAll('li .letter').map((l) => l.text)).toEqual(['A', 'B', 'C', 'D'])
  })
})

describe('on a phone', () => {
  const PHONE = { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36' }

  test('a phone gets one screen at a time, ending at a single-choice or true/false question; a computer gets pages of ten', async () => {
    const id = await w.openAttempt()
    const items = (await itemsOf(id)).sort((x, y) => x.slot - y.slot)
    const screen = dom((await get(`/exams/attempts/${id}`, A(), PHONE)).body)
    const forms = screen.querySelectorAll('form.item')
    expect(forms.length).toBeGreaterThanOrEqual(1)
    expect(forms.length).toBeLessThanOrEqual(3)
    // Every question but the last on a screen is a multiple-choice one; the screen moves on when its last is not.
    const types = forms.map((f) => items.find((i) => `q-${i.slot}` === f.getAttribute('id'))!.type)
    expect(types.slice(0, -1).every((ty) => ty === 'multi')).toBe(true)
    expect(screen.querySelector('[data-exam]')!.hasAttribute('data-advance')).toBe(types.at(-1) !== 'multi')
    expect(screen.querySelector('input[name=view]')!.getAttribute('value')).toBe('screens')
    // The answer sheet is folded, with all sixteen questions in it.
    expect(screen.querySelector('details#answer-sheet')!.getAttribute('open')).toBeUndefined()
    expect(screen.querySelectorAll('#answer-sheet a.nav-cell')).toHaveLength(16)
    // The last screen's "next" is the review before submitting.
    const last = dom((await get(`/exams/attempts/${id}?view=screens&q=16`, A(), PHONE)).body)
    expect(last.querySelector('#next-link')!.getAttribute('href')).toBe(`/exams/attempts/${id}/submit`)
    // A computer, or a phone that asks for pages, gets ten.
    expect(dom((await get(`/exams/attempts/${id}`)).body).querySelectorAll('form.item')).toHaveLength(10)
    expect(dom((await get(`/exams/attempts/${id}?view=pages&q=12`, A(), PHONE)).body).querySelectorAll('form.item')).toHaveLength(6)
    await post(`/exams/attempts/${id}/finish`, {})
  })

  test('without JavaScript, a saved answer on a screen comes back to that screen', async () => {
    const id = await w.openAttempt()
    const item = (await itemsOf(id)).find((i) => i.slot === 9)!
    const res = await post(`/exams/attempts/${id}/items/9`, { choice: item.code(item.order[0]!), seq: '0', view: 'screens' })
    expect(res.headers.location).toBe(`/exams/attempts/${id}?view=screens&q=9#q-9`)
    const back = dom((await get(res.headers.location as string, A(), PHONE)).body)
    expect(back.querySelector('#q-9 input[checked]')).not.toBeNull()
    await post(`/exams/attempts/${id}/finish`, {})
  })

  test('true/false questions name their two options, whatever their values', async () => {
    const id = await w.openAttempt()
    const judge = (await itemsOf(id)).find((i) => i.type === 'judge')!
    const page = dom((await get(`/exams/attempts/${id}?q=${judge.slot}`)).body)
    expect(page.querySelectorAll(`#q-${judge.slot} label.option`).map((l) => l.text.trim()).sort()).toEqual(['False', 'True'])
    await post(`/exams/attempts/${id}/finish`, {})
  })
})

describe('integrity', () => {
  test('no page or fragment of an open attempt holds the key or an explanation, and changing the key changes no byte', async () => {
    const id = await w.openAttempt()
    const items = await itemsOf(id)
    const urls = [`/exams/attempts/${id}`, `/exams/attempts/${id}?page=2`, `/exams/attempts/${id}/submit`]
    const snapshot = async () => {
      const bodies = []
      for (const u of urls) bodies.push((await get(u)).body)
      for (const u of urls) bodies.push((await get(u, A(), HX)).body)
      return bodies
    }
    const before = await snapshot()
    const saved = await post(`/exams/attempts/${id}/items/5`, { choice: items.find((i) => i.slot === 5)!.code(items.find((i) => i.slot === 5)!.order[0]!), seq: '0' }, HX)
    const all = [...before, saved.body].join('\n')
    for (const it of items) {
      expect(all).not.toContain(it.body.explanation.en!.slice(0, 50))
      expect(all).not.toContain(it.body.source)
    }
    expect(all).not.toMatch(/review-options|class="explanation"|badge ok">correct answer/)
    // Change which options are correct, directly in the database: nothing served changes.
    const after1 = await snapshot()
    for (const it of items) {
      const body = { ...it.body, answer: it.type === 'judge' ? [it.body.answer[0] === 'true' ? 'false' : 'true'] : it.order.filter((k) => !it.body.answer.includes(k)).slice(0, 2) }
      await t.db.update(questionVersions).set({ body }).where(eq(questionVersions.id, (await t.db.select({ v: attemptItems.questionVersionId }).from(attemptItems).where(eq(attemptItems.id, it.id)))[0]!.v))
    }
    const after2 = await snapshot()
    expect(after2).toEqual(after1)
    // Restore the keys for the tests that follow.
    for (const it of items) await t.db.update(questionVersions).set({ body: it.body }).where(eq(questionVersions.id, (await t.db.select({ v: attemptItems.questionVersionId }).from(attemptItems).where(eq(attemptItems.id, it.id)))[0]!.v))
    await post(`/exams/attempts/${id}/finish`, {})
  })

  test('an attempt still shows its old question text after a new release changed that question', async () => {
    const id = await w.openAttempt()
    // Change, in a new release, the stem of a question this paper holds.
    // (one whose stem sits on one line of its file, so the edit can find it, and has no
    // character that HTML escapes, so the page holds it as written)
    const files = [...smallBank().entries()]
    const occurrences = (stem: string) => files.reduce((n, [, text]) => n + text.split(stem).length - 1, 0)
    const held = (await itemsOf(id)).find((i) => occurrences(i.body.stem.en!) === 1 && !/[&<>"']/.test(i.body.stem.en!))!
    const stem = held.body.stem.en!
    const changed = `${stem.slice(0, -1)} (reworded in 2026.1).`
    const file = files.find(([, text]) => text.includes(stem))![0]
    const before = (await get(`/exams/attempts/${id}`)).body + (await get(`/exams/attempts/${id}?page=2`)).body
    expect(before).toContain(stem)
    t.clock.advance(1000)
    await transaction(t.db, publishBank, checkBank(edit(edit(smallBank(), file, stem, changed), 'bank.yaml', '2026.0', '2026.1')).bank, null, t.clock.now())
    const after = (await get(`/exams/attempts/${id}`)).body + (await get(`/exams/attempts/${id}?page=2`)).body
    expect(after).toContain(stem)
    expect(after).not.toContain('reworded in 2026.1')
    await post(`/exams/attempts/${id}/finish`, {})
    const review = (await get(`/exams/attempts/${id}/result`)).body
    expect(review).toContain(stem)
    expect(review).not.toContain('reworded in 2026.1')
  })

  test('another trainee cannot read, answer or finish the attempt', async () => {
    const id = await w.openAttempt()
    const B = w.cookie('traineeB')
    expect((await get(`/exams/attempts/${id}`, B)).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'POST', url: `/exams/attempts/${id}/items/1`, headers: { ...FORM_HEADERS, cookie: B }, payload: 'seq=0' })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'POST', url: `/exams/attempts/${id}/finish`, headers: { ...FORM_HEADERS, cookie: B } })).statusCode).toBe(404)
    expect((await attemptRow(id)).finishedAt).toBeNull()
  })
})
