/**
 * Queries of the stored readiness (trainee_readiness): what the keeper writes and what the pages
 * read. The rows are the output of rules.ts (see keeper.ts); nothing here decides readiness.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, sql, count, isNotNull } from 'drizzle-orm'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Db } from '../../db/connection.js'
import { all, one, run, exec, transaction, type Q } from '../../db/engine.js'
import { chunks } from '../../lib/chunks.js'
import { traineeReadiness, trainees, employments, enterprises, enterpriseCounts, type DutyStatus, type Education } from '../../db/schema.js'
import { readSetting, writeSetting } from '../orgs/index.js'
import type { EligibilityStatus, RuleResult } from './rules.js'
import { COUNT_KEYS, countChanges, noCounts, type Counted, type Counts } from './counts.js'

export type StoredReadiness = Omit<typeof traineeReadiness.$inferSelect, 'updatedAt'>

// ---- the rules' generation ----

const GENERATION_KEY = 'readiness.generation'

/** The generation of the rules now in force: raised by every change of what the rules read for everyone. */
export function * rulesGeneration (db: Db): Q<number> {
  return Number((yield * readSetting(db, GENERATION_KEY)) ?? 0) || 0
}

export function * raiseRulesGeneration (db: Db): Q<number> {
  const next = (yield * rulesGeneration(db)) + 1
  yield * writeSetting(db, GENERATION_KEY, String(next))
  return next
}

// ---- the facts the rules read besides the record ----

export interface PersonFacts { id: number, fullName: string, birthDate: string, education: Education, enterpriseId: number | null, dutyStatus: DutyStatus | null, certified: boolean }

/** Each person's name, birth date, education, certificate and open employment (ids that are no person are left out). */
export function * personFacts (db: Db, ids: readonly number[]): Q<PersonFacts[]> {
  const out: PersonFacts[] = []
  for (const chunk of chunks([...new Set(ids)])) {
    // The certificate test as a number (was SQLite's boolean-as-integer `coalesce(x = 'valid', 0)`).
    const rows = yield * all(db.select({
      id: trainees.id, fullName: trainees.fullName, birthDate: trainees.birthDate, education: trainees.education, enterpriseId: employments.enterpriseId, dutyStatus: employments.dutyStatus,
      certified: sql<number>`CASE WHEN ${trainees.certificateStatus} = 'valid' THEN 1 ELSE 0 END`.mapWith(Number)
    }).from(trainees).leftJoin(employments, and(eq(employments.traineeId, trainees.id), isNull(employments.endedOn)))
      .where(inArray(trainees.id, chunk)))
    out.push(...rows.map((r) => ({ ...r, certified: r.certified === 1 })))
  }
  return out
}

// ---- writing ----

/**
 * Writes these rows of trainee_readiness and moves their enterprises' counts (enterprise_counts)
 * by the difference between the rows as they were (read first, by primary key) and as written:
 * on the caller's transaction, so the counts never differ from the rows they count.
 */
export function * upsertReadiness (db: Db, rows: readonly StoredReadiness[], now: Date): Q<void> {
  const set = Object.fromEntries(['enterpriseId', 'dutyStatus', 'certified', 'status', 'rules', 'qualifying', 'nextChangeOn', 'evaluatedOn', 'generation', 'updatedAt']
    .map((k) => [k, sql`excluded.${sql.identifier(traineeReadiness[k as keyof StoredReadiness].name)}`]))
  for (const chunk of chunks(rows, 400)) {
    const before = yield * countedRows(db, chunk.map((r) => r.traineeId))
    yield * run(db.insert(traineeReadiness).values(chunk.map((r) => ({ ...r, updatedAt: now }))).onConflictDoUpdate({ target: traineeReadiness.traineeId, set }))
    yield * addToEnterpriseCounts(db, countChanges(chunk.map((r) => ({ traineeId: r.traineeId, before: before.get(r.traineeId), after: r }))))
  }
}

/** The counted columns of these people's rows (by primary key). */
function * countedRows (db: Db, ids: readonly number[]): Q<Map<number, Counted>> {
  const r = traineeReadiness
  const rows = yield * all(db.select({ traineeId: r.traineeId, enterpriseId: r.enterpriseId, dutyStatus: r.dutyStatus, certified: r.certified, status: r.status })
    .from(r).where(inArray(r.traineeId, [...new Set(ids)])))
  return new Map(rows.map((x) => [x.traineeId, x]))
}

const COLUMN = Object.fromEntries(COUNT_KEYS.map((k) => [k, enterpriseCounts[k].name])) as Record<keyof Counts, string>

/**
 * Adds each enterprise's change to its counts: one upsert (`x = enterprise_counts.x + excluded.x`)
 * per 400 enterprises. The stored value is named with its table: PostgreSQL refuses a bare column
 * name there as ambiguous (it could be the excluded row's), SQLite takes both.
 */
