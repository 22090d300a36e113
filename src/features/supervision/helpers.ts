import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NotFound } from '../../http/errors.js'
import { auditFrom } from '../../http/params.js'
import { localDate } from '../../lib/time.js'
import { writeAudit } from '../audit/index.js'

/** What the supervision routes share: the clock, the local date, the photo folder, and the audited 404. */
export function supervisionHelpers (app: FastifyInstance) {
  const now = () => app.clock.now()
  return {
    now,
    today: () => localDate(now(), app.config.timeZone),
    dir: app.config.filesDir,
    /** A record outside the actor's scope: a police officer's refused look-up is audited, then it answers 404 like any other. */
    denied: async (req: FastifyRequest, subjectType: string, id: number): Promise<never> => {
      if (req.actor!.role === 'police') await app.transaction(writeAudit, { ...auditFrom(req, 'access.denied'), subjectType, subjectId: id, details: { path: req.url.split('?')[0] } }, now())
      throw new NotFound()
    }
  }
}
