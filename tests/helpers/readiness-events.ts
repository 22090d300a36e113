/**
 * Every kind of event that moves a person's readiness, each through the area function the app
 * calls (so each runs in that function's transaction, with its readiness hook), on a small scene:
 * two enterprises, a cohort and a mandatory curriculum each, people of all ages. Used by the
 * property test (random sequences) and by the test of each event.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { exec, transaction } from '../../src/db/engine.js'
import type { TestApp } from './app.js'
import type { World } from './world.js'
import type { Rng } from '../../src/lib/rng.js'
import { addDays, localDate } from '../../src/lib/time.js'
import { demoIdNumber } from '../../src/features/demo/seed.js'
import { attempts, assignments, blueprintVersions, cohortMembers, employments, lessonVersions, trainees, DECLARATION_KINDS, EDUCATION_LEVELS, type Education } from '../../src/db/schema.js'
import { latestRelease } from '../../src/features/bank/index.js'
import { finalizeAttempt } from '../../src/features/exams/queries.js'
import { markStudied, insertCohort, addCohortMembers, removeCohortMember, insertCurriculum, insertAssignments, deleteAssignment, findAssignment, findCohort } from '../../src/features/learning/queries.js'
import {
  insertPerson, employPerson, endEmployment, setDutyStatus, updatePerson, insertDeclarations, setCertificate, saveCheckedImport, importCheckedRows, type EncryptedPerson
} from '../../src/features/orgs/queries.js'
import { saveEligibilitySettings, readEligibilitySettings } from '../../src/features/readiness/queries.js'
import { reevaluateStale, sweepDueReadiness } from '../../src/features/readiness/keeper.js'

export const EVENT_KINDS = [
  'attempt', 'lesson', 'declaration', 'assignment', 'unassignment', 'cohort-join', 'cohort-leave', 'rules', 'employment-end', 'employment-start',
  'duty', 'certificate', 'import', 'birth-date', 'education', 'days-pass'
] as const
export type EventKind = typeof EVENT_KINDS[number]

/** Counts people made by every scene of a test file (their ID numbers differ). */
let seq = 0

const audit = (actorId: number) => ({ actorId, clientIp: '127.0.0.1', action: 'scene.event' })

