/**
 * Demo data for readiness: finished national mocks (assembled, answered and
 * graded by the exam engine on the published bank), one issued statement, and
 * a sitting published by the East district police with one pending
 * application. Everything goes through the same queries as the routes, so the
 * audit log shows the same trail a real day would leave.
 */
import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import type { Q } from '../../db/engine.js'
import { seededRng } from '../../lib/rng.js'
import { localDate, addDays } from '../../lib/time.js'
import { maskIdNumber } from '../../lib/id-checksums.js'
import type { Education } from '../orgs/index.js'
import {
  currentBlueprints, questionPool, recentlySeenKeys, insertAttempt, keepStep, attemptItemsWithState, assemblePaper, finalizeAttempt
} from '../exams/index.js'
import {
  readEligibilitySettings, evaluateMany, insertStatement, insertSitting, insertApplication, findStatementByCode, makeCode, buildSnapshot, expiryFrom, applyProblem
} from '../readiness/index.js'

const DAY = 86_400_000

export interface DemoReadinessPerson { traineeId: number, userId: number, fullName: string, idNumber: string, birthDate: string, education: Education, enterpriseId: number, enterpriseName: string }

export interface DemoReadinessPlan {
  /** Each person's finished national mocks: days before now and the share of questions answered correctly. */
  mocks: Array<{ person: DemoReadinessPerson, results: Array<{ daysAgo: number, correct: number }> }>
  /** Who gets a statement (issued by the trainer) and then a pending application for the sitting. */
  statementFor: DemoReadinessPerson
  trainerId: number
  /** The district police officer who publishes the sitting. */
  police: { userId: number, jurisdictionId: number }
}

export interface DemoReadinessResult { attempts: number, statementId: number | null, sittingId: number, applicationId: number | null }

/** A response to one item: the key when `right`, otherwise a plausible wrong choice. */
function respond (type: string, answer: readonly string[], options: readonly string[], right: boolean, pick: (n: number) => number): string[] {
  if (right) return [...answer]
  if (type === 'judge') return [answer[0] === 'true' ? 'false' : 'true']
  const wrong = options.filter((o) => !answer.includes(o))
  if (type === 'single') return [wrong[pick(wrong.length)] ?? options[0]!]
  // A multiple choice missed by one option too few (or one too many when the key is a single option).
  return answer.length > 1 ? answer.slice(0, answer.length - 1) : [...answer, wrong[pick(wrong.length)]!].sort()
}

/**
 * Seeds the plan, inside the caller's transaction (the demo seed's). Returns null (and changes
 * nothing) when the published bank has no blueprint for the national mock the eligibility rules count.
 */
export function * seedDemoReadiness (db: Db, plan: DemoReadinessPlan, now: Date, timeZone: string): Q<DemoReadinessResult | null> {
  const settings = yield * readEligibilitySettings(db)
  const { release, blueprints } = yield * currentBlueprints(db)
  const bp = blueprints.find((b) => b.key === settings.mockBlueprint)
  if (!release || !bp) return null
  const pool = yield * questionPool(db, release.id)
  const today = localDate(now, timeZone)
  let count = 0

  for (const { person, results } of plan.mocks) {
    for (const r of [...results].sort((a, b) => b.daysAgo - a.daysAgo)) {
      const startedAt = new Date(now.getTime() - r.daysAgo * DAY - 2 * 3_600_000)
      const seed = `demo-${person.traineeId}-${r.daysAgo}`
      const seen = yield * recentlySeenKeys(db, person.traineeId)
      const items = assemblePaper({ cells: bp.body.cells, shuffleOptions: bp.body.shuffleOptions, pool, seed, recentlySeen: new Set(seen) })
      const { attempt } = yield * insertAttempt(db, {
        traineeId: person.traineeId, blueprintKey: bp.key, blueprintVersionId: bp.versionId, releaseId: release.id, seed,
        passMark: bp.body.passMark, startedAt, deadlineAt: new Date(startedAt.getTime() + bp.body.timeLimitMinutes * 60_000), items
      }, { actorId: person.userId, clientIp: '' })
      const rng = seededRng(seed)
      const state = yield * attemptItemsWithState(db, attempt.id)
      for (const [i, it] of state.entries()) {
        const at = new Date(startedAt.getTime() + (i + 1) * 30_000)
        yield * keepStep(db, attempt.id, it.id, 0, { seq: 1, response: respond(it.type, it.body.answer, it.optionOrder, rng.next() < r.correct, (n) => rng.int(n)), at })
      }
      yield * finalizeAttempt(db, attempt.id, 'submitted', new Date(startedAt.getTime() + (state.length + 5) * 30_000), { actorId: person.userId })
      count++
    }
  }

  // The district publishes a sitting six weeks out, applications open for a month.
  const sitting = yield * insertSitting(db, plan.police.jurisdictionId, {
    sitsOn: addDays(today, 45), startsAt: '09:00', venue: '东城分局考试中心（东湖路 200 号，二楼机房）', capacity: 40, applyBy: addDays(today, 30)
  }, plan.police.userId, { actorId: plan.police.userId, action: 'sitting.published', clientIp: null }, new Date(now.getTime() - 2 * DAY))

  // The trainer issues a statement for an eligible guard and applies for the sitting.
  const p = plan.statementFor
  const ev = (yield * evaluateMany(db, [{ id: p.traineeId, birthDate: p.birthDate, education: p.education }], settings, now, timeZone)).get(p.traineeId)!
  if (ev.evaluation.status !== 'eligible') return { attempts: count, statementId: null, sittingId: sitting.id, applicationId: null }
  const latest = [...ev.record.mocks].sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime())[0]!
  const issuedAt = new Date(now.getTime() - 3_600_000)
  let code = makeCode((n) => randomBytes(n))
  while (yield * findStatementByCode(db, code)) code = makeCode((n) => randomBytes(n))
  const snapshot = buildSnapshot(
    { fullName: p.fullName, idNumberMasked: maskIdNumber(p.idNumber), enterpriseName: p.enterpriseName }, ev.evaluation,
    { attemptId: latest.attemptId, finishedOn: latest.finishedOn, score: latest.score, maxScore: latest.maxScore, passed: latest.passed, release: latest.release },
    settings, localDate(issuedAt, timeZone))
  const st = yield * insertStatement(db, {
    code, traineeId: p.traineeId, enterpriseId: p.enterpriseId, snapshot, issuedBy: plan.trainerId, issuedAt, expiresAt: expiryFrom(issuedAt, settings.statementDays)
  }, { actorId: plan.trainerId, action: 'statement.issued', clientIp: null })
  const appliedAt = new Date(now.getTime() - 1_800_000)
  const problem = applyProblem({ today, sitting: { applyBy: sitting.applyBy, capacity: sitting.capacity, taken: 0 }, eligibility: 'eligible', statement: 'valid', hasCertificate: false, history: [] })
  const application = yield * insertApplication(db, { sittingId: sitting.id, traineeId: p.traineeId, enterpriseId: p.enterpriseId, statementId: st.id, appliedBy: plan.trainerId },
    function * () { return problem },
    { actorId: plan.trainerId, action: 'application.submitted', clientIp: null }, appliedAt)
  return { attempts: count, statementId: st.id, sittingId: sitting.id, applicationId: application.id }
}
