/**
 * Queries of the stored readiness (trainee_readiness): what the keeper writes and what the pages
 * read. The rows are the output of rules.ts (see keeper.ts); nothing here decides readiness.
 */
import { and, asc, eq, inArray, lt, lte, sql, count, isNotNull } from 'drizzle-orm'
import type { DbOrTx } from '../../db/connection.js'
import { chunks } from '../../lib/chunks.js'
import { traineeReadiness, trainees, employments, type DutyStatus, type Education } from '../../db/schema.js'
import { readSetting, writeSetting } from '../orgs/index.js'
import type { EligibilityStatus, RuleResult } from './rules.js'

export type StoredReadiness = Omit<typeof traineeReadiness.$inferSelect, 'updatedAt'>

// ---- the rules' generation ----

const GENERATION_KEY = 'readiness.generation'

/** The generation of the rules now in force: raised by every change of what the rules read for everyone. */
export function rulesGeneration (db: DbOrTx): number {
  return Number(readSetting(db, GENERATION_KEY) ?? 0) || 0
}

export function raiseRulesGeneration (db: DbOrTx): number {
  const next = rulesGeneration(db) + 1
  writeSetting(db, GENERATION_KEY, String(next))
  return next
}

// ---- the facts the rules read besides the record ----

export interface PersonFacts { id: number, fullName: string, birthDate: string, education: Education, enterpriseId: number | null, dutyStatus: DutyStatus | null, certified: boolean }

/** Each person's name, birth date, education, certificate and open employment (ids that are no person are left out). */
export function personFacts (db: DbOrTx, ids: readonly number[]): PersonFacts[] {
  const out: PersonFacts[] = []
  for (const chunk of chunks([...new Set(ids)])) {
    out.push(...db.select({
      id: trainees.id, fullName: trainees.fullName, birthDate: trainees.birthDate, education: trainees.education, enterpriseId: employments.enterpriseId, dutyStatus: employments.dutyStatus,
      certified: sql<number>`coalesce(${trainees.certificateStatus} = 'valid', 0)`
    }).from(trainees).leftJoin(employments, and(eq(employments.traineeId, trainees.id), sql`${employments.endedOn} IS NULL`))
      .where(inArray(trainees.id, chunk)).all().map((r) => ({ ...r, certified: r.certified === 1 })))
  }
  return out
}

// ---- writing ----

export function upsertReadiness (db: DbOrTx, rows: readonly StoredReadiness[], now: Date): void {
  const set = Object.fromEntries(['enterpriseId', 'dutyStatus', 'certified', 'status', 'rules', 'qualifying', 'nextChangeOn', 'evaluatedOn', 'generation', 'updatedAt']
    .map((k) => [k, sql.raw(`excluded.${traineeReadiness[k as keyof StoredReadiness].name}`)]))
  for (const chunk of chunks(rows, 400)) {
    db.insert(traineeReadiness).values(chunk.map((r) => ({ ...r, updatedAt: now }))).onConflictDoUpdate({ target: traineeReadiness.traineeId, set }).run()
  }
}

// ---- reading ----

