import type { FastifyInstance } from 'fastify'

/** The landing page of each role. Later areas fill these with their own panels. */
export async function homeRoutes (app: FastifyInstance) {
  app.get('/', { config: { access: 'signed-in' } }, async (req, reply) => {
    const role = req.actor!.role
    return reply.page(`home/${role}`, { title: `home.${role}.title` })
  })
}
