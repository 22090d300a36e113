import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { and, eq, isNotNull, isNull } from 'drizzle-orm'
import { buildTestApp, secondNode, sessionOf, form, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { smallBank } from '../../helpers/bank.js'
import { onPostgres, countStatements } from '../../helpers/db.js'
import { attempts, attemptItems, attemptSteps, auditEvents, users } from '../../../src/db/schema.js'
import { awaitRead, exec, transaction } from '../../../src/db/engine.js'
import { openPostgres } from '../../../src/db/connection.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { seedDemo } from '../../../src/features/demo/index.js'
import { sweepOverdue, optionCodes, attemptItemsWithState, currentBlueprints, questionPool } from '../../../src/features/exams/index.js'

// Two app nodes of one deployment on one PostgreSQL database (issue 19, "Many nodes"): nothing a
// request needs lives in one node's memory, so a trainee's requests may land on either; the
// periodic passes run once across nodes. (SQLite's deployment is one process: skipped there.)
describe.skipIf(!onPostgres)('two app nodes on one PostgreSQL database', () => {
  let a: TestApp
  let b: Awaited<ReturnType<typeof secondNode>>
  // Two of the demo city's trainees, signed in (sessions are rows: valid on both nodes).
  const cookies = { traineeA: '', traineeB: '' }
  type Who = keyof typeof cookies
  beforeAll(async () => {
    a = await buildTestApp()
    await transaction(a.db, publishBank, checkBank(smallBank()).bank, null, a.clock.now())
    await seedDemo(a.db, a.app.pii, a.clock.now())
    b = await secondNode(a)
    for (const [who, username] of [['traineeA', 'trainee1'], ['traineeB', 'trainee2']] as const) {
      const [user] = await a.db.select({ id: users.id }).from(users).where(eq(users.username, username))
      cookies[who] = await sessionOf(a, user!.id)
      // The privacy notice first, through node B: node A then sees it accepted.
      const accepted = await b.app.inject({ method: 'POST', url: '/privacy', headers: { ...FORM_HEADERS, cookie: cookies[who] }, payload: '' })
      expect(accepted.statusCode).toBe(303)
    }
  })
  afterAll(async () => { await b?.close(); await a?.close() })

  const via = (node: 'a' | 'b') => node === 'a' ? a.app : b.app
  const post = (node: 'a' | 'b', url: string, fields: Record<string, string | string[]>, who: Who = 'traineeA') =>
    via(node).inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: cookies[who], 'hx-request': 'true' }, payload: form(fields) })

  async function start (node: 'a' | 'b', who: Who): Promise<number> {
    const res = await post(node, '/exams/start', { blueprint: 'starter-mock' }, who)
    const id = /\/exams\/attempts\/(\d+)/.exec(String(res.headers.location))?.[1]
    if (!id) throw new Error(`start through ${node}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return Number(id)
  }

  /** The first option's code of an item, as its page would post it. */
  async function anOption (attemptId: number, slot: number): Promise<string> {
    const [row] = await a.db.select({ seed: attempts.seed, order: attemptItems.optionOrder }).from(attemptItems)
      .innerJoin(attempts, eq(attempts.id, attemptItems.attemptId)).where(and(eq(attemptItems.attemptId, attemptId), eq(attemptItems.slot, slot)))
    return optionCodes(row!.seed, attemptId, slot, row!.order)[0]!
  }

  test("a trainee's answers saved through one node and the exam finished through the other", async () => {
    const id = await start('a', 'traineeA')
    // The page is served by either node.
    expect((await via('b').inject({ url: `/exams/attempts/${id}`, headers: { cookie: cookies.traineeA } })).statusCode).toBe(200)
    const one = await post('a', `/exams/attempts/${id}/items/1`, { seq: '0', choice: await anOption(id, 1) })
    const two = await post('b', `/exams/attempts/${id}/items/2`, { seq: '0', choice: await anOption(id, 2) })
    expect([one.statusCode, two.statusCode]).toEqual([200, 200])
    // A stale page through the other node is refused there too: the seq lives in the database.
    expect((await post('b', `/exams/attempts/${id}/items/1`, { seq: '0', choice: await anOption(id, 1) })).statusCode).toBe(409)
    const done = await post('b', `/exams/attempts/${id}/finish`, {})
    expect(done.statusCode).toBeLessThan(400)
    const [row] = await a.db.select().from(attempts).where(eq(attempts.id, id))
    expect(row!.finishedAt).not.toBeNull()
    const steps = await a.db.select({ slot: attemptItems.slot }).from(attemptSteps).innerJoin(attemptItems, eq(attemptItems.id, attemptSteps.attemptItemId)).where(eq(attemptItems.attemptId, id))
    expect(steps.map((s) => s.slot).sort()).toEqual([1, 2])
    // Node A shows the result node B wrote, and refuses an answer after the finish.
    expect((await via('a').inject({ url: `/exams/attempts/${id}/result`, headers: { cookie: cookies.traineeA } })).statusCode).toBe(200)
    expect((await post('a', `/exams/attempts/${id}/items/3`, { seq: '0', choice: await anOption(id, 3) })).statusCode).toBe(409)
  })

  test('the overdue sweep, run by both nodes at once, finishes an overdue attempt once', async () => {
    const id = await start('b', 'traineeB')
    a.clock.advance(21 * 60_000) // the starter mock's 20 minutes have passed
    const now = a.clock.now()
    const swept = await Promise.all([transaction(a.db, sweepOverdue, now), transaction(b.db, sweepOverdue, now)])
    expect(swept[0] + swept[1]).toBe(1)
    const [row] = await a.db.select().from(attempts).where(eq(attempts.id, id))
    expect(row!.finishReason).toBe('timeout')
    const finished = await a.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'attempt.finished'), eq(auditEvents.subjectId, String(id)), isNotNull(auditEvents.at)))
    expect(finished).toHaveLength(1)
  })

  test('saves racing the finish through both nodes: each save answered 200 is in the grade, each refused one is not written', async () => {
    // Where the finish goes among the saves, and the pause between two requests: all in one turn
    // (everything races it), or a few milliseconds apart (the saves before it and the four after it
    // race it, the saves sent once it has answered are all refused).
    const rounds = [{ at: 0, gap: 0 }, { at: 8, gap: 0 }, { at: 4, gap: 2 }, { at: 12, gap: 2 }]
    for (const [round, { at, gap }] of rounds.entries()) {
      const id = await start(round % 2 ? 'a' : 'b', 'traineeA')
      const [row] = await a.db.select({ seed: attempts.seed }).from(attempts).where(eq(attempts.id, id))
      const items = await exec(a.db, attemptItemsWithState, id)
      // Every save answers its question right, so the grade counts exactly the saves it took in.
      const right = (it: typeof items[number]) => it.body.answer.map((k) => optionCodes(row!.seed, id, it.slot, it.optionOrder)[it.optionOrder.indexOf(k)]!)
      const saves = items.map((it, n) => () => post(n % 2 ? 'a' : 'b', `/exams/attempts/${id}/items/${it.slot}`, { seq: '0', choice: right(it) }))
      let finish: ReturnType<typeof post> | undefined
      const sent = []
      for (const [n, save] of saves.entries()) {
        if (n === at) sent.push(finish = post(round % 2 ? 'b' : 'a', `/exams/attempts/${id}/finish`, {}))
        if (gap > 0) {
          if (n === at + 4) expect((await finish!).statusCode).toBeLessThan(400)
          await new Promise((resolve) => setTimeout(resolve, gap))
        }
        sent.push(save())
      }
      const results = await Promise.all(sent)
      expect(results.splice(at, 1)[0]!.statusCode).toBeLessThan(400)
      if (gap > 0) for (const late of results.slice(at + 4)) expect(late.statusCode).toBe(409)
      const codes = results.map((r) => r.statusCode)
      expect(codes.every((c) => c === 200 || c === 409), codes.join(' ')).toBe(true)
      const [done] = await a.db.select().from(attempts).where(eq(attempts.id, id))
      const steps = await a.db.select({ slot: attemptItems.slot }).from(attemptSteps).innerJoin(attemptItems, eq(attemptItems.id, attemptSteps.attemptItemId)).where(eq(attemptItems.attemptId, id))
      const kept = codes.filter((c) => c === 200).length
      expect(steps).toHaveLength(kept)
      expect(done!.breakdown!.reduce((n, d) => n + d.correct, 0)).toBe(kept)
    }
  })

  test("one trainee's starts through both nodes at once open one attempt; the open one is resumed", async () => {
    // Two trainees, four starts each, alternating nodes, all in one turn: the open attempt's
    // unique index decides (READ COMMITTED on PostgreSQL, no retries), every start is sent to the
    // same attempt, and it is started (and audited) once.
    const whos: Who[] = ['traineeA', 'traineeB']
    const sent = whos.flatMap((who) => [0, 1, 2, 3].map((n) => post(n % 2 ? 'a' : 'b', '/exams/start', { blueprint: 'starter-mock' }, who).then((res) => ({ who, res }))))
    const results = await Promise.all(sent)
    for (const who of whos) {
      const mine = results.filter((r) => r.who === who)
      expect(mine.map((r) => r.res.statusCode)).toEqual([303, 303, 303, 303])
      const ids = new Set(mine.map((r) => Number(/\/exams\/attempts\/(\d+)/.exec(String(r.res.headers.location))?.[1])))
      expect(ids.size).toBe(1)
      const [id] = [...ids]
      const [person] = await a.db.select({ traineeId: attempts.traineeId }).from(attempts).where(eq(attempts.id, id!))
      const open = await a.db.select({ id: attempts.id }).from(attempts).where(and(eq(attempts.traineeId, person!.traineeId), eq(attempts.blueprintKey, 'starter-mock'), isNull(attempts.finishedAt)))
      expect(open.map((o) => o.id)).toEqual([id])
      const started = await a.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'attempt.started'), eq(auditEvents.subjectId, String(id))))
      expect(started).toHaveLength(1)
      expect(await a.db.select().from(attemptItems).where(eq(attemptItems.attemptId, id!))).toHaveLength(16)
      expect((await post('a', `/exams/attempts/${id}/finish`, {}, who)).statusCode).toBeLessThan(400)
    }
  })

  test("a node's many requests missing the same immutable value at once read it once; a transaction never waits for another's read", async () => {
    // A node that has read nothing yet (its own pool: its own caches), and twenty starts' pool reads at once.
    const fresh = openPostgres(a.config.databaseUrl!, 5)
    try {
      const { release } = await exec(fresh, currentBlueprints)
      const pools = await Promise.all(Array.from({ length: 20 }, () => exec(fresh, questionPool, release!.id)))
      expect(pools.every((p) => p === pools[0])).toBe(true)
      const again = openPostgres(a.config.databaseUrl!, 5)
      try {
        const reads = await countStatements(again, () => Promise.all(Array.from({ length: 20 }, () => exec(again, questionPool, release!.id))))
        expect(reads).toBe(1)
      } finally { await (again.$client as unknown as { end(): Promise<void> }).end() }
      // The engine's wait: handed the value outside a transaction, undefined inside one.
      const value = Promise.resolve('read by another request')
      expect(await exec(fresh, function * () { return yield * awaitRead(value) })).toBe('read by another request')
      expect(await transaction(fresh, function * () { return yield * awaitRead(value) })).toBeUndefined()
    } finally { await (fresh.$client as unknown as { end(): Promise<void> }).end() }
  })
})
