import type { DbOrTx } from '../../db/connection.js'

/**
 * PLACEHOLDER for the learning area (issue #7), built in another worktree.
 * The integrator replaces this whole file at merge with
 *   export { mandatoryAssignments, type MandatoryAssignment } from '../learning/index.js'
 * Its signature is the learning area's (main, after the learning merge): the display zone is
 * passed, so due dates are counted in the configured zone, not the default one.
 * Only queries.ts (gathering a trainee's record) calls it; the eligibility rules take the
 * list as input, so their unit tests cover the curriculum rule fully.
 */
export interface MandatoryAssignment { assignmentId: number, curriculumId: number, title: string, dueOn: string | null, complete: boolean, overdue: boolean }

export function mandatoryAssignments (_db: DbOrTx, _traineeId: number, _now: Date, _timeZone: string): MandatoryAssignment[] {
  return []
}
