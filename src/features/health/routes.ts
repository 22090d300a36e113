import type { FastifyInstance } from 'fastify'
import { readHealth } from './queries.js'

/** For load balancers and operators: is the database answering, which schema, which bank. */
export async function healthRoutes (app: FastifyInstance) {
  app.get('/healthz', { config: { access: 'public' } }, async (_req, reply) => {
    try {
      const { schemaVersion, release } = await app.exec(readHealth)
      return {
        status: 'ok',
        database: 'ok',
        schemaVersion,
        bankRelease: release ? { label: release.label, publishedAt: release.publishedAt.toISOString() } : null
      }
    } catch (err) {
      app.log.error({ err }, 'health check failed')
      return reply.code(503).send({ status: 'error', database: 'unavailable', schemaVersion: null, bankRelease: null })
    }
  })
}
