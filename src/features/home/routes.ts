import type { FastifyInstance } from 'fastify'
import { HOME_LINKS } from '../../http/nav.js'
import { localDate } from '../../lib/time.js'
import { loadScope } from '../orgs/index.js'
import { noticeSummary } from '../supervision/index.js'

/** The landing page of each role: a card for each place of its menu (http/nav.ts); trainers and police first see the rectification notices not closed. */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    const notices = role === 'trainer' || role === 'police' ? noticeSummary(app.db, loadScope(app.db, req.actor!), localDate(app.clock.now(), app.config.timeZone)) : null
    return reply.page('home/index', { title: `home.${role}.title`, role, links: HOME_LINKS[role], notices })
  })
}
