import { describe, test, expect, vi } from 'vitest'
import pg from 'pg'
import { onPostgres } from '../../helpers/db.js'
import { eq } from 'drizzle-orm'
import { dom, FORM_HEADERS, form, sessionOf, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { practiceAnswers, practiceDays, practiceQuestions, practiceSets, practiceTopics, questionVersions } from '../../../src/db/schema.js'
import { currentPool, insertSet, writePracticeAnswer, recordPracticeAnswer, type PracticeAnswer } from '../../../src/features/practice/queries.js'
import { encodeAnswer } from '../../../src/features/practice/answering.js'
import { isCorrect } from '../../../src/features/bank/index.js'
import { Conflict, NotFound } from '../../../src/http/errors.js'
import { smallBank, edit } from '../../helpers/bank.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { shownOptions } from '../../../src/features/practice/view.js'
import { transaction, exec } from '../../../src/db/engine.js'

// Answers that arrive together share one transaction (a group commit): these check that each
// still gets its own feedback, that the book, schedule and mastery end as they would one answer
// after the other, and that a double submission is refused alone.

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const HX = { 'hx-request': 'true' }
const TOPIC = 'law/guard-eligibility'
interface Trainee { traineeId: number, cookie: string }

async function newTrainee (name: string): Promise<Trainee> {
  const p = await w.addPerson(w.ids.entA, name)
  return { traineeId: p.traineeId, cookie: await sessionOf(t, p.userId) }
}
const post = (url: string, fields: Record<string, string | string[]>, who: Trainee, headers: Record<string, string> = HX) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: who.cookie, ...headers }, payload: form(fields) })
const setRow = async (id: number) => (await t.db.select().from(practiceSets).where(eq(practiceSets.id, id)))[0]!

async function sequentialSet (who: Trainee): Promise<number> {
  const res = await post('/practice/sets', { mode: 'sequential', scope: TOPIC }, who, {})
  expect(res.statusCode).toBe(303)
  return Number(/\/practice\/sets\/(\d+)$/.exec(String(res.headers.location))![1])
}
/** A set of exactly these question versions for the trainee (two sets may hold the same question). */
async function setOf (who: Trainee, questionVersionIds: number[], seed: string): Promise<number> {
  const pool = (await exec(t.db, currentPool))!
  return (await exec(t.db, insertSet, { traineeId: who.traineeId, mode: 'random', domain: null, topic: null, itemType: null, releaseId: pool.releaseId, seed, questionVersionIds }, new Date())).id
}
/** The values a right or a wrong answer posts at a position of a set. */
async function choice (setId: number, n: number, right: boolean): Promise<string[]> {
  const set = await setRow(setId)
  const q = (await t.db.select().from(questionVersions).where(eq(questionVersions.id, set.questionVersionIds[n - 1]!)))[0]!
  const { order, codes } = shownOptions(set, n, q)
  const keys = right ? q.body.answer : [order.find((k) => !q.body.answer.includes(k))!]
  return keys.map((k) => codes[order.indexOf(k)]!)
}
/** The answer the route would queue for a right or a wrong choice at a position of a set. */
async function practiceAnswer (setId: number, n: number, right: boolean, who: Trainee): Promise<PracticeAnswer> {
  const set = await setRow(setId)
  const q = (await t.db.select().from(questionVersions).where(eq(questionVersions.id, set.questionVersionIds[n - 1]!)))[0]!
  const { keys, order } = shownOptions(set, n, q)
  const response = right ? q.body.answer : [order.find((k) => !q.body.answer.includes(k))!]
  return { traineeId: who.traineeId, setId, position: n, questionVersionId: q.id, answer: encodeAnswer(q.type, keys, response), right: isCorrect(q.type, q.body.answer, response), now: t.clock.now() }
}
const answer = async (setId: number, n: number, right: boolean, who: Trainee) => post(`/practice/sets/${setId}/questions/${n}`, { choice: await choice(setId, n, right) }, who)

