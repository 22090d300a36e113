import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest, FastifyReply } from 'fastify'
import { AppError, NotFound } from '../../http/errors.js'
import { idParam, queryText } from '../../http/params.js'
import { isPartial } from '../../http/render.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { pageSorted } from '../../lib/keyset.js'
import { seededRng } from '../../lib/rng.js'
import { isCorrect } from '../bank/index.js'
import { chooseQuestions, readSetChoice, topicMasteries, RANDOM_SIZES, type SetChoice } from './sets.js'
import { readResponse, encodeAnswer } from './answering.js'
import { questionView, shownOptions, answerSheet, resumePosition, type ShownOptions } from './view.js'
import {
  configurePractice, currentPool, practiceToday, questionStates, topicCounts, dueCount, insertSet, findSet, openSequentialSet, recentSets,
  setAnswers, setPage, recordPracticeAnswer, questionRow, setFavourite, removeFromBook, listEntries, type Pool, type PracticeSet
} from './queries.js'

const TRAINEE = { access: ['trainee'] as const }
/** The answer sheet shows the block of this many positions around the current question. */
const SHEET_BLOCK = 50
const LISTS = ['wrong', 'favourites', 'review'] as const
type ListKind = typeof LISTS[number]

/** Practice: choosing a set, one question at a time with feedback, the book, favourites and due reviews. */
export async function practiceRoutes (app: FastifyInstance) {
  configurePractice(app.db, { timeZone: app.config.timeZone, bookExit: app.config.practiceBookExit })
  const now = () => app.clock.now()

  const traineeId = (req: FastifyRequest): number => {
    if (!req.actor?.traineeId) throw new NotFound()
    return req.actor.traineeId
  }
  const pool = async (): Promise<Pool> => {
    const p = await app.exec(currentPool)
    if (!p) throw new NotFound('learn.no-bank')
    return p
  }
  /** The trainee's own set; another trainee's answers 404. */
  const ownSet = async (req: FastifyRequest): Promise<PracticeSet> => {
    const set = await app.exec(findSet, idParam(req))
    if (!set || set.traineeId !== traineeId(req)) throw new NotFound()
    return set
  }
  const dayText = (day: number | null) => (day === null ? '' : new Date(day * 86_400_000).toISOString().slice(0, 10))

  const menu = async (req: FastifyRequest, reply: FastifyReply, extra: { error?: string, values?: Record<string, unknown>, status?: number } = {}) => {
    const me = traineeId(req)
    const p = await app.exec(currentPool)
    const today = practiceToday(app.db, now())
    const counts = { wrong: 0, favourites: 0, review: await app.exec(dueCount, me, today) }
    for (const s of (await app.exec(questionStates, me)).values()) {
      if (s.inBook) counts.wrong++
      if (s.favourite) counts.favourites++
    }
    const open = (await app.exec(recentSets, me, 5)).filter((s) => s.answered < s.questionVersionIds.length && s.mode !== 'recite')
    if (extra.status) reply.code(extra.status)
    return reply.page('practice/index', {
      title: 'practice.title',
      hasBank: p !== undefined,
      syllabus: p?.syllabus ?? [],
      counts,
      open,
      sizes: RANDOM_SIZES,
      error: extra.error ?? null,
      values: extra.values ?? {}
    })
  }

  // ?scope= (from a curriculum item or the next step) picks the scope of sequential practice.
  app.get('/practice', { config: TRAINEE }, async (req, reply) => menu(req, reply, { values: { mode: 'sequential', scope: queryText(req, 'scope', 120) } }))

  app.post('/practice/sets', { config: TRAINEE }, async (req, reply) => {
    const me = traineeId(req)
    const p = await pool()
    const body = (req.body ?? {}) as Record<string, unknown>
    let choice: SetChoice
    try {
      choice = readSetChoice(body, {
        domains: new Set(p.syllabus.map((d) => d.id)),
        topics: new Set(p.syllabus.flatMap((d) => d.topics.map((t) => `${d.id}/${t.id}`)))
      })
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode !== 400) throw err
      return menu(req, reply, { error: err.code, values: body, status: 422 })
    }
    if (choice.mode === 'sequential') {
      const open = await app.exec(openSequentialSet, me, p.releaseId, choice.domain, choice.topic)
      if (open) return reply.seeOther(`/practice/sets/${open.id}`)
    }
    const seed = randomBytes(16).toString('hex')
    const states = await app.exec(questionStates, me)
    const ids = chooseQuestions(p.questions, states, choice, {
      now: now(), today: practiceToday(app.db, now()), rng: seededRng(seed), topicMastery: topicMasteries(p.questions, await app.exec(topicCounts, me))
    })
    if (ids.length === 0) return menu(req, reply, { error: 'practice.empty', values: body, status: 422 })
    const set = await app.exec(insertSet, { traineeId: me, mode: choice.mode, domain: choice.domain, topic: choice.topic, itemType: choice.itemType, releaseId: p.releaseId, seed, questionVersionIds: ids }, now())
    return reply.seeOther(`/practice/sets/${set.id}`)
  })

  /** The set at one position: the question (with its feedback once answered) and the answer sheet; `shown`: its options, when worked out already. */
  const setView = async (req: FastifyRequest, set: PracticeSet, position: number, error: string | null = null, shown?: ShownOptions) => {
    const me = traineeId(req)
    const size = set.questionVersionIds.length
    const { answers, q, pool: p, favourite } = await app.exec(setPage, set.id, me, set.questionVersionIds[position - 1]!)
    if (!q) throw new NotFound()
    if (!p) throw new NotFound('learn.no-bank')
    const blockStart = Math.floor((position - 1) / SHEET_BLOCK) * SHEET_BLOCK
    const sheet = answerSheet(size, answers, position).slice(blockStart, blockStart + SHEET_BLOCK)
    const topic = p.syllabus.find((d) => d.id === q.domain)?.topics.find((t) => t.id === q.topic)
    return {
      title: `practice.mode-${set.mode}`,
      set: { id: set.id, mode: set.mode, size, answered: answers.size, right: [...answers.values()].filter((a) => a.right).length },
      q: questionView(set, position, q, answers.get(position), req.locale, shown),
      topicTitle: topic?.title ?? null,
      favourite,
      sheet,
      sheetPrev: blockStart > 0 ? blockStart : null,
      sheetNext: blockStart + SHEET_BLOCK < size ? blockStart + SHEET_BLOCK + 1 : null,
      next: position < size ? position + 1 : null,
      prev: position > 1 ? position - 1 : null,
      error
    }
  }
  const positionOf = (raw: unknown, size: number): number | undefined => {
    const n = typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : NaN
    return n >= 1 && n <= size ? n : undefined
  }

  app.get('/practice/sets/:id', { config: TRAINEE }, async (req, reply) => {
    const set = await ownSet(req)
    const size = set.questionVersionIds.length
    const asked = queryText(req, 'n', 7)
    const position = asked === '' ? resumePosition(size, await app.exec(setAnswers, set.id)) : positionOf(asked, size)
    if (position === undefined) throw new NotFound()
    return reply.page('practice/set', await setView(req, set, position))
  })

  /** One answer: htmx gets the set with the feedback swapped in, a plain form goes back to the question. */
  app.post('/practice/sets/:id/questions/:n', { config: TRAINEE }, async (req, reply) => {
    const set = await ownSet(req)
    const position = positionOf((req.params as { n?: string }).n, set.questionVersionIds.length)
    if (position === undefined || set.mode === 'recite') throw new NotFound()
    const q = await app.exec(questionRow, set.questionVersionIds[position - 1]!)
    if (!q) throw new NotFound()
    const shown = shownOptions(set, position, q)
    const { keys, order, codes } = shown
    let response: string[]
    try {
      response = readResponse(q.type, order, codes, (req.body as Record<string, unknown> | undefined)?.choice)
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode !== 400) throw err
      if (!isPartial(req.headers)) return reply.seeOther(`/practice/sets/${set.id}?n=${position}`, 'flash.practice-no-answer')
      return reply.code(422).fragment('practice/_set', await setView(req, set, position, err.code, shown))
    }
    try {
      // Acknowledged once committed (a group commit with the answers arriving meanwhile); checked again in its transaction.
      await recordPracticeAnswer(app.db, { traineeId: set.traineeId, setId: set.id, position, questionVersionId: q.id, answer: encodeAnswer(q.type, keys, response), right: isCorrect(q.type, q.body.answer, response), now: now() })
    } catch (err) {
      // Answered already (a double submit, another tab): the first answer stands and is shown.
      if (!(err instanceof AppError) || err.statusCode !== 409) throw err
      if (!isPartial(req.headers)) return reply.seeOther(`/practice/sets/${set.id}?n=${position}`, 'flash.practice-answered')
      return reply.code(409).fragment('practice/_set', await setView(req, set, position, err.code, shown))
    }
    if (!isPartial(req.headers)) return reply.seeOther(`/practice/sets/${set.id}?n=${position}`)
    return reply.fragment('practice/_set', await setView(req, set, position, null, shown))
  })

  /** The favourite star of a question; `back` is where a plain form returns to. */
  app.post('/practice/questions/:id/favourite', { config: TRAINEE }, async (req, reply) => {
    const me = traineeId(req)
    const q = (await pool()).byId.get(idParam(req))
    if (!q) throw new NotFound()
    const body = (req.body ?? {}) as Record<string, unknown>
    const on = body.on === '1'
    await app.exec(setFavourite, me, q.id, on)
    if (isPartial(req.headers)) return reply.fragment('practice/_star', { questionId: q.id, favourite: on, back: String(body.back ?? '') })
    const back = typeof body.back === 'string' && body.back.startsWith('/practice') ? body.back : '/practice/favourites'
    return reply.seeOther(back, on ? 'flash.practice-starred' : 'flash.practice-unstarred')
  })

  /** The wrong-answer book, the favourites, the due reviews: filtered by subject and topic, paged, practised as a set. */
  const listPage = (kind: ListKind) => async (req: FastifyRequest, reply: FastifyReply) => {
    const me = traineeId(req)
    const p = await pool()
    const today = practiceToday(app.db, now())
    const domain = queryText(req, 'domain', 40)
    const topic = domain ? queryText(req, 'topic', 80) : ''
    const entries = new Map((await app.exec(listEntries, me, kind, today)).map((e) => [e.keyId, e]))
    const shown = p.questions.filter((q) => entries.has(q.keyId) && (!domain || q.domain === domain) && (!topic || q.topic === topic))
    // Bank order, paged by each question's place in it (a list of at most the bank's size, in memory).
    const place = new Map(p.questions.map((q, i) => [q.id, i]))
    const page = pageSorted(shown, keysetRequest(req, ['n']), (q) => [place.get(q.id)!], (a, b) => Number(a[0]) - Number(b[0]))
    const rows = []
    for (const q of page.rows) {
      const e = entries.get(q.keyId)!
      const row = (await app.exec(questionRow, q.id))!
      const t = p.syllabus.find((d) => d.id === q.domain)?.topics.find((x) => x.id === q.topic)
      rows.push({ questionId: q.id, keyId: q.keyId, stem: row.body.stem, topicTitle: t?.title ?? null, misses: e.misses, lastMissAt: e.lastMissAt, due: dayText(e.dueDay), favourite: e.favourite })
    }
    const query = { domain, topic }
    return reply.page('practice/list', {
      title: `practice.list-${kind}`,
      kind,
      syllabus: p.syllabus,
      filter: query,
      rows,
      total: shown.length,
      pager: pager(`/practice/${kind}`, query, page),
      back: req.url
    })
  }
  for (const kind of LISTS) app.get(`/practice/${kind}`, { config: TRAINEE }, listPage(kind))

  app.post('/practice/wrong/:id/remove', { config: TRAINEE }, async (req, reply) => {
    if (!await app.exec(removeFromBook, traineeId(req), idParam(req))) throw new NotFound()
    const back = (req.body as Record<string, unknown> | undefined)?.back
    return reply.seeOther(typeof back === 'string' && back.startsWith('/practice/wrong') ? back : '/practice/wrong', 'flash.practice-removed')
  })
}
