/**
 * Mastery of a topic, pure: the share of the topic's questions whose latest
 * answer (from practice, a lesson check or a mock) was right, and how many of
 * them the trainee has seen. The counts move with each answer.
 */
/** The mastery a curriculum item "practise topic X to 80%" asks for. */
export const MASTERY_GOAL = 80

export interface TopicCounts { seen: number, right: number }

/** The counts after an answer to a question whose previous latest answer was `before` (null: never answered). */
export function countsAfter (c: TopicCounts, before: boolean | null, right: boolean): TopicCounts {
  return {
    seen: c.seen + (before === null ? 1 : 0),
    right: c.right + (right ? 1 : 0) - (before === true ? 1 : 0)
  }
}

/** Mastery as a share in [0, 1] of the topic's `total` questions (0 for an empty topic). */
export function masteryOf (c: TopicCounts, total: number): number {
  if (total <= 0) return 0
  return Math.min(1, Math.max(0, c.right / total))
}

/** Mastery as a whole percentage, rounded down (so 79.9% is not "80%"). */
export function masteryPct (c: TopicCounts, total: number): number {
  return Math.floor(masteryOf(c, total) * 100 + 1e-9)
}

/** Mastery of a subject: its topics' questions right at their latest answer out of all of them (topics keyed `domain/topic`). */
export function subjectMastery (topics: ReadonlyMap<string, TopicCounts & { total: number }>, domain: string): number {
  let right = 0
  let total = 0
  for (const [key, m] of topics) {
    if (!key.startsWith(`${domain}/`)) continue
    right += Math.min(m.right, m.total)
    total += m.total
  }
  return masteryPct({ seen: 0, right }, total)
}

/** The share of a week's practice answers that were right, a whole percentage rounded; null when there were none. */
export function weekAccuracy (answered: number, right: number): number | null {
  return answered > 0 ? Math.round((right / answered) * 100) : null
}
