import type { FastifyInstance } from 'fastify'
import { NotFound } from '../../http/errors.js'
import { idParam, queryText } from '../../http/params.js'
import { renderMarkdown } from '../../lib/markdown.js'
import { localText, hasLocale } from '../../lib/text.js'
import { sourceText } from './sources.js'
import { DOMAIN_IDS, QUESTION_TYPES, type Domain } from './format.js'
import {
  releasesWithCounts, releaseDetails, searchQuestions, countQuestions, questionHistory, findLessonVersion, latestRelease, type QuestionStatus
} from './queries.js'
import { releaseChangesView } from './release-view.js'

const ADMIN = { access: ['admin'] as const }

/** A topic's title in a release's syllabus, for pages that would otherwise show its key. */
const topicTitles = (release: { syllabus: Domain[] | null } | undefined) => (domain: string, topic: string) =>
  release?.syllabus?.find((d) => d.id === domain)?.topics.find((x) => x.id === topic)?.title ?? null
const PAGE = 50

/** Admin pages of the question bank: releases, their changes, questions and their versions, lessons. */
export async function bankRoutes (app: FastifyInstance) {
  app.get('/admin/bank', { config: ADMIN }, async (_req, reply) => {
    const releases = await app.exec(releasesWithCounts)
    return reply.page('bank/releases', { title: 'bank.title', releases, domains: DOMAIN_IDS, types: QUESTION_TYPES })
  })

  app.get('/admin/bank/releases/:id', { config: ADMIN }, async (req, reply) => {
    const r = await app.exec(releaseDetails, idParam(req))
    if (!r) throw new NotFound()
    const { release, previous, diff, blueprints } = r
    const blueprintTitles = new Map([...r.previousBlueprints, ...blueprints].map((b) => [b.key, b.body.title]))
    return reply.page('bank/release', {
      title: 'bank.release-title',
      release,
      previous,
      counts: r.counts,
      diff,
      changes: releaseChangesView({
        syllabus: release.syllabus ?? [], previousSyllabus: previous?.syllabus ?? [], questions: r.questionChanges,
        lessons: diff.lessons, blueprints: diff.blueprints, blueprintTitles
      }),
      lessons: r.lessons,
      blueprints,
      domains: DOMAIN_IDS,
      types: QUESTION_TYPES
    })
  })

  app.get('/admin/bank/questions', { config: ADMIN }, async (req, reply) => {
    const filter = {
      q: queryText(req, 'q'),
      domain: queryText(req, 'domain', 20),
      topic: queryText(req, 'topic', 60),
      type: queryText(req, 'type', 10),
      status: queryText(req, 'status', 10)
    }
    const page = Math.max(1, Math.min(10_000, Number(queryText(req, 'page', 6)) || 1))
    const search = {
      text: filter.q || undefined,
      domain: (DOMAIN_IDS as readonly string[]).includes(filter.domain) ? filter.domain : undefined,
      topic: /^[a-z0-9-]+$/.test(filter.topic) ? filter.topic : undefined,
      type: (QUESTION_TYPES as readonly string[]).includes(filter.type) ? filter.type : undefined,
      status: filter.status === 'active' || filter.status === 'retired' ? filter.status as QuestionStatus : undefined
    }
    const rows = await app.exec(searchQuestions, { ...search, limit: PAGE + 1, offset: (page - 1) * PAGE })
    const total = await app.exec(countQuestions, search)
    const latest = await app.exec(latestRelease)
    const topics = (latest?.syllabus ?? []).flatMap((d) => d.topics.map((t) => ({ domain: d.id, id: t.id, title: t.title })))
    return reply.page('bank/questions', { title: 'bank.questions-title', filter, rows: rows.slice(0, PAGE), more: rows.length > PAGE, total, from: (page - 1) * PAGE + 1, page, domains: DOMAIN_IDS, types: QUESTION_TYPES, topics })
  })

  app.get('/admin/bank/questions/:key', { config: ADMIN }, async (req, reply) => {
    const key = (req.params as { key: string }).key
    if (!/^[a-z0-9.-]{1,100}$/.test(key)) throw new NotFound()
    const versions = (await app.exec(questionHistory, key)).map((v) => ({ ...v, source: sourceText(v.body.source, req.locale), inLocale: hasLocale(v.body.stem, req.locale) }))
    if (versions.length === 0) throw new NotFound()
    const latest = await app.exec(latestRelease)
    return reply.page('bank/question', { title: 'bank.question-title', key, versions, latestLabel: latest?.label, topicTitle: topicTitles(latest) })
  })

  app.get('/admin/bank/lessons/:id', { config: ADMIN }, async (req, reply) => {
    const lesson = await app.exec(findLessonVersion, idParam(req))
    if (!lesson) throw new NotFound()
    const latest = await app.exec(latestRelease)
    return reply.page('bank/lesson', { title: 'bank.lesson-title', lesson, topicTitle: topicTitles(latest), html: renderMarkdown(localText(lesson.body, req.locale)) })
  })
}
