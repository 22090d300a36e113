import type { FastifyInstance } from 'fastify'
import { localDate } from '../../lib/time.js'
import { NotFound } from '../../http/errors.js'
import { idParam } from '../../http/params.js'
import { personView } from './view.js'
import { loadScope, listEnterprises, findEnterprise, listPeople, findJurisdiction } from './queries.js'

const POLICE = { access: ['police'] as const }

/** The police officer's view of the jurisdiction: its enterprises and their people, scoped to the subtree. */
export async function policeRoutes (app: FastifyInstance) {
  const today = () => localDate(app.clock.now(), app.config.timeZone)
  const subtreeOf = (req: { actor: { id: number, role: 'police', enterpriseId: number | null, jurisdictionId: number | null } }) => {
    const scope = loadScope(app.db, req.actor)
    return scope.kind === 'jurisdictions' ? scope.jurisdictionIds : []
  }

  app.get('/jurisdiction', { config: POLICE }, async (req, reply) => {
    const actor = req.actor!
    const ids = subtreeOf({ actor: { ...actor, role: 'police' } })
    return reply.page('police/jurisdiction', {
      title: 'jurisdiction.title',
      jurisdiction: actor.jurisdictionId ? findJurisdiction(app.db, actor.jurisdictionId) : undefined,
      enterprises: listEnterprises(app.db, ids)
    })
  })

  app.get('/jurisdiction/enterprises/:id', { config: POLICE }, async (req, reply) => {
    const actor = req.actor!
    const enterprise = findEnterprise(app.db, idParam(req), subtreeOf({ actor: { ...actor, role: 'police' } }))
    if (!enterprise) throw new NotFound()
    const people = listPeople(app.db, loadScope(app.db, actor), { enterpriseId: enterprise.id }).map((p) => personView(p, app.pii.decrypt, today()))
    return reply.page('police/enterprise', { title: 'jurisdiction.enterprise-title', enterprise, people })
  })
}
