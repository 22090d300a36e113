/**
 * The seam between the areas whose changes move a person's readiness (orgs, learning, exams, bank)
 * and the readiness area that keeps it (readiness/keeper.ts). The readiness area depends on those
 * areas, so they cannot import it (no cycles): they `yield*` `readinessChanged` inside their own
 * transaction body, and the readiness area installs what it does when it is loaded (readiness/index.ts).
 * The keeper's pass stores each person's learning summary (trainee_learning) beside their readiness.
 * A process that never loads the readiness area (a unit test of another area) keeps no readiness.
 * Both are query functions (engine.ts): their statements run on the handle given, inside the
 * caller's transaction.
 */
import type { Db } from './connection.js'
import type { Q } from './engine.js'

export interface ReadinessKeeping {
  /** Works out these people's readiness again and stores it, inside the caller's transaction. */
  changed: (db: Db, traineeIds: readonly number[], now: Date) => Q<void>
  /** What the rules read changed for everyone (a new bank release): raise the rules' generation, inside the caller's transaction. */
  rulesChanged: (db: Db, now: Date) => Q<void>
}

let keeping: ReadinessKeeping | undefined

export function installReadinessKeeping (k: ReadinessKeeping): void {
  keeping = k
}

export function * readinessChanged (db: Db, traineeIds: readonly number[], now: Date): Q<void> {
  if (traineeIds.length > 0 && keeping) yield * keeping.changed(db, traineeIds, now)
}

export function * readinessRulesChanged (db: Db, now: Date): Q<void> {
  if (keeping) yield * keeping.rulesChanged(db, now)
}
