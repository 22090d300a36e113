import type { FastifyInstance } from 'fastify'
import { siteRoutes } from './routes-sites.js'

/** Police supervision of property security (issue 18): managed sites first; the landing page lists what each side has to do. */
export async function supervisionRoutes (app: FastifyInstance) {
  await app.register(siteRoutes)

  app.get('/supervision', { config: { access: ['trainer', 'police', 'admin'] as const } }, async (_req, reply) => reply.seeOther('/supervision/sites'))
}
