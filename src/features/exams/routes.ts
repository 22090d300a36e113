import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, BadRequest, NotFound } from '../../http/errors.js'
import { idParam, queryText } from '../../http/params.js'
import { isHtmx } from '../../http/session.js'
import { readForm } from '../../lib/form.js'
import { localText } from '../../lib/text.js'
import { findPersonInScope, loadScope } from '../orgs/index.js'
import { assemblePaper } from './assembly.js'
import { answerStep, secondsLeft } from './answering.js'
import { optionCodes } from './option-codes.js'
import { isOverdue } from './grading.js'
import { blueprintTotals, finishReason, flagChange, mayReadResult, resultOf } from './rules.js'
import { examView, itemView, resultView, historyChart } from './view.js'
import { examPosition, pageOfSlot, prefersScreens, type ExamLayout } from './screens.js'
import {
  currentBlueprints, questionPool, recentlySeenKeys, findAttempt, insertAttempt, attemptItemsWithState, appendStep, setFlag,
  finalizeAttempt, listAttempts, blueprintOfAttempt, attemptGrid, findItem, itemsInRange, saveTarget, type Attempt
} from './queries.js'

const TRAINEE = { access: ['trainee'] as const }
const RESULT_READERS = { access: ['trainee', 'trainer', 'police', 'admin'] as const }

