import type { FastifyInstance } from 'fastify'
import multipart from '@fastify/multipart'
import { siteRoutes } from './routes-sites.js'
import { inspectionRoutes } from './routes-inspections.js'
import { checklistRoutes } from './routes-checklist.js'
import { noticeRoutes } from './routes-notices.js'
import { messageRoutes } from './routes-messages.js'
import { braveryRoutes } from './routes-bravery.js'
import { dashboardRoutes } from './routes-dashboard.js'
import { caseRoutes } from './routes-cases.js'
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from './uploads.js'
import { localDate } from '../../lib/time.js'
import { loadScope } from '../orgs/index.js'
import { isOverdue } from './rules.js'
import { pageInspections } from './queries.js'
import { pageNotices, noticeCounts } from './notices.js'

/** Police supervision of property security (issue 18): managed sites first; the landing page lists what each side has to do. */
export async function supervisionRoutes (app: FastifyInstance) {
  await app.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 300, parts: 300 + MAX_PHOTOS, fieldSize: 20_000 } })
  await app.register(siteRoutes)
  await app.register(inspectionRoutes)
  await app.register(checklistRoutes)
  await app.register(noticeRoutes)
  await app.register(messageRoutes)
  await app.register(braveryRoutes)
  await app.register(dashboardRoutes)
  await app.register(caseRoutes)

  // The overview: what waits for this side (notices open, overdue, waiting for review), then the latest of each list.
  app.get('/supervision', { config: { access: ['trainer', 'police', 'admin'] as const } }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const today = localDate(app.clock.now(), app.config.timeZone)
    return reply.page('supervision/overview', {
      title: 'supervision.title',
      counts: await app.exec(noticeCounts, scope, today),
      notices: (await app.exec(pageNotices, scope, { filter: 'open', today }, { size: 5 })).rows.map((n) => ({ ...n, overdue: isOverdue(n, today) })),
      inspections: (await app.exec(pageInspections, scope, { size: 5 })).rows
    })
  })
}