function * addToEnterpriseCounts (db: Db, changes: ReadonlyMap<number, Counts>): Q<void> {
  const set = Object.fromEntries(COUNT_KEYS.map((k) => [k, sql`${sql.identifier('enterprise_counts')}.${sql.identifier(COLUMN[k])} + excluded.${sql.identifier(COLUMN[k])}`]))
  for (const chunk of chunks([...changes], 400)) {
    yield * run(db.insert(enterpriseCounts).values(chunk.map(([enterpriseId, c]) => ({ enterpriseId, ...c }))).onConflictDoUpdate({ target: enterpriseCounts.enterpriseId, set }))
  }
}

/** Each enterprise's counts worked out again from its rows of trainee_readiness (the enterprise index), the same rules as counts.ts. */
export function * recountEnterprises (db: Db, enterpriseIds: readonly number[]): Q<Map<number, Counts>> {
  const r = traineeReadiness
  const out = new Map<number, Counts>()
  // Counts of a condition as sums of CASE, read as numbers (PostgreSQL's sum and count are bigints,
  // which node-postgres gives as text); the certificate compared with true/false, which both engines take.
  const counted = (condition: ReturnType<typeof sql>) => sql<number>`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`.mapWith(Number)
  for (const chunk of chunks([...enterpriseIds])) {
    const rows = yield * all(db.select({
      enterpriseId: r.enterpriseId,
      people: count(),
      inTraining: counted(sql`${r.dutyStatus} = 'in-training'`),
      onDuty: counted(sql`${r.dutyStatus} = 'on-duty'`),
      onDutyUncertified: counted(sql`${r.dutyStatus} = 'on-duty' AND ${r.certified} = false`),
      eligible: counted(sql`${r.status} = 'eligible'`),
      eligibleUncertified: counted(sql`${r.status} = 'eligible' AND ${r.certified} = false`),
      certified: counted(sql`${r.certified} = true`)
    }).from(r).where(inArray(r.enterpriseId, chunk)).groupBy(r.enterpriseId))
    for (const { enterpriseId, ...c } of rows) out.set(enterpriseId!, c)
  }
  return out
}

/** Enterprises recounted in one transaction by recountEnterpriseCounts (about 150 guards each at province size). */
const RECOUNT_ENTERPRISES = 50

/** The next enterprises after `after`, in id order. */
function * enterpriseIdsAfter (db: Db, after: number, limit: number): Q<number[]> {
  return (yield * all(db.select({ id: enterprises.id }).from(enterprises).where(gt(enterprises.id, after)).orderBy(asc(enterprises.id)).limit(limit))).map((e) => e.id)
}

/** Sets these enterprises' counts to a recount of their rows: a transaction body. */
function * setRecounted (db: Db, ids: readonly number[]): Q<void> {
  const set = Object.fromEntries(COUNT_KEYS.map((k) => [k, sql`excluded.${sql.identifier(COLUMN[k])}`]))
  const counted = yield * recountEnterprises(db, ids)
  yield * run(db.insert(enterpriseCounts).values(ids.map((enterpriseId) => ({ enterpriseId, ...(counted.get(enterpriseId) ?? noCounts()) })))
    .onConflictDoUpdate({ target: enterpriseCounts.enterpriseId, set }))
}

/**
 * Sets every enterprise's counts to a recount of its rows, RECOUNT_ENTERPRISES enterprises a
 * transaction with the event loop free between: the end of `readiness rebuild`, which repairs
 * counts left wrong by data changed by hand. Returns the number of enterprises recounted.
 */
export async function recountEnterpriseCounts (db: Db, stop?: () => boolean): Promise<number> {
  let after = 0
  let done = 0
  for (;;) {
    if (stop?.()) return done
    const ids = await exec(db, enterpriseIdsAfter, after, RECOUNT_ENTERPRISES)
    if (ids.length === 0) return done
    await transaction(db, setRecounted, ids)
    done += ids.length
    after = ids.at(-1)!
    await nextTurn()
  }
}

// ---- reading ----

export function * storedReadiness (db: Db, ids: readonly number[]): Q<Map<number, StoredReadiness>> {
  const out = new Map<number, StoredReadiness>()
  for (const chunk of chunks([...new Set(ids)])) {
    const rows = yield * all(db.select({
      traineeId: traineeReadiness.traineeId, enterpriseId: traineeReadiness.enterpriseId, dutyStatus: traineeReadiness.dutyStatus, certified: traineeReadiness.certified,
      status: traineeReadiness.status, rules: traineeReadiness.rules, qualifying: traineeReadiness.qualifying, nextChangeOn: traineeReadiness.nextChangeOn,
      evaluatedOn: traineeReadiness.evaluatedOn, generation: traineeReadiness.generation
    }).from(traineeReadiness).where(inArray(traineeReadiness.traineeId, chunk)))
    for (const r of rows) out.set(r.traineeId, r)
  }
  return out
}

