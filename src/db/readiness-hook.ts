/**
 * The seam between the areas whose changes move a person's readiness (orgs, learning, exams, bank)
 * and the readiness area that keeps it (readiness/keeper.ts). The readiness area depends on those
 * areas, so they cannot import it (no cycles): they call `readinessChanged` inside their own
 * transaction, and the readiness area installs what it does when it is loaded (readiness/index.ts).
 * The keeper's pass stores each person's learning summary (trainee_learning) beside their readiness.
 * A process that never loads the readiness area (a unit test of another area) keeps no readiness.
 * Inside a transaction, pass the Db itself where the caller has it: its statements run on the same
 * connection, inside that transaction, and reads cached per connection (the learning catalogue)
 * stay cached; a transaction handle reads without them.
 */
import type { DbOrTx } from './connection.js'

export interface ReadinessKeeping {
  /** Works out these people's readiness again and stores it, inside the caller's transaction. */
  changed: (tx: DbOrTx, traineeIds: readonly number[], now: Date) => void
  /** What the rules read changed for everyone (a new bank release): raise the rules' generation, inside the caller's transaction. */
  rulesChanged: (tx: DbOrTx, now: Date) => void
}

let keeping: ReadinessKeeping | undefined

export function installReadinessKeeping (k: ReadinessKeeping): void {
  keeping = k
}

export function readinessChanged (tx: DbOrTx, traineeIds: readonly number[], now: Date): void {
  if (traineeIds.length > 0) keeping?.changed(tx, traineeIds, now)
}

export function readinessRulesChanged (tx: DbOrTx, now: Date): void {
  keeping?.rulesChanged(tx, now)
}
