import type { Db } from '../../db/connection.js'
import { one, run, type Q } from '../../db/engine.js'
import type { Pii } from '../../lib/pii.js'
import { writeAudit } from '../audit/index.js'
import { readinessChanged } from '../../db/readiness-hook.js'
import { users, jurisdictions, enterprises, trainees, employments, declarations, DECLARATION_KINDS, type DutyStatus, type Education, type JurisdictionLevel, type CertificateStatus } from '../../db/schema.js'

export interface DemoPerson {
  username: string
  fullName: string
  idNumber: string
  birthDate: string
  phone: string
  education: Education
  enterprise: string
  certificate: { certificateNo: string, issuedOn: string, status: CertificateStatus } | null
  duty: DutyStatus
  declared: boolean
}

export interface OrgSeed {
  jurisdictions: Array<{ code: string, name: string, level: JurisdictionLevel, parent: string | null }>
  enterprises: Array<{ key: string, name: string, address: string, station: string, creditCode: string }>
  trainers: Array<{ username: string, enterprise: string }>
  people: DemoPerson[]
  passwordHash: (username: string) => string
}

/**
 * Writes a whole set of organisations and people inside the caller's
 * transaction (the demo data). Each person's employment starts 90 days ago; the
 * released ones ended today.
 */
export function * seedOrganisations (tx: Db, pii: Pii, seed: OrgSeed, today: string, now: Date): Q<{ jurisdictionIds: Map<string, number> }> {
  const jurisdictionIds = new Map<string, number>()
  for (const j of seed.jurisdictions) {
    const row = (yield * one(tx.insert(jurisdictions).values({ code: j.code, name: j.name, level: j.level, parentId: j.parent ? jurisdictionIds.get(j.parent)! : null, createdAt: now }).returning({ id: jurisdictions.id })))!
    jurisdictionIds.set(j.code, row.id)
  }
  const enterpriseIds = new Map<string, number>()
  for (const e of seed.enterprises) {
    const row = (yield * one(tx.insert(enterprises).values({ name: e.name, creditCode: e.creditCode, address: e.address, jurisdictionId: jurisdictionIds.get(e.station)!, createdAt: now, updatedAt: now }).returning({ id: enterprises.id })))!
    enterpriseIds.set(e.key, row.id)
  }
  const trainerIds = new Map<string, number>()
  for (const t of seed.trainers) {
    const e = seed.enterprises.find((x) => x.key === t.enterprise)!
    const row = (yield * one(tx.insert(users).values({ username: t.username, displayName: `${e.name.slice(0, 2)}培训师`, passwordHash: seed.passwordHash(t.username), role: 'trainer', enterpriseId: enterpriseIds.get(t.enterprise)!, createdAt: now, updatedAt: now }).returning({ id: users.id })))!
    trainerIds.set(t.enterprise, row.id)
    yield * writeAudit(tx, { actorId: null, action: 'account.created', subjectType: 'user', subjectId: row.id, details: { username: t.username, role: 'trainer', via: 'demo' } }, now)
  }
  const started = new Date(Date.parse(today) - 90 * 86_400_000).toISOString().slice(0, 10)
  const seeded: number[] = []
  for (const p of seed.people) {
    const user = (yield * one(tx.insert(users).values({ username: p.username, displayName: p.fullName, passwordHash: seed.passwordHash(p.username), role: 'trainee', createdAt: now, updatedAt: now }).returning({ id: users.id })))!
    const trainee = (yield * one(tx.insert(trainees).values({
      userId: user.id, fullName: p.fullName, idNumberEnc: pii.encrypt(p.idNumber), idNumberHmac: pii.hash(p.idNumber), birthDate: p.birthDate,
      phone: p.phone, education: p.education, certificateNo: p.certificate?.certificateNo ?? null, certificateIssuedOn: p.certificate?.issuedOn ?? null,
      certificateStatus: p.certificate?.status ?? null, createdAt: now, updatedAt: now
    }).returning({ id: trainees.id })))!
    const enterpriseId = enterpriseIds.get(p.enterprise)!
    yield * run(tx.insert(employments).values({ traineeId: trainee.id, enterpriseId, startedOn: started, endedOn: p.duty === 'released' ? today : null, dutyStatus: p.duty, createdAt: now, updatedAt: now }))
    if (p.declared) {
      for (const kind of DECLARATION_KINDS) {
        yield * run(tx.insert(declarations).values({ traineeId: trainee.id, kind, value: kind === 'healthy' || kind === 'good-conduct', declaredBy: trainerIds.get(p.enterprise)!, declaredAt: now }))
      }
    }
    yield * writeAudit(tx, { actorId: null, action: 'person.created', subjectType: 'trainee', subjectId: trainee.id, details: { fullName: p.fullName, enterpriseId, via: 'demo' } }, now)
    seeded.push(trainee.id)
  }
  yield * readinessChanged(tx, seeded, now)
  return { jurisdictionIds }
}
