/**
 * The stored learning summary (trainee_learning), pure: what one trainee's row holds, worked out
 * from `learningFor`'s record and the latest finished mock, and the first local day the row
 * changes by the calendar alone. No database: learning/store.ts reads and writes the rows, the
 * readiness keeper's pass decides when (see keeper.ts).
 */
import { addDays } from '../../lib/time.js'
import { dayDate, WEEK_DAYS } from '../practice/index.js'
import type { TraineeLearning } from './summary.js'
import type { LatestScore } from './queries.js'

/** One row of trainee_learning, as the keeper writes it (the write time aside). */
export interface LearningSummary {
  traineeId: number
  enterpriseId: number | null
  fullName: string
  assignedCount: number
  completeCount: number
  assignedDone: number
  assignedTotal: number
  assignedPercent: number
  overdue: number
  coursesPercent: number
  passes: number
  /** -1: no finished mock. */
  latestScore: number
  latestMaxScore: number | null
  latestPassed: boolean | null
  latestFinishedAt: Date | null
  masteryPct: number
  weekAnswered: number
  weekRight: number
  nextChangeOn: string | null
}

/**
 * The first local day after `today` on which the summary changes without any event: an open
 * assignment with a due date falls overdue the day after it, and a practised day leaves the
 * 7-day practice window WEEK_DAYS days after it. Null: nothing changes by date.
 */
export function learningNextChange (l: TraineeLearning, today: string): string | null {
  const days: string[] = []
  for (const a of l.assignments) {
    if (a.state === 'open' && a.assignment.dueOn !== null && a.assignment.dueOn >= today) days.push(addDays(a.assignment.dueOn, 1))
  }
  if (l.practice.week.firstDay !== null) days.push(dayDate(l.practice.week.firstDay + WEEK_DAYS))
  const later = days.filter((d) => d > today).sort()
  return later[0] ?? null
}

/** A trainee's stored summary from their learning record (of the enterprise employing them now) and latest finished mock. */
export function learningSummary (p: { id: number, enterpriseId: number | null, fullName: string }, l: TraineeLearning, latest: LatestScore | undefined, today: string): LearningSummary {
  return {
    traineeId: p.id,
    enterpriseId: p.enterpriseId,
    fullName: p.fullName,
    assignedCount: l.assignments.length,
    completeCount: l.assignments.filter((a) => a.progress.complete).length,
    assignedDone: l.assigned.done,
    assignedTotal: l.assigned.total,
    assignedPercent: l.assigned.percent,
    overdue: l.overdue,
    coursesPercent: l.overall.percent,
    passes: [...l.passes.values()].reduce((s, n) => s + n, 0),
    latestScore: latest ? latest.score : -1,
    latestMaxScore: latest ? latest.maxScore : null,
    latestPassed: latest ? latest.passed : null,
    latestFinishedAt: latest ? latest.finishedAt : null,
    masteryPct: l.practice.masteryPct,
    weekAnswered: l.practice.week.answered,
    weekRight: l.practice.week.right,
    nextChangeOn: learningNextChange(l, today)
  }
}