export async function examRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()

  /** The signed-in trainee's person record (looked up once per request by the session plugin). */
  const traineeId = (req: FastifyRequest): number => {
    if (!req.actor?.traineeId) throw new NotFound()
    return req.actor.traineeId
  }

  /** The trainee's own attempt; another trainee's answers 404. An overdue one is finalised on this touch. */
  const ownAttempt = async (req: FastifyRequest): Promise<Attempt> => {
    const a = await app.exec(findAttempt, idParam(req))
    if (!a || a.traineeId !== traineeId(req)) throw new NotFound()
    if (!a.finishedAt && isOverdue(now(), a.deadlineAt)) return await app.transaction(finalizeAttempt, a.id, 'timeout', a.deadlineAt, { actorId: req.actor!.id, clientIp: req.ip })
    return a
  }

  /** Back to a question after a plain form, in the layout the form was shown in (its hidden `view` field). */
  const questionHref = (req: FastifyRequest, attemptId: number, slot: number) => {
    const view = (req.body as Record<string, unknown> | undefined)?.view
    return view === 'screens' ? `/exams/attempts/${attemptId}?view=screens&q=${slot}#q-${slot}` : `/exams/attempts/${attemptId}?page=${pageOfSlot(slot)}#q-${slot}`
  }
  const layoutOf = (req: FastifyRequest): ExamLayout => ((req.body as Record<string, unknown> | undefined)?.view === 'screens' ? 'screens' : 'pages')

  app.get('/exams', { config: TRAINEE }, async (req, reply) => {
    const me = traineeId(req)
    const { blueprints } = await app.exec(currentBlueprints)
    const history = await app.exec(listAttempts, me)
    const open = new Map(history.filter((h) => !h.finishedAt && !isOverdue(now(), h.deadlineAt)).map((h) => [h.blueprintKey, h.id]))
    const finished = history.filter((h) => h.finishedAt)
    return reply.page('exams/index', {
      title: 'exam.title',
      blueprints: blueprints.map((b) => ({ key: b.key, title: b.body.title, minutes: b.body.timeLimitMinutes, passMark: b.body.passMark, ...blueprintTotals(b.body.cells), openId: open.get(b.key) })),
      history: finished,
      chart: historyChart(finished.slice(0, 20).reverse(), req.t)
    })
  })

  app.post('/exams/start', { config: TRAINEE }, async (req, reply) => {
    const me = traineeId(req)
    const form = readForm(req.body, { blueprint: { required: true, max: 60 } })
    const { release, blueprints } = await app.exec(currentBlueprints)
    const bp = blueprints.find((b) => b.key === form.values.blueprint)
    if (!release || !bp) throw new BadRequest('exam.unknown-blueprint')
    const seen = await app.exec(recentlySeenKeys, me)
    const seed = randomBytes(16).toString('hex')
    const items = assemblePaper({ cells: bp.body.cells, shuffleOptions: bp.body.shuffleOptions, pool: await app.exec(questionPool, release.id), seed, recentlySeen: new Set(seen) })
    const started = now()
    const { attempt } = await app.transaction(insertAttempt, {
      traineeId: me, blueprintKey: bp.key, blueprintVersionId: bp.versionId, releaseId: release.id, seed,
      passMark: bp.body.passMark, startedAt: started, deadlineAt: new Date(started.getTime() + bp.body.timeLimitMinutes * 60_000), items
    }, { actorId: req.actor!.id, clientIp: req.ip })
    return reply.seeOther(`/exams/attempts/${attempt.id}`)
  })

  app.get('/exams/attempts/:id', { config: TRAINEE }, async (req, reply) => {
    const a = await ownAttempt(req)
    if (a.finishedAt) return reply.seeOther(`/exams/attempts/${a.id}/result`)
    const grid = await app.exec(attemptGrid, a.id)
    // ?page=n is a page of ten; ?q=slot shows that question in the layout asked for (?view=), else the device's.
    const page = Number(queryText(req, 'page', 4)) || undefined
    const slot = Number(queryText(req, 'q', 4)) || undefined
    const view = queryText(req, 'view', 10)
    const layout: ExamLayout = view === 'screens' || view === 'pages' ? view : page ? 'pages' : prefersScreens(req.headers) ? 'screens' : 'pages'
    // A phone's screens are cut by the questions' types and, to stay short, by their text's length.
    const texts = layout === 'screens' ? new Map((await app.exec(attemptItemsWithState, a.id)).map((i) => [i.slot, { stem: localText(i.body.stem, req.locale), options: i.type === 'judge' ? ['', ''] : i.body.options.map((o) => localText(o.text, req.locale)) }])) : undefined
    const at = examPosition(texts ? grid.map((g) => ({ ...g, ...texts.get(g.slot) })) : grid, layout, { slot, page })
    const items = at.slots.length ? await app.exec(itemsInRange, a.id, at.slots[0]!, at.slots[at.slots.length - 1]!) : []
    reply.header('Vary', 'HX-Request, Sec-CH-UA-Mobile, User-Agent')
    return reply.page('exams/attempt', { title: 'exam.taking-title', focus: true, ...examView(a, await app.exec(blueprintOfAttempt, a), items, grid, at, now(), req.locale) })
  })

  /** Saves one answer: htmx gets the item's new state, a plain form goes back to the question. */
  app.post('/exams/attempts/:id/items/:slot', { config: TRAINEE }, async (req, reply) => {
    // The hottest route: one query gives the attempt's owner and clock and the item's state.
    const slot = idParam(req, 'slot')
    const target = await app.exec(saveTarget, idParam(req), slot)
    if (!target || target.attempt.traineeId !== traineeId(req)) throw new NotFound()
    const { attempt: clock, item } = target
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
    try {
      const codes = optionCodes(clock.seed, clock.id, slot, item.optionOrder)
      const step = answerStep({ type: item.type, optionOrder: item.optionOrder, codes, seq: item.seq, deadlineAt: clock.deadlineAt, finishedAt: clock.finishedAt }, { choice: body.choice, seq: body.seq }, now())
      await appendStep(app.db, clock.id, item.id, item.seq, step)
      if (!isHtmx(req)) return reply.seeOther(questionHref(req, clock.id, slot))
      // The page counts the answered cells of its grid itself (exam.js): a save touches one item only.
      return reply.fragment('exams/_saved', { slot, seq: step.seq, savedAt: step.at.getTime(), answered: step.response.length > 0, flagged: item.flagged, deadlineAt: clock.deadlineAt.getTime(), serverNow: now().getTime() })
    } catch (err) {
      // A refused answer, or one past the deadline: finalise an overdue attempt on this touch, then say why.
      return answerRefused(req, reply, err, await ownAttempt(req), slot)
    }
  })

  /** A refused answer: a stale page gets the item as the server has it (409); a finished or late one says so. */
  const answerRefused = async (req: FastifyRequest, reply: FastifyReply, err: unknown, a: Attempt, slot: number) => {
    if (!(err instanceof AppError) || err.statusCode !== 409) throw err
    const fresh = (await app.exec(findAttempt, a.id))!
    const item = (await app.exec(findItem, a.id, slot))!
    if (!isHtmx(req)) {
      if (err.code === 'exam.stale-page') return reply.seeOther(questionHref(req, a.id, slot), 'flash.exam-stale')
      return reply.seeOther(`/exams/attempts/${a.id}/result`, err.code === 'exam.deadline-passed' ? 'flash.exam-late' : undefined)
    }
    reply.code(409).header('HX-Retarget', `#q-${slot}`).header('HX-Reswap', 'outerHTML')
    return reply.fragment('exams/_item', { attemptId: a.id, layout: layoutOf(req), item: itemView(item, a, req.locale), notice: err.code, finished: Boolean(fresh.finishedAt) || err.code === 'exam.deadline-passed' })
  }

  app.post('/exams/attempts/:id/items/:slot/flag', { config: TRAINEE }, async (req, reply) => {
    const a = await ownAttempt(req)
    const slot = idParam(req, 'slot')
    const item = await app.exec(findItem, a.id, slot)
    if (!item) throw new NotFound()
    let flagged: boolean
    try {
      flagged = flagChange(a, item.flagged)
    } catch (err) {
      // A finished attempt (or one that ran out just now): nothing is saved, and the answer says so.
      return answerRefused(req, reply, err, a, slot)
    }
    await app.exec(setFlag, item.id, flagged)
    if (!isHtmx(req)) return reply.seeOther(questionHref(req, a.id, slot))
    return reply.fragment('exams/_item', { attemptId: a.id, layout: layoutOf(req), item: itemView({ ...item, flagged }, a, req.locale), finished: false })
  })

  app.get('/exams/attempts/:id/submit', { config: TRAINEE }, async (req, reply) => {
    const a = await ownAttempt(req)
    if (a.finishedAt) return reply.seeOther(`/exams/attempts/${a.id}/result`)
    const grid = await app.exec(attemptGrid, a.id)
    return reply.page('exams/submit', {
      title: 'exam.submit-title',
      attemptId: a.id,
      unanswered: grid.filter((g) => !g.answered).map((g) => g.slot),
      flagged: grid.filter((g) => g.flagged).map((g) => g.slot),
      total: grid.length,
      secondsLeft: secondsLeft(a.deadlineAt, now()),
      pageOf: pageOfSlot
    })
  })

  app.post('/exams/attempts/:id/finish', { config: TRAINEE }, async (req, reply) => {
    const a = await ownAttempt(req)
    const auto = (req.body as Record<string, unknown> | undefined)?.auto === '1'
    if (!a.finishedAt) await app.transaction(finalizeAttempt, a.id, finishReason(auto, a.deadlineAt, now()), now(), { actorId: req.actor!.id, clientIp: req.ip })
    return reply.seeOther(`/exams/attempts/${a.id}/result`)
  })

  /** A person's mock exam results, for their trainer (own enterprise), police (jurisdiction) and admins. */
  app.get('/exams/people/:id', { config: { access: ['trainer', 'police', 'admin'] as const } }, async (req, reply) => {
    const person = await app.exec(findPersonInScope, await app.exec(loadScope, req.actor!), idParam(req))
    if (!person) throw new NotFound()
    const finished = await app.exec(listAttempts, person.id, { finished: true })
    return reply.page('exams/person', { title: 'exam.person-title', person: { id: person.id, fullName: person.fullName }, history: finished, chart: historyChart(finished.slice(0, 20).reverse(), req.t) })
  })

  /** The result and review: the trainee's own, or a trainer's, police officer's or admin's within their scope. */
  app.get('/exams/attempts/:id/result', { config: RESULT_READERS }, async (req, reply) => {
    const found = await app.exec(findAttempt, idParam(req))
    if (!found) throw new NotFound()
    const actor = req.actor!
    // The scope is read only for readers other than the trainee (mayReadResult asks for it only then).
    const inScope = actor.role === 'trainee' ? false : Boolean(await app.exec(function * (db) { return yield * findPersonInScope(db, yield * loadScope(db, actor), found.traineeId) }))
    if (!mayReadResult(actor, found, () => inScope)) throw new NotFound()
    let a = found
    if (!a.finishedAt && isOverdue(now(), a.deadlineAt)) a = await app.transaction(finalizeAttempt, a.id, 'timeout', a.deadlineAt, { actorId: actor.id, clientIp: req.ip })
    const access = resultOf(actor, a)
    if (access === 'continue') return reply.seeOther(`/exams/attempts/${a.id}`)
    if (access === 'none') throw new NotFound()
    const items = await app.exec(attemptItemsWithState, a.id)
    return reply.page('exams/result', { title: 'exam.result-title', ...resultView(a, await app.exec(blueprintOfAttempt, a), items, queryText(req, 'show', 10) === 'wrong', req.locale, req.t), own: actor.role === 'trainee' })
  })
}