/** Everything practice keeps for a trainee, without the trainee's own ids and times. */
async function stateOf (who: Trainee) {
  const questions = (await t.db.select().from(practiceQuestions).where(eq(practiceQuestions.traineeId, who.traineeId)))
    .map((r) => ({ keyId: r.keyId, lastRight: r.lastRight, streak: r.streak, misses: r.misses, inBook: r.inBook, box: r.box, dueDay: r.dueDay, missed: r.lastMissAt !== null }))
    .sort((a, b) => a.keyId - b.keyId)
  const topics = (await t.db.select().from(practiceTopics).where(eq(practiceTopics.traineeId, who.traineeId)))
    .map((r) => ({ topic: r.topicKey, seen: r.seen, right: r.right, peakPct: r.peakPct }))
  const days = (await t.db.select().from(practiceDays).where(eq(practiceDays.traineeId, who.traineeId))).map((r) => ({ answered: r.answered, right: r.right }))
  return { questions, topics, days }
}

/**
 * Runs the requests at once and says how many transactions the database opened meanwhile: on SQLite
 * the calls of better-sqlite3's transaction, on PostgreSQL the BEGINs sent by any pooled connection.
 */
async function atOnce<T> (requests: Array<() => Promise<T>>): Promise<{ results: T[], transactions: number }> {
  if (onPostgres) {
    const spy = vi.spyOn(pg.Client.prototype, 'query')
    try {
      const results = await Promise.all(requests.map((r) => r()))
      return { results, transactions: spy.mock.calls.filter(([q]) => typeof q === 'string' && q.startsWith('BEGIN')).length }
    } finally {
      spy.mockRestore()
    }
  }
  const spy = vi.spyOn(t.db.$client, 'transaction')
  try {
    const results = await Promise.all(requests.map((r) => r()))
    return { results, transactions: spy.mock.calls.length }
  } finally {
    spy.mockRestore()
  }
}

/**
 * The answers sent in one turn were grouped into fewer than `limit` transactions. On SQLite each
 * request reaches the group commit within a turn or two (its reads are synchronous). On PostgreSQL
 * each request first awaits its own reads (the session, the set), which return in their own time,
 * so how many batches the answers fall into (and whether one retried at SERIALIZABLE) depends on
 * the timing: there the count is not checked, and the outcomes below are what must hold.
 */
function grouped (transactions: number, limit: number): void {
  if (!onPostgres) expect(transactions).toBeLessThan(limit)
}

