import { randomBytes } from 'node:crypto'
import { findLessonVersion } from '../bank/index.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError, NotFound } from '../../http/errors.js'
import { idParam } from '../../http/params.js'
import { isPartial } from '../../http/render.js'
import { localDate } from '../../lib/time.js'
import { localText, localTitle, hasLocale } from '../../lib/text.js'
import { renderMarkdown } from '../../lib/markdown.js'
import { listAttempts } from '../exams/index.js'
import { subjectMastery } from '../practice/index.js'
import { changedBlocks, lessonKeyOf } from './progress.js'
import { drawCheck, readChoice, CHECK_SIZE } from './check.js'
import { learningOf } from './summary.js'
import { checkQuestionView, nextStep, itemLabel, withoutTitle } from './view.js'
import {
  currentCatalogue, progressOf, topicQuestionIds, questionsByIds, markStudied, insertCheck, findCheck, latestCheck, recordCheckAnswer, type Catalogue, type LessonCheck
} from './queries.js'

const TRAINEE = { access: ['trainee'] as const }

/** The trainee's side: courses and lessons, marking as studied, end-of-lesson checks, the dashboard. */
export async function learnTraineeRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()
  const today = () => localDate(now(), app.config.timeZone)

  const traineeId = (req: FastifyRequest): number => {
    if (!req.actor?.traineeId) throw new NotFound()
    return req.actor.traineeId
  }
  const catalogue = async (): Promise<Catalogue> => {
    const c = await app.exec(currentCatalogue)
    if (!c) throw new NotFound('learn.no-bank')
    return c
  }
  /** A course (syllabus domain) of the current release, from the path. */
  const courseOf = (req: FastifyRequest, c: Catalogue) => {
    const d = c.syllabus.find((x) => x.id === (req.params as { domain?: string }).domain)
    if (!d) throw new NotFound()
    return d
  }
  /** A topic of a course with its lesson in the current release. */
  const topicOf = (req: FastifyRequest, c: Catalogue) => {
    const domain = courseOf(req, c)
    const topic = domain.topics.find((t) => t.id === (req.params as { topic?: string }).topic)
    const key = topic ? lessonKeyOf(domain.id, topic.id) : ''
    const lessonId = c.lessons.get(key)
    if (!topic || lessonId === undefined) throw new NotFound()
    return { domain, topic, key, lessonId }
  }
  const lessonUrl = (domain: string, topic: string) => `/learn/courses/${encodeURIComponent(domain)}/${encodeURIComponent(topic)}`

  /** The trainee's own check; another trainee's answers 404. */
  const ownCheck = async (req: FastifyRequest): Promise<LessonCheck> => {
    const check = await app.exec(findCheck, idParam(req))
    if (!check || check.traineeId !== traineeId(req)) throw new NotFound()
    return check
  }

  app.get('/learn', { config: TRAINEE }, async (req, reply) => {
    const me = traineeId(req)
    const c = await app.exec(currentCatalogue)
    const l = await app.exec(learningOf, me, today())
    const titles = new Map((c?.blueprints ?? []).map((b) => [b.key, b.body.title]))
    const recent = await app.exec(listAttempts, me, { finished: true, limit: 5 })
    return reply.page('learning/dashboard', {
      title: 'learn.title',
      hasBank: c !== undefined,
      learning: l,
      next: nextStep(l),
      blueprintTitles: titles,
      label: (i: Parameters<typeof itemLabel>[0]) => itemLabel(i, c?.syllabus ?? [], titles, req.locale),
      courseMastery: (domain: string) => subjectMastery(l.practice.topics, domain),
      recent
    })
  })

  app.get('/learn/courses/:domain', { config: TRAINEE }, async (req, reply) => {
    const c = await catalogue()
    const domain = courseOf(req, c)
    const l = await app.exec(learningOf, traineeId(req), today())
    return reply.page('learning/course', { title: 'learn.course-title', course: l.courses.find((x) => x.domain === domain.id)!, mastery: l.practice.topics })
  })

  const lessonPage = async (req: FastifyRequest, c: Catalogue, at: ReturnType<typeof topicOf>, me: number) => {
    const lesson = (await app.exec(findLessonVersion, at.lessonId))!
    const l = await app.exec(learningOf, me, today())
    const progress = l.topics.find((t) => t.lessonKey === at.key)!
    // An updated lesson: the blocks that are new since the version the trainee studied.
    const row = progress.updated ? await studiedVersion(me, at.key) : undefined
    // A version studied in another language (2026.1 was English only) has no blocks to compare: the whole lesson is new.
    const rewritten = !!row && !hasLocale(row.body, req.locale)
    const changed = row && !rewritten ? changedBlocks(localText(row.body, req.locale), localText(lesson.body, req.locale)).map(renderMarkdown) : []
    const check = progress.hasCheck ? await app.exec(latestCheck, me, at.key, c.releaseId) : undefined
    return {
      title: 'learn.lesson-title',
      course: { id: at.domain.id, title: at.domain.title },
      topic: { id: at.topic.id, title: at.topic.title },
      url: lessonUrl(at.domain.id, at.topic.id),
      lesson: { title: localTitle(lesson, req.locale), version: lesson.version, html: renderMarkdown(withoutTitle(localText(lesson.body, req.locale))) },
      studiedVersion: row?.version,
      changed,
      rewritten,
      progress,
      check: check ? await checkView(check, req.locale) : null,
      checkSize: CHECK_SIZE
    }
  }
  const studiedVersion = async (me: number, key: string) => {
    const id = (await app.exec(progressOf, [me])).get(me)?.get(key)?.lessonVersionId
    return id ? await app.exec(findLessonVersion, id) : undefined
  }
  const checkView = async (check: LessonCheck, locale: string) => ({
    id: check.id,
    passed: check.passedAt !== null,
    questions: (await app.exec(questionsByIds, check.questionVersionIds)).map((q) => checkQuestionView(q, check.answers[String(q.id)], locale))
  })

  app.get('/learn/courses/:domain/:topic', { config: TRAINEE }, async (req, reply) => {
    const c = await catalogue()
    return reply.page('learning/lesson', await lessonPage(req, c, topicOf(req, c), traineeId(req)))
  })

  app.post('/learn/courses/:domain/:topic/studied', { config: TRAINEE }, async (req, reply) => {
    const c = await catalogue()
    const at = topicOf(req, c)
    const me = traineeId(req)
    await app.transaction(markStudied, me, at.key, at.lessonId, now())
    if (isPartial(req.headers)) {
      const data = await lessonPage(req, c, at, me)
      return reply.fragment('learning/_studied', { ...data, justMarked: true })
    }
    return reply.seeOther(`${lessonUrl(at.domain.id, at.topic.id)}#studied`, 'flash.lesson-studied')
  })

  app.post('/learn/courses/:domain/:topic/check', { config: TRAINEE }, async (req, reply) => {
    const c = await catalogue()
    const at = topicOf(req, c)
    const pool = await app.exec(topicQuestionIds, c.releaseId, at.domain.id, at.topic.id)
    if (pool.length === 0) throw new NotFound()
    await app.exec(insertCheck, { traineeId: traineeId(req), lessonKey: at.key, releaseId: c.releaseId, questionVersionIds: drawCheck(pool, randomBytes(8).toString('hex')) }, now())
    return reply.seeOther(`${lessonUrl(at.domain.id, at.topic.id)}#check`)
  })

  /** One answer of a check: htmx gets the question with its feedback, a plain form goes back to it. */
  app.post('/learn/checks/:id/questions/:qid', { config: TRAINEE }, async (req, reply) => {
    const check = await ownCheck(req)
    const qid = idParam(req, 'qid')
    const q = check.questionVersionIds.includes(qid) ? (await app.exec(questionsByIds, [qid]))[0] : undefined
    if (!q) throw new NotFound()
    const [domain = '', topic = ''] = check.lessonKey.split('/')
    const question = { type: q.type, optionKeys: q.body.options.map((o) => o.key), answer: q.body.answer }
    let response: string[]
    try {
      response = readChoice(question, (req.body as Record<string, unknown> | undefined)?.choice)
    } catch (err) {
      // No answer, or not one of the options: the question again, saying so (422), its last answer kept.
      if (!(err instanceof AppError) || err.statusCode !== 400) throw err
      if (!isPartial(req.headers)) return reply.seeOther(`${lessonUrl(domain, topic)}#cq-${qid}`, 'flash.check-no-answer')
      const view = await checkView(check, req.locale)
      return reply.code(422).fragment('learning/_check-question', { checkId: check.id, q: checkQuestionView(q, check.answers[String(qid)], req.locale), n: view.questions.findIndex((x) => x.id === qid) + 1, error: err.code })
    }
    const result = await app.transaction(recordCheckAnswer, check.id, qid, question, response, now())
    if (!isPartial(req.headers)) return reply.seeOther(`${lessonUrl(domain, topic)}#cq-${qid}`, result.firstPass ? 'flash.check-passed' : undefined)
    const fresh = (await app.exec(findCheck, check.id))!
    return reply.fragment('learning/_check-answered', {
      check: await checkView(fresh, req.locale),
      q: checkQuestionView(q, fresh.answers[String(qid)], req.locale)
    })
  })
}