export function storedReadiness (db: DbOrTx, ids: readonly number[]): Map<number, StoredReadiness> {
  const out = new Map<number, StoredReadiness>()
  for (const chunk of chunks([...new Set(ids)])) {
    const rows = db.select({
      traineeId: traineeReadiness.traineeId, enterpriseId: traineeReadiness.enterpriseId, dutyStatus: traineeReadiness.dutyStatus, certified: traineeReadiness.certified,
      status: traineeReadiness.status, rules: traineeReadiness.rules, qualifying: traineeReadiness.qualifying, nextChangeOn: traineeReadiness.nextChangeOn,
      evaluatedOn: traineeReadiness.evaluatedOn, generation: traineeReadiness.generation
    }).from(traineeReadiness).where(inArray(traineeReadiness.traineeId, chunk)).all()
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
export function readinessOfPeople (db: DbOrTx, ids: readonly number[]): Map<number, ReadinessShown> {
  const generation = rulesGeneration(db)
  const stored = storedReadiness(db, ids)
  return new Map(ids.map((id) => {
    const r = stored.get(id)
    return [id, r ? { status: r.status, rules: r.rules, stale: r.generation < generation } : { status: 'not-yet', rules: [], stale: true }]
  }))
}

/** People whose row was worked out under older rules, the lowest ids first (the generation index). */
export function staleIds (db: DbOrTx, generation: number, limit: number): number[] {
  return db.select({ id: traineeReadiness.traineeId }).from(traineeReadiness).where(lt(traineeReadiness.generation, generation)).limit(limit).all().map((r) => r.id)
}

/** How many rows still wait for the rules in force (the generation index). */
export function countStale (db: DbOrTx): number {
  return db.select({ n: count() }).from(traineeReadiness).where(lt(traineeReadiness.generation, rulesGeneration(db))).get()?.n ?? 0
}

/** People whose readiness changes by itself on or before `today` (the next-change index). */
export function dueIds (db: DbOrTx, today: string, limit: number): number[] {
  return db.select({ id: traineeReadiness.traineeId }).from(traineeReadiness)
    .where(and(isNotNull(traineeReadiness.nextChangeOn), lte(traineeReadiness.nextChangeOn, today))).orderBy(asc(traineeReadiness.nextChangeOn)).limit(limit).all().map((r) => r.id)
}

/** Every person's id above `after`, in id order, `limit` at a time (a full rebuild walks them). */
export function traineeIdsAfter (db: DbOrTx, after: number, limit: number): number[] {
  return db.select({ id: trainees.id }).from(trainees).where(sql`${trainees.id} > ${after}`).orderBy(asc(trainees.id)).limit(limit).all().map((r) => r.id)
}

// ---- the police dashboard, aggregated in SQL ----

/**
 * Guards whose stored status is eligible, and rows still of older rules, per enterprise: one
 * grouped read of the covering index (enterprise, duty, certified, status, generation) per chunk,
 * so the cost follows the enterprises shown, never the guards' history. Eligible counts everyone
 * the enterprise employs whose status is eligible, as the drill-down lists them.
 */
export function eligibleByEnterprise (db: DbOrTx, enterpriseIds: readonly number[]): Map<number, { eligible: number, stale: number }> {
  const out = new Map<number, { eligible: number, stale: number }>()
  const generation = rulesGeneration(db)
  const r = traineeReadiness
  const stale = sql<number>`${r.generation} < ${generation}`
  for (const chunk of chunks([...enterpriseIds])) {
    const rows = db.select({ enterpriseId: r.enterpriseId, status: r.status, stale, n: count() }).from(r)
      .where(inArray(r.enterpriseId, chunk)).groupBy(r.enterpriseId, r.status, stale).all()
    for (const row of rows) {
      const c = out.get(row.enterpriseId!) ?? { eligible: 0, stale: 0 }
      if (row.status === 'eligible') c.eligible += row.n
      if (row.stale) c.stale += row.n
      out.set(row.enterpriseId!, c)
    }
  }
  return out
}

/** A trainer's headline: guards of one enterprise eligible and not yet certified, and certified guards (trainee_readiness_enterprise_idx). */
export function readinessCounts (db: DbOrTx, enterpriseId: number): { eligible: number, certified: number } {
  const r = traineeReadiness
  const rows = db.select({ certified: r.certified, status: r.status, n: count() }).from(r)
    .where(eq(r.enterpriseId, enterpriseId)).groupBy(r.certified, r.status).all()
  return {
    eligible: rows.filter((x) => !x.certified && x.status === 'eligible').reduce((n, x) => n + x.n, 0),
    certified: rows.filter((x) => x.certified).reduce((n, x) => n + x.n, 0)
  }
}