describe('answers arriving together', () => {
  test('several trainees answering at once: one group commit, each gets the feedback of his own answer', async () => {
    const people = await Promise.all(['Cai', 'Dong', 'Fang', 'Gu', 'Hu', 'Jin'].map((n) => newTrainee(`Concurrent${n}`)))
    const sets: number[] = []
    for (const p of people) sets.push(await sequentialSet(p))
    // Half answer right, half wrong, all at the same moment.
    const { results, transactions } = await atOnce(people.map((p, i) => () => answer(sets[i]!, 1, i % 2 === 0, p)))
    // Grouped: far fewer transactions than answers (one, unless the requests straddled a turn).
    grouped(transactions, people.length / 2)
    for (const [i, res] of results.entries()) {
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200)
      const page = dom(res.body)
      expect(page.querySelector('#q')?.getAttribute('action')).toBe(`/practice/sets/${sets[i]}/questions/1`)
      expect(page.querySelector('.feedback')?.classList.contains(i % 2 === 0 ? 'right' : 'wrong')).toBe(true)
      expect(await setRow(sets[i]!)).toMatchObject({ answered: 1, right: i % 2 === 0 ? 1 : 0 })
    }
  })

  test('a whole set answered at once ends with the same book, schedule, mastery and counts as answered in order', async () => {
    const inOrder = await newTrainee('OrderlyKe')
    const together = await newTrainee('HastyLi')
    const a = await sequentialSet(inOrder)
    const b = await sequentialSet(together)
    const size = (await setRow(a)).questionVersionIds.length
    expect((await setRow(b)).questionVersionIds).toEqual((await setRow(a)).questionVersionIds)
    expect(size).toBeGreaterThan(2)
    const rightAt = (n: number) => n % 3 !== 0
    for (let n = 1; n <= size; n++) expect((await answer(a, n, rightAt(n), inOrder)).statusCode).toBe(200)
    const { results, transactions } = await atOnce(Array.from({ length: size }, (_, i) => () => answer(b, i + 1, rightAt(i + 1), together)))
    expect(results.map((r) => r.statusCode)).toEqual(Array(size).fill(200))
    grouped(transactions, size / 2)
    expect(await stateOf(together)).toEqual(await stateOf(inOrder))
    expect((await stateOf(together)).topics[0]).toMatchObject({ seen: size })
    expect(await setRow(b)).toMatchObject({ answered: size, right: (await setRow(a)).right })
  })

  test('one question answered wrong then right in one batch (two sets of one trainee) moves the book and schedule in that order', async () => {
    const inOrder = await newTrainee('OrderlyMa')
    const together = await newTrainee('HastyNi')
    const ids = (await exec(t.db, currentPool))!.questions.filter((q) => `${q.domain}/${q.topic}` === TOPIC).slice(0, 3).map((q) => q.id)
    const [a1, a2] = [await setOf(inOrder, ids, 'seed-a1'), await setOf(inOrder, ids, 'seed-a2')]
    const [b1, b2] = [await setOf(together, ids, 'seed-b1'), await setOf(together, ids, 'seed-b2')]
    for (let n = 1; n <= ids.length; n++) {
      expect((await answer(a1, n, false, inOrder)).statusCode).toBe(200)
      expect((await answer(a2, n, true, inOrder)).statusCode).toBe(200)
    }
    // Queued in one turn, in this order, as the route queues them (on either engine: one batch).
    const answers = []
    for (let n = 1; n <= ids.length; n++) answers.push(await practiceAnswer(b1, n, false, together), await practiceAnswer(b2, n, true, together))
    const { transactions } = await atOnce(answers.map((a) => () => recordPracticeAnswer(t.db, a)))
    expect(transactions).toBe(1)
    const state = await stateOf(together)
    expect(state).toEqual(await stateOf(inOrder))
    // Missed, then right once: still in the book (two in a row to leave), its streak 1, latest answer right.
    expect(state.questions).toHaveLength(ids.length)
    for (const q of state.questions) expect(q).toMatchObject({ lastRight: true, streak: 1, misses: 1, inBook: true, missed: true })
    expect(state.topics[0]).toMatchObject({ seen: ids.length, right: ids.length })
  })

  test('a double submission of one position is refused once, with 409 and the first answer; the others of the batch go in', async () => {
    const me = await newTrainee('DoubleQin')
    const other = await newTrainee('BystanderRen')
    const mine = await sequentialSet(me)
    const theirs = await sequentialSet(other)
    const { results } = await atOnce([() => answer(mine, 1, false, me), () => answer(mine, 1, true, me), () => answer(theirs, 1, true, other)])
    const [first, second, bystander] = results
    // The answer that reaches the database first is kept: on SQLite the first sent; on PostgreSQL
    // each request's reads return in their own time, so either may be (the wrong one is the first).
    if (!onPostgres) expect(first!.statusCode).toBe(200)
    const keptWrong = first!.statusCode === 200
    expect([first!.statusCode, second!.statusCode].sort()).toEqual([200, 409])
    const refusedPage = dom((keptWrong ? second : first)!.body)
    expect(refusedPage.querySelector('.field-error')?.text).toContain('answered already')
    // The kept answer stands and is what the refused one shows.
    expect(refusedPage.querySelector('.feedback')?.classList.contains(keptWrong ? 'wrong' : 'right')).toBe(true)
    expect(bystander!.statusCode).toBe(200)
    expect(await t.db.select().from(practiceAnswers).where(eq(practiceAnswers.setId, mine))).toHaveLength(1)
    expect(await setRow(mine)).toMatchObject({ answered: 1, right: keptWrong ? 0 : 1 })
    expect(await setRow(theirs)).toMatchObject({ answered: 1, right: 1 })
    expect((await stateOf(me)).days).toEqual([{ answered: 1, right: keptWrong ? 0 : 1 }])
    // Without JavaScript the same resubmission goes back to the question with a notice, not an error page.
    const form = await post(`/practice/sets/${mine}/questions/1`, { choice: await choice(mine, 1, true) }, me, {})
    expect(form.statusCode).toBe(303)
    expect(form.headers.location).toBe(`/practice/sets/${mine}?n=1`)
    expect(await t.db.select().from(practiceAnswers).where(eq(practiceAnswers.setId, mine))).toHaveLength(1)
  })

  test('an answer posted to another trainee\'s set or past its end is not found, and its batch goes on', async () => {
    const me = await newTrainee('OwnerSu')
    const intruder = await newTrainee('IntruderTang')
    const mine = await sequentialSet(me)
    const size = (await setRow(mine)).questionVersionIds.length
    const { results } = await atOnce([
      () => answer(mine, 1, true, intruder),
      async () => post(`/practice/sets/${mine}/questions/${size + 1}`, { choice: await choice(mine, 1, true) }, me),
      () => answer(mine, 2, true, me)
    ])
    expect(results.map((r) => r.statusCode)).toEqual([404, 404, 200])
    expect(await setRow(mine)).toMatchObject({ answered: 1, right: 1 })
  })

  test('the checks run in the transaction: the set\'s owner, the question at the position, a position answered once', async () => {
    const me = await newTrainee('CheckedWei')
    const someoneElse = await newTrainee('OtherXu')
    const id = await sequentialSet(me)
    const [q1, q2] = (await setRow(id)).questionVersionIds
    const a = { traineeId: me.traineeId, setId: id, position: 1, questionVersionId: q1!, answer: 1, right: false, now: new Date() }
    // Through the query function a body runs (writeOne): a refusal rolls its transaction back.
    await expect(transaction(t.db, writePracticeAnswer, { ...a, traineeId: someoneElse.traineeId })).rejects.toThrow(NotFound)
    await expect(transaction(t.db, writePracticeAnswer, { ...a, questionVersionId: q2! })).rejects.toThrow(NotFound)
    await expect(transaction(t.db, writePracticeAnswer, { ...a, position: 999 })).rejects.toThrow(NotFound)
    expect(await setRow(id)).toMatchObject({ answered: 0 })
    await transaction(t.db, writePracticeAnswer, a)
    await expect(transaction(t.db, writePracticeAnswer, { ...a, right: true })).rejects.toThrow(Conflict)
    expect(await setRow(id)).toMatchObject({ answered: 1, right: 0 })
    expect((await stateOf(me)).days).toEqual([{ answered: 1, right: 0 }])
  })

  test('answers to a set of an earlier release count under the question\'s key, as the new release\'s version does', async () => {
    const me = await newTrainee('ReleaseLu')
    const id = await sequentialSet(me)
    const [first, second] = (await setRow(id)).questionVersionIds
    // A new release rewords the first question: a new version of the same key.
    const v1 = (await t.db.select().from(questionVersions).where(eq(questionVersions.id, first!)))[0]!
    const stem = v1.body.stem.en!
    const file = [...smallBank().entries()].find(([, text]) => text.includes(stem))![0]
    t.clock.advance(1000)
    await transaction(t.db, publishBank, checkBank(edit(edit(smallBank(), file, stem, `${stem.slice(0, -1)} (reworded).`), 'bank.yaml', '2026.0', '2026.1')).bank, null, t.clock.now())
    const v2 = (await exec(t.db, currentPool))!.questions.find((q) => q.keyId === first)!
    expect(v2.id).not.toBe(first)
    // Both answers of the old set in one batch: missed.
    const { results } = await atOnce([() => answer(id, 1, false, me), () => answer(id, 2, false, me)])
    expect(results.map((r) => r.statusCode)).toEqual([200, 200])
    const keyIds = (await stateOf(me)).questions.map((q) => q.keyId)
    expect(keyIds).toContain(first)
    expect((await stateOf(me)).questions.find((q) => q.keyId === first)).toMatchObject({ inBook: true, misses: 1, streak: 0 })
    // The new version answered right in a new set moves the same row.
    const newer = await setOf(me, [v2.id, second!], 'seed-newer')
    expect((await answer(newer, 1, true, me)).statusCode).toBe(200)
    expect((await stateOf(me)).questions.find((q) => q.keyId === first)).toMatchObject({ inBook: true, misses: 1, streak: 1, lastRight: true })
    expect((await stateOf(me)).questions).toHaveLength(2)
  })
})