/** What a page shows of a person's readiness: the stored result, and whether it predates the rules in force. */
export interface ReadinessShown { status: EligibilityStatus, rules: RuleResult[], stale: boolean }

/**
 * The stored readiness of these people (one page of a list), read by primary key: every id gets an
 * entry; a person with no row yet (being worked out by the keeper) shows as not yet and stale.
 */
export function * readinessOfPeople (db: Db, ids: readonly number[]): Q<Map<number, ReadinessShown>> {
  const generation = yield * rulesGeneration(db)
  const stored = yield * storedReadiness(db, ids)
  return new Map(ids.map((id) => {
    const r = stored.get(id)
    return [id, r ? { status: r.status, rules: r.rules, stale: r.generation < generation } : { status: 'not-yet', rules: [], stale: true }]
  }))
}

/**
 * The stored status of these people and whether it predates the rules in force, without the
 * rules' details (an export's column): by primary key, a person with no row yet shows as not yet and stale.
 */
export function * statusOfPeople (db: Db, ids: readonly number[]): Q<Map<number, Omit<ReadinessShown, 'rules'>>> {
  const generation = yield * rulesGeneration(db)
  const out = new Map<number, Omit<ReadinessShown, 'rules'>>(ids.map((id) => [id, { status: 'not-yet', stale: true }]))
  for (const chunk of chunks([...new Set(ids)])) {
    const rows = yield * all(db.select({ id: traineeReadiness.traineeId, status: traineeReadiness.status, generation: traineeReadiness.generation })
      .from(traineeReadiness).where(inArray(traineeReadiness.traineeId, chunk)))
    for (const r of rows) out.set(r.id, { status: r.status, stale: r.generation < generation })
  }
  return out
}

/** People whose row was worked out under older rules, the lowest ids first (the generation index). */
export function * staleIds (db: Db, generation: number, limit: number): Q<number[]> {
  return (yield * all(db.select({ id: traineeReadiness.traineeId }).from(traineeReadiness).where(lt(traineeReadiness.generation, generation)).limit(limit))).map((r) => r.id)
}

/** How many rows still wait for the rules in force (the generation index). */
export function * countStale (db: Db): Q<number> {
  const generation = yield * rulesGeneration(db)
  return (yield * one(db.select({ n: count() }).from(traineeReadiness).where(lt(traineeReadiness.generation, generation))))?.n ?? 0
}

/** People whose readiness changes by itself on or before `today` (the next-change index). */
export function * dueIds (db: Db, today: string, limit: number): Q<number[]> {
  return (yield * all(db.select({ id: traineeReadiness.traineeId }).from(traineeReadiness)
    .where(and(isNotNull(traineeReadiness.nextChangeOn), lte(traineeReadiness.nextChangeOn, today))).orderBy(asc(traineeReadiness.nextChangeOn)).limit(limit))).map((r) => r.id)
}

/** Every person's id above `after`, in id order, `limit` at a time (a full rebuild walks them). */
export function * traineeIdsAfter (db: Db, after: number, limit: number): Q<number[]> {
  return (yield * all(db.select({ id: trainees.id }).from(trainees).where(gt(trainees.id, after)).orderBy(asc(trainees.id)).limit(limit))).map((r) => r.id)
}

// ---- the counts per enterprise ----

/** The stored counts of these enterprises, by primary key (an enterprise without a row counts zeros). */
export function * readEnterpriseCounts (db: Db, enterpriseIds: readonly number[]): Q<Map<number, Counts>> {
  const c = enterpriseCounts
  const out = new Map<number, Counts>()
  for (const chunk of chunks([...new Set(enterpriseIds)])) {
    const rows = yield * all(db.select({ enterpriseId: c.enterpriseId, people: c.people, inTraining: c.inTraining, onDuty: c.onDuty, onDutyUncertified: c.onDutyUncertified, eligible: c.eligible, eligibleUncertified: c.eligibleUncertified, certified: c.certified })
      .from(c).where(inArray(c.enterpriseId, chunk)))
    for (const { enterpriseId, ...counts } of rows) out.set(enterpriseId, counts)
  }
  return out
}

/** A trainer's headline: guards of one enterprise eligible and not yet certified, and certified guards (its counts row). */
export function * readinessCounts (db: Db, enterpriseId: number): Q<{ eligible: number, certified: number }> {
  const c = (yield * readEnterpriseCounts(db, [enterpriseId])).get(enterpriseId) ?? noCounts()
  return { eligible: c.eligibleUncertified, certified: c.certified }
}
