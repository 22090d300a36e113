import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NotFound } from '../../http/errors.js'
import { localDate } from '../../lib/time.js'
import { maskIdNumber } from '../../lib/id-checksums.js'
import { writeAudit } from '../audit/index.js'
import { loadScope, findPersonInScope, findJurisdiction, type PersonRow } from '../orgs/index.js'
import { readEligibilitySettings, evaluateMany, findStatementByCode } from './queries.js'
import { buildSnapshot, makeCode, type StatementSnapshot } from './statements.js'
import type { EligibilitySettings, Evaluation, TraineeRecord } from './rules.js'

/** What the readiness routes share: the clock, the settings and the scoped person look-up. */
export function readinessHelpers (app: FastifyInstance) {
  const now = () => app.clock.now()
  const today = () => localDate(now(), app.config.timeZone)
  const day = (d: Date) => localDate(d, app.config.timeZone)
  const settings = (): Promise<EligibilitySettings> => app.exec(readEligibilitySettings)

  /** A refused look-up by a police officer is written to the audit log, then answers 404 like any other. */
  const denied = async (req: FastifyRequest, subjectType: string, subjectId: number | string): Promise<never> => {
    if (req.actor?.role === 'police') {
      await app.transaction(writeAudit, { actorId: req.actor.id, action: 'access.denied', subjectType, subjectId, clientIp: req.ip, details: { path: req.url.split('?')[0] } }, now())
    }
    throw new NotFound()
  }

  /** The person :id (or the given id) if the actor's scope holds them; else 404 (audited for police). */
  const personFor = async (req: FastifyRequest, id: number): Promise<PersonRow> => {
    const person = await app.exec(function * (db) { return yield * findPersonInScope(db, yield * loadScope(db, req.actor!), id) })
    if (!person) return await denied(req, 'trainee', id)
    return person
  }

  const evaluate = async (p: { id: number, birthDate: string, education: PersonRow['education'] }, s?: EligibilitySettings): Promise<{ record: TraineeRecord, evaluation: Evaluation }> =>
    (await app.exec(evaluateMany, [p], s ?? await settings(), now(), app.config.timeZone)).get(p.id)!

  /** A fresh, unused verification code. */
  const newCode = async (): Promise<string> => {
    for (;;) {
      const code = makeCode((n) => randomBytes(n))
      if (!await app.exec(findStatementByCode, code)) return code
    }
  }

  const snapshotOf = (person: PersonRow, ev: { record: TraineeRecord, evaluation: Evaluation }, s: EligibilitySettings): StatementSnapshot => {
    const latest = [...ev.record.mocks].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime() || b.attemptId - a.attemptId)[0]
    return buildSnapshot(
      { fullName: person.fullName, idNumberMasked: maskIdNumber(app.pii.decrypt(person.idNumberEnc)), enterpriseName: person.enterpriseName ?? '' },
      ev.evaluation,
      latest ? { attemptId: latest.attemptId, finishedOn: latest.finishedOn, score: latest.score, maxScore: latest.maxScore, passed: latest.passed, release: latest.release } : null,
      s, today()
    )
  }

  const policeLevel = async (req: FastifyRequest) => {
    const id = req.actor?.jurisdictionId
    return id ? (await app.exec(findJurisdiction, id))?.level : undefined
  }

  return { now, today, day, settings, denied, personFor, evaluate, newCode, snapshotOf, policeLevel }
}
