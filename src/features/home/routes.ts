import type { FastifyInstance } from 'fastify'
import { HOME_LINKS } from '../../http/nav.js'
import { localDate } from '../../lib/time.js'
import { learningOf, nextStep } from '../learning/index.js'
import { listAttempts } from '../exams/index.js'
import { subjectMastery } from '../practice/index.js'
import { loadScope } from '../orgs/index.js'
import { noticeSummary } from '../supervision/index.js'

/**
 * The landing page of each role: a card for each place of its menu (http/nav.ts); a trainee's first
 * says what to do next, trainers and police first see the rectification notices not closed.
 */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    const traineeId = role === 'trainee' ? req.actor!.traineeId : null
    const notices = role === 'trainer' || role === 'police' ? await app.exec(noticeSummary, await app.exec(loadScope, req.actor!), localDate(app.clock.now(), app.config.timeZone)) : null
    return reply.page('home/index', { title: `home.${role}.title`, role, links: HOME_LINKS[role], today: traineeId ? await todayOf(traineeId) : null, notices })
  })

  /** Due reviews, the next lesson or item, the latest mock score and mastery per subject. */
  const todayOf = async (traineeId: number) => {
    const l = await app.exec(learningOf, traineeId, localDate(app.clock.now(), app.config.timeZone))
    const latest = (await app.exec(listAttempts, traineeId, { finished: true, limit: 1 }))[0]
    return {
      due: l.practice.due,
      next: nextStep(l),
      latest: latest ? { id: latest.id, title: latest.title, score: latest.score, maxScore: latest.maxScore, passed: latest.passed } : null,
      subjects: l.courses.map((c) => ({ domain: c.domain, title: c.title, pct: subjectMastery(l.practice.topics, c.domain) }))
    }
  }
}
