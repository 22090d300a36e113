import { sql } from 'drizzle-orm'
import type { TestApp } from './app.js'
import { attempts, blueprintVersions, declarations, examSittings, applications, DECLARATION_KINDS } from '../../src/db/schema.js'
import { latestRelease } from '../../src/features/bank/index.js'
import { POSITIVE_DECLARATIONS } from '../../src/features/orgs/people.js'
import { refreshReadiness } from '../../src/features/readiness/index.js'
import { exec, transaction } from '../../src/db/engine.js'
import { sqlRows } from './db.js'

/**
 * The fixtures below write rows straight into the database, past the areas' functions that keep
 * the stored readiness in their transaction: they work it out again themselves, as those do.
 */
export async function keepReadiness (t: TestApp, traineeIds: readonly number[]): Promise<void> {
  await transaction(t.db, refreshReadiness, traineeIds, t.clock.now(), t.config.timeZone)
}

/** Records every declaration (healthy, good conduct, no disqualifying record) for a person. */
export async function declareAll (t: TestApp, traineeId: number, declaredBy: number, at = t.clock.now()): Promise<void> {
  await t.db.insert(declarations).values(DECLARATION_KINDS.map((kind) => ({ traineeId, kind, value: POSITIVE_DECLARATIONS.includes(kind), declaredBy, declaredAt: at })))
  await keepReadiness(t, [traineeId])
}

/** A finished national mock of a person, `daysAgo` days before the clock. */
export async function nationalMock (t: TestApp, traineeId: number, daysAgo: number, passed: boolean, score = passed ? 82 : 41): Promise<number> {
  const release = (await exec(t.db, latestRelease))!
  const bp = (await t.db.select().from(blueprintVersions).limit(1))[0]!
  const finishedAt = new Date(t.clock.now().getTime() - daysAgo * 86_400_000)
  const id = (await t.db.insert(attempts).values({
    traineeId, blueprintKey: 'national-mock', blueprintVersionId: bp.id, releaseId: release.id, seed: 'test', passMark: 60, maxScore: 100,
    startedAt: new Date(finishedAt.getTime() - 3_600_000), deadlineAt: finishedAt, finishedAt, finishReason: 'submitted', score, passed
  }).returning())[0]!.id
  await keepReadiness(t, [traineeId])
  return id
}

/** Declarations and two recent passes: eligible under the default rules (when of age, with junior-middle education). */
export async function makeEligible (t: TestApp, traineeId: number, declaredBy: number): Promise<void> {
  await declareAll(t, traineeId, declaredBy)
  await nationalMock(t, traineeId, 10, true)
  await nationalMock(t, traineeId, 3, true)
}

/** A sitting published directly in the database. */
export async function addSitting (t: TestApp, jurisdictionId: number, publishedBy: number, over: Partial<{ sitsOn: string, applyBy: string, capacity: number }> = {}): Promise<number> {
  return (await t.db.insert(examSittings).values({
    jurisdictionId, sitsOn: over.sitsOn ?? '2027-03-01', startsAt: '09:00', venue: 'Exam hall 1', capacity: over.capacity ?? 30, applyBy: over.applyBy ?? '2027-02-01',
    publishedBy, publishedAt: t.clock.now()
  }).returning())[0]!.id
}

export async function applicationRow (t: TestApp, id: number) {
  return (await t.db.select().from(applications)).find((a) => a.id === id)
}

/**
 * Each enterprise's stored counts (enterprise_counts, rows of all zeros left out) beside a grouped
 * recount of trainee_readiness written here in SQL of its own: the two must be equal at all times.
 * The SQL is valid on both engines (booleans compared with themselves, not with 0/1), and every
 * figure is read as a number (PostgreSQL returns bigint sums as strings).
 */
export async function enterpriseCountsCheck (t: TestApp): Promise<{ stored: Record<number, unknown>, recounted: Record<number, unknown> }> {
  const stored = await sqlRows<Record<string, unknown>>(t.db, sql`SELECT enterprise_id AS id, people, in_training AS "inTraining", on_duty AS "onDuty", on_duty_uncertified AS "onDutyUncertified",
      eligible, eligible_uncertified AS "eligibleUncertified", certified
    FROM enterprise_counts WHERE people <> 0 OR in_training <> 0 OR on_duty <> 0 OR on_duty_uncertified <> 0 OR eligible <> 0 OR eligible_uncertified <> 0 OR certified <> 0 ORDER BY enterprise_id`)
  const recounted = await sqlRows<Record<string, unknown>>(t.db, sql`SELECT enterprise_id AS id, count(*) AS people,
      sum(CASE WHEN duty_status = 'in-training' THEN 1 ELSE 0 END) AS "inTraining",
      sum(CASE WHEN duty_status = 'on-duty' THEN 1 ELSE 0 END) AS "onDuty",
      sum(CASE WHEN duty_status = 'on-duty' AND NOT certified THEN 1 ELSE 0 END) AS "onDutyUncertified",
      sum(CASE WHEN status = 'eligible' THEN 1 ELSE 0 END) AS eligible,
      sum(CASE WHEN status = 'eligible' AND NOT certified THEN 1 ELSE 0 END) AS "eligibleUncertified",
      sum(CASE WHEN certified THEN 1 ELSE 0 END) AS certified
    FROM trainee_readiness WHERE enterprise_id IS NOT NULL GROUP BY enterprise_id ORDER BY enterprise_id`)
  const byId = (rows: Array<Record<string, unknown>>) => Object.fromEntries(rows.map(({ id, ...c }) => [Number(id), Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Number(v)]))]))
  return { stored: byId(stored), recounted: byId(recounted) }
}
