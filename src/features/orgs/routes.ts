import type { FastifyInstance } from 'fastify'
import { localDate } from '../../lib/time.js'
import { NotFound } from '../../http/errors.js'
import { auditFrom } from '../../http/params.js'
import { personView } from './view.js'
import { loadScope, findPersonInScope, findTraineeByUserId, setPrivacyAccepted, employmentHistory, currentDeclarations } from './queries.js'
import { rosterRoutes } from './routes-roster.js'
import { peopleRoutes } from './routes-people.js'
import { adminRoutes } from './routes-admin.js'

const TRAINEE = { access: ['trainee'] as const }

export async function orgRoutes (app: FastifyInstance) {
  await app.register(rosterRoutes)
  await app.register(peopleRoutes)
  await app.register(adminRoutes)

  const today = () => localDate(app.clock.now(), app.config.timeZone)

  // The privacy notice a trainee reads and accepts at first sign-in (after choosing a password).
  app.get('/privacy', { config: { ...TRAINEE, allowPending: true } }, async (req, reply) => {
    const trainee = await app.exec(findTraineeByUserId, req.actor!.id)
    return reply.page('people/privacy', { title: 'privacy.title', acceptedAt: trainee?.privacyAcceptedAt ?? null, mustAccept: req.actor!.pending === 'privacy' })
  })

  app.post('/privacy', { config: { ...TRAINEE, allowPending: true } }, async (req, reply) => {
    const trainee = await app.exec(findTraineeByUserId, req.actor!.id)
    if (!trainee) throw new NotFound()
    if (!trainee.privacyAcceptedAt) await app.transaction(setPrivacyAccepted, trainee.id, auditFrom(req, 'privacy.accepted'), app.clock.now())
    return reply.seeOther('/', 'flash.privacy-accepted')
  })

  // The trainee's own record: the ID number in full, as DESIGN.md allows for the person themself.
  app.get('/me', { config: TRAINEE }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const self = scope.kind === 'self' ? await app.exec(findPersonInScope, scope, scope.traineeId) : undefined
    if (!self) throw new NotFound()
    return reply.page('people/me', {
      title: 'me.title',
      person: personView(self, app.pii.decrypt, today(), { fullId: true }),
      history: await app.exec(employmentHistory, self.id),
      declarations: await app.exec(currentDeclarations, self.id)
    })
  })
}
