/**
 * What each stored readiness row adds to its enterprise's counts (the enterprise_counts table),
 * and the differences a write of some rows makes to them. Pure: store.ts reads the old rows,
 * writes the new ones and applies these differences in the same transaction.
 */
import type { DutyStatus } from '../../db/schema.js'
import type { EligibilityStatus } from './rules.js'

/** The columns of a readiness row the counts depend on. */
export interface Counted { enterpriseId: number | null, dutyStatus: DutyStatus | null, certified: boolean, status: EligibilityStatus }

export const COUNT_KEYS = ['people', 'inTraining', 'onDuty', 'onDutyUncertified', 'eligible', 'eligibleUncertified', 'certified'] as const
export type CountKey = typeof COUNT_KEYS[number]
export type Counts = Record<CountKey, number>

export const noCounts = (): Counts => ({ people: 0, inTraining: 0, onDuty: 0, onDutyUncertified: 0, eligible: 0, eligibleUncertified: 0, certified: 0 })

/** What one row counts for in its enterprise (the same rules as the recount's SQL in store.ts). */
export function countsOf (r: Counted): Counts {
  const onDuty = r.dutyStatus === 'on-duty'
  const eligible = r.status === 'eligible'
  return {
    people: 1,
    inTraining: r.dutyStatus === 'in-training' ? 1 : 0,
    onDuty: onDuty ? 1 : 0,
    onDutyUncertified: onDuty && !r.certified ? 1 : 0,
    eligible: eligible ? 1 : 0,
    eligibleUncertified: eligible && !r.certified ? 1 : 0,
    certified: r.certified ? 1 : 0
  }
}

/**
 * The change to each enterprise's counts when rows go from `before` (undefined: no row yet) to
 * `after`, in the order given (a person written twice counts from the first write's result).
 * Enterprises whose counts do not move are left out; a row without an enterprise counts nowhere.
 */
export function countChanges (writes: Iterable<{ traineeId: number, before: Counted | undefined, after: Counted }>): Map<number, Counts> {
  const out = new Map<number, Counts>()
  const current = new Map<number, Counted | undefined>()
  const add = (r: Counted | undefined, sign: 1 | -1) => {
    if (!r || r.enterpriseId === null) return
    const c = countsOf(r)
    const sum = out.get(r.enterpriseId) ?? noCounts()
    for (const k of COUNT_KEYS) sum[k] += sign * c[k]
    out.set(r.enterpriseId, sum)
  }
  for (const w of writes) {
    const before = current.has(w.traineeId) ? current.get(w.traineeId) : w.before
    add(before, -1)
    add(w.after, 1)
    current.set(w.traineeId, w.after)
  }
  for (const [id, c] of out) if (COUNT_KEYS.every((k) => c[k] === 0)) out.delete(id)
  return out
}
