import type { FastifyInstance } from 'fastify'
import { schemaVersion } from '../../db/connection.js'
import { latestRelease } from '../bank/index.js'

/** For load balancers and operators: is the database answering, which schema, which bank. */
export async function healthRoutes (app: FastifyInstance) {
  app.get('/healthz', { config: { access: 'public' } }, async (_req, reply) => {
    try {
      const release = latestRelease(app.db)
      return {
        status: 'ok',
        database: 'ok',
        schemaVersion: schemaVersion(app.db),
        bankRelease: release ? { label: release.label, publishedAt: release.publishedAt.toISOString() } : null
      }
    } catch (err) {
      app.log.error({ err }, 'health check failed')
      return reply.code(503).send({ status: 'error', database: 'unavailable', schemaVersion: null, bankRelease: null })
    }
  })
}
