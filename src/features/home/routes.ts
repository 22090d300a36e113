import type { FastifyInstance } from 'fastify'
import { HOME_LINKS } from '../../http/nav.js'

/** The landing page of each role: a card for each place of its menu (http/nav.ts). */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    return reply.page('home/index', { title: `home.${role}.title`, role, links: HOME_LINKS[role] })
  })
}
