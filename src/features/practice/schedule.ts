/**
 * The spaced-review schedule (Leitner), pure. A missed question enters box 1
 * and is due the next local day; a right answer on or after its due day moves
 * it up a box, due after 1, 2, 4, 8, 16 local days by the box it reaches; a
 * right answer in the last box ends the schedule; a miss anywhere sends it
 * back to box 1. Days are local days of the display zone (Asia/Shanghai), as
 * numbers: days since 1970-01-01 there.
 */
import { localDate } from '../../lib/time.js'

export const INTERVALS = [1, 2, 4, 8, 16] as const
export const LAST_BOX = INTERVALS.length

export interface Schedule { box: number, dueDay: number | null }
export const UNSCHEDULED: Schedule = { box: 0, dueDay: null }

/** The local day number of an instant in a zone. */
export function dayNumber (at: Date | number, timeZone: string): number {
  return Math.round(Date.parse(`${localDate(at, timeZone)}T00:00:00Z`) / 86_400_000)
}

/** The schedule after an answer given on local day `today`. */
export function scheduleAfter (s: Schedule, right: boolean, today: number): Schedule {
  if (!right) return { box: 1, dueDay: today + INTERVALS[0] }
  if (s.box === 0 || s.dueDay === null) return UNSCHEDULED
  // Answered right before it is due: the box stays (a review counts on its day).
  if (s.dueDay > today) return s
  if (s.box >= LAST_BOX) return UNSCHEDULED
  return { box: s.box + 1, dueDay: today + INTERVALS[s.box]! }
}

/** Whether a scheduled question is due on local day `today` (overdue counts). */
export function isDue (s: Schedule, today: number): boolean {
  return s.box > 0 && s.dueDay !== null && s.dueDay <= today
}

/** The local date (YYYY-MM-DD) of a local day number. */
export function dayDate (day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}
