import type { FastifyInstance } from 'fastify'
import multipart from '@fastify/multipart'
import { siteRoutes } from './routes-sites.js'
import { inspectionRoutes } from './routes-inspections.js'
import { checklistRoutes } from './routes-checklist.js'
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './uploads.js'

/** Police supervision of property security (issue 18): managed sites first; the landing page lists what each side has to do. */
export async function supervisionRoutes (app: FastifyInstance) {
  await app.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 300, parts: 300 + MAX_PHOTOS, fieldSize: 20_000 } })
  await app.register(siteRoutes)
  await app.register(inspectionRoutes)
  await app.register(checklistRoutes)

  app.get('/supervision', { config: { access: ['trainer', 'police', 'admin'] as const } }, async (_req, reply) => reply.seeOther('/supervision/sites'))
}