export async function readinessScene (t: TestApp, w: World) {
  const now = () => t.clock.now()
  const today = () => localDate(now(), t.config.timeZone)
  const trainer = w.users.trainerA
  const enterprises = [w.ids.entA, w.ids.entB]
  const release = (await exec(t.db, latestRelease))!
  const bp = (await t.db.select().from(blueprintVersions))[0]!
  const lessons = await t.db.select({ key: lessonVersions.lessonKey, id: lessonVersions.id }).from(lessonVersions)
  const tag = Math.random().toString(36).slice(2, 8)
  const cohorts = await Promise.all(enterprises.map((e, i) => transaction(t.db, insertCohort, e, `Cohort ${i} ${tag}`, audit(trainer), now())))
  const curricula = await Promise.all(enterprises.map((e, i) => transaction(t.db, insertCurriculum, e, `Induction ${i} ${tag}`, [
    { kind: 'topic', domain: 'law', topic: 'guard-eligibility', blueprintKey: null, requiredPasses: null },
    { kind: 'mock', domain: null, topic: null, blueprintKey: 'starter-mock', requiredPasses: 1 }
  ], audit(trainer), now())))
  const newPerson = (birthDate: string, education: Education): EncryptedPerson => {
    ++seq
    const idNumber = demoIdNumber(String(110101 + Math.floor(seq / 1000)), birthDate, seq)
    return { fullName: `Scene ${seq}`, idNumberEnc: t.app.pii.encrypt(idNumber), idNumberHmac: t.app.pii.hash(idNumber), birthDate, phone: '', education }
  }
  const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)]!
  /** A birth date from 15 to 25 years ago, often within weeks of an 18th birthday. */
  const birthDate = (rng: Rng) => rng.next() < 0.5 ? addDays(today(), -(18 * 365 + 4) + rng.int(40) - 20) : addDays(today(), -(15 * 365 + rng.int(3650)))
  const people: number[] = []
  for (let i = 0; i < 6; i++) {
    people.push(await transaction(t.db, insertPerson, newPerson(addDays(today(), -(17 * 365 + i * 120)), pick({ int: () => i % 4, next: () => 0 }, EDUCATION_LEVELS)), enterprises[i % 2]!,
      { username: `scene-${i}-${Math.random().toString(36).slice(2, 8)}`, displayName: `Scene ${i}`, passwordHash: 'x' }, today(), audit(trainer), now()))
  }
  const employer = async (id: number) => (await t.db.select().from(employments).where(and(eq(employments.traineeId, id), isNull(employments.endedOn))))[0]
  const jobs = async () => await Promise.all(people.map(async (id) => [id, await employer(id)] as const))
  const unemployed = async () => (await jobs()).filter(([, e]) => !e).map(([id]) => id)
  const employed = async () => (await jobs()).filter(([, e]) => e).map(([id]) => id)

  const events: Record<EventKind, (rng: Rng) => Promise<number[]> | number[]> = {
    /** A mock (of either blueprint) finished through finalizeAttempt: pass mark 0 passes, 101 fails. */
    attempt: async (rng) => {
      const id = pick(rng, people)
      const at = new Date(now().getTime() - rng.int(3) * 3_600_000)
      const row = (await t.db.insert(attempts).values({
        traineeId: id, blueprintKey: pick(rng, ['national-mock', 'starter-mock']), blueprintVersionId: bp.id, releaseId: release.id, seed: 'scene',
        passMark: rng.next() < 0.7 ? 0 : 101, maxScore: 100, startedAt: new Date(at.getTime() - 600_000), deadlineAt: new Date(at.getTime() + 3_600_000)
      }).returning())[0]!
      await transaction(t.db, finalizeAttempt, row.id, 'submitted', at, { actorId: null })
      return [id]
    },
    lesson: async (rng) => {
      const id = pick(rng, people)
      const l = pick(rng, lessons)
      await transaction(t.db, markStudied, id, l.key, l.id, now())
      return [id]
    },
    declaration: async (rng) => {
      const id = pick(rng, people)
      const values = Object.fromEntries(DECLARATION_KINDS.filter(() => rng.next() < 0.6).map((k) => [k, k === 'healthy' || k === 'good-conduct' ? rng.next() < 0.85 : rng.next() < 0.1]))
      await transaction(t.db, insertDeclarations, id, values, trainer, audit(trainer), now())
      return [id]
    },
    assignment: async (rng) => {
      const i = rng.int(2)
      const toCohort = rng.next() < 0.4
      const target = toCohort ? [] : [pick(rng, people)]
      await transaction(t.db, insertAssignments, { curriculumId: curricula[i]!.id, enterpriseId: enterprises[i]!, traineeIds: target, cohortIds: toCohort ? [cohorts[i]!.id] : [], dueOn: rng.next() < 0.5 ? addDays(today(), rng.int(20)) : null, mandatory: rng.next() < 0.7 }, audit(trainer), now())
      return toCohort ? people : target
    },
    unassignment: async (rng) => {
      const all = (await t.db.select().from(assignments)).filter((a) => curricula.some((c) => c.id === a.curriculumId))
      if (all.length === 0) return []
      const a = pick(rng, all)
      await transaction(t.db, deleteAssignment, (await exec(t.db, findAssignment, a.enterpriseId, a.id))!, audit(trainer), now())
      return people
    },
    'cohort-join': async (rng) => {
      const i = rng.int(2)
      const ids = people.filter(() => rng.next() < 0.4)
      await transaction(t.db, addCohortMembers, cohorts[i]!, ids, audit(trainer), now())
      return ids
    },
    'cohort-leave': async (rng) => {
      const members = (await t.db.select().from(cohortMembers)).filter((m) => cohorts.some((c) => c.id === m.cohortId))
      if (members.length === 0) return []
      const m = pick(rng, members)
      await transaction(t.db, removeCohortMember, (await exec(t.db, findCohort, enterprises[cohorts.findIndex((c) => c.id === m.cohortId)]!, m.cohortId))!, m.traineeId, audit(trainer), now())
      return [m.traineeId]
    },
    /** A rule change, then (sometimes at once, else later in the sequence) the background re-evaluation. */
    rules: async (rng) => {
      const s = await exec(t.db, readEligibilitySettings)
      await transaction(t.db, saveEligibilitySettings, {
        ...s, minAge: 16 + rng.int(5), windowDays: 3 + rng.int(60), requiredPasses: rng.int(4), latestMustPass: rng.next() < 0.5,
        mockBlueprint: pick(rng, ['national-mock', 'starter-mock']), minEducation: pick(rng, EDUCATION_LEVELS.slice(0, 3))
      }, audit(w.users.admin), now())
      if (rng.next() < 0.5) await reevaluateStale(t.db, t.clock, t.config.timeZone)
      return people
    },
    'employment-end': async (rng) => {
      const list = await employed()
      if (list.length === 0) return []
      const id = pick(rng, list)
      await transaction(t.db, endEmployment, (await employer(id))!.id, id, today(), audit(trainer), now())
      return [id]
    },
    'employment-start': async (rng) => {
      const list = await unemployed()
      if (list.length === 0) return []
      const id = pick(rng, list)
      await transaction(t.db, employPerson, id, pick(rng, enterprises), today(), audit(trainer), now())
      return [id]
    },
    duty: async (rng) => {
      const list = await employed()
      if (list.length === 0) return []
      const id = pick(rng, list)
      const e = (await employer(id))!
      const to = e.dutyStatus === 'on-duty' ? 'in-training' : 'on-duty'
      await transaction(t.db, setDutyStatus, e.id, id, e.dutyStatus, to, audit(trainer), now())
      return [id]
    },
    certificate: async (rng) => {
      const id = pick(rng, people)
      await transaction(t.db, setCertificate, id, { certificateNo: `C${rng.int(1e6)}`, issuedOn: today(), status: pick(rng, ['valid', 'revoked'] as const) }, audit(trainer), now())
      return [id]
    },
    /** A roster import of one row: a new person (while the scene is small) or someone without an employer, rejoining. */
    import: async (rng) => {
      const back = await unemployed()
      const enterpriseId = pick(rng, enterprises)
      const returning = back.length > 0 && (people.length >= 14 || rng.next() < 0.5) ? pick(rng, back) : null
      const person = returning === null ? newPerson(birthDate(rng), pick(rng, EDUCATION_LEVELS)) : null
      const row = returning !== null
        ? { row: 1, ...(await t.db.select({ fullName: trainees.fullName, idNumberEnc: trainees.idNumberEnc, idNumberHmac: trainees.idNumberHmac, birthDate: trainees.birthDate, phone: trainees.phone, education: trainees.education }).from(trainees).where(eq(trainees.id, returning)))[0]!, returning }
        : { row: 1, ...person!, returning: null }
      if (returning === null && people.length >= 14) return []
      const token = `tok${++seq}`
      await transaction(t.db, saveCheckedImport, token, trainer, enterpriseId, [row], now(), 60_000)
      const out = await transaction(t.db, importCheckedRows, token, enterpriseId, [row], ['x'], () => `imp${seq}${Math.random().toString(36).slice(2, 8)}`, today(), audit(trainer), now())
      if (!out.ok) throw new Error(`import refused: ${out.reason}`)
      if (returning !== null) return [returning]
      const id = (await t.db.select({ id: trainees.id }).from(trainees).where(eq(trainees.idNumberHmac, person!.idNumberHmac)))[0]!.id
      people.push(id)
      return [id]
    },
    'birth-date': async (rng) => {
      const id = pick(rng, people)
      const before = (await t.db.select().from(trainees).where(eq(trainees.id, id)))[0]!
      await transaction(t.db, updatePerson, id, { ...newPerson(birthDate(rng), before.education), fullName: before.fullName }, true, audit(trainer), now())
      return [id]
    },
    education: async (rng) => {
      const id = pick(rng, people)
      const before = (await t.db.select().from(trainees).where(eq(trainees.id, id)))[0]!
      await transaction(t.db, updatePerson, id, { fullName: before.fullName, idNumberEnc: before.idNumberEnc, idNumberHmac: before.idNumberHmac, birthDate: before.birthDate, phone: before.phone, education: pick(rng, EDUCATION_LEVELS) }, false, audit(trainer), now())
      return [id]
    },
    /** Days pass (up to a month) and the daily sweep runs. */
    'days-pass': async (rng) => {
      t.clock.advance((1 + rng.int(30)) * 86_400_000)
      await sweepDueReadiness(t.db, t.clock, t.config.timeZone)
      return people
    }
  }
  return { events, people, cohorts, curricula, enterprises, today, now }
}
