import type { TestApp } from './app.js'
import { attempts, blueprintVersions, declarations, examSittings, applications, DECLARATION_KINDS } from '../../src/db/schema.js'
import { latestRelease } from '../../src/features/bank/index.js'
import { POSITIVE_DECLARATIONS } from '../../src/features/orgs/people.js'
import { refreshReadiness } from '../../src/features/readiness/index.js'
import { runSync } from '../../src/db/engine.js'

/**
 * The fixtures below write rows straight into the database, past the areas' functions that keep
 * the stored readiness in their transaction: they work it out again themselves, as those do.
 */
export function keepReadiness (t: TestApp, traineeIds: readonly number[]): void {
  runSync(refreshReadiness(t.db, traineeIds, t.clock.now(), t.config.timeZone))
}

/** Records every declaration (healthy, good conduct, no disqualifying record) for a person. */
export function declareAll (t: TestApp, traineeId: number, declaredBy: number, at = t.clock.now()): void {
  for (const kind of DECLARATION_KINDS) {
    t.db.insert(declarations).values({ traineeId, kind, value: POSITIVE_DECLARATIONS.includes(kind), declaredBy, declaredAt: at }).run()
  }
  keepReadiness(t, [traineeId])
}

/** A finished national mock of a person, `daysAgo` days before the clock. */
export function nationalMock (t: TestApp, traineeId: number, daysAgo: number, passed: boolean, score = passed ? 82 : 41): number {
  const release = runSync(latestRelease(t.db))!
  const bp = t.db.select().from(blueprintVersions).get()!
  const finishedAt = new Date(t.clock.now().getTime() - daysAgo * 86_400_000)
  const id = t.db.insert(attempts).values({
    traineeId, blueprintKey: 'national-mock', blueprintVersionId: bp.id, releaseId: release.id, seed: 'test', passMark: 60, maxScore: 100,
    startedAt: new Date(finishedAt.getTime() - 3_600_000), deadlineAt: finishedAt, finishedAt, finishReason: 'submitted', score, passed
  }).returning().get().id
  keepReadiness(t, [traineeId])
  return id
}

/** Declarations and two recent passes: eligible under the default rules (when of age, with junior-middle education). */
export function makeEligible (t: TestApp, traineeId: number, declaredBy: number): void {
  declareAll(t, traineeId, declaredBy)
  nationalMock(t, traineeId, 10, true)
  nationalMock(t, traineeId, 3, true)
}

/** A sitting published directly in the database. */
export function addSitting (t: TestApp, jurisdictionId: number, publishedBy: number, over: Partial<{ sitsOn: string, applyBy: string, capacity: number }> = {}): number {
  return t.db.insert(examSittings).values({
    jurisdictionId, sitsOn: over.sitsOn ?? '2027-03-01', startsAt: '09:00', venue: 'Exam hall 1', capacity: over.capacity ?? 30, applyBy: over.applyBy ?? '2027-02-01',
    publishedBy, publishedAt: t.clock.now()
  }).returning().get().id
}

export function applicationRow (t: TestApp, id: number) {
  return t.db.select().from(applications).all().find((a) => a.id === id)
}

/**
 * Each enterprise's stored counts (enterprise_counts, rows of all zeros left out) beside a grouped
 * recount of trainee_readiness written here in SQL of its own: the two must be equal at all times.
 */
export function enterpriseCountsCheck (t: TestApp): { stored: Record<number, unknown>, recounted: Record<number, unknown> } {
  const stored = t.db.$client.prepare(`SELECT enterprise_id AS id, people, in_training AS inTraining, on_duty AS onDuty, on_duty_uncertified AS onDutyUncertified,
      eligible, eligible_uncertified AS eligibleUncertified, certified
    FROM enterprise_counts WHERE people OR in_training OR on_duty OR on_duty_uncertified OR eligible OR eligible_uncertified OR certified ORDER BY enterprise_id`).all() as Array<{ id: number }>
  const recounted = t.db.$client.prepare(`SELECT enterprise_id AS id, count(*) AS people,
      sum(CASE WHEN duty_status = 'in-training' THEN 1 ELSE 0 END) AS inTraining,
      sum(CASE WHEN duty_status = 'on-duty' THEN 1 ELSE 0 END) AS onDuty,
      sum(CASE WHEN duty_status = 'on-duty' AND certified = 0 THEN 1 ELSE 0 END) AS onDutyUncertified,
      sum(CASE WHEN status = 'eligible' THEN 1 ELSE 0 END) AS eligible,
      sum(CASE WHEN status = 'eligible' AND certified = 0 THEN 1 ELSE 0 END) AS eligibleUncertified,
      sum(CASE WHEN certified = 1 THEN 1 ELSE 0 END) AS certified
    FROM trainee_readiness WHERE enterprise_id IS NOT NULL GROUP BY enterprise_id ORDER BY enterprise_id`).all() as Array<{ id: number }>
  const byId = (rows: Array<{ id: number }>) => Object.fromEntries(rows.map(({ id, ...c }) => [id, c]))
  return { stored: byId(stored), recounted: byId(recounted) }
}
