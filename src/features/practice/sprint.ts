/**
 * The pre-exam sprint (考前冲刺), pure: how many of its questions each topic
 * gives, in proportion to (1 − mastery) + 0.05 (a topic not yet practised
 * counts as mastery 0), never more than the topic has; within a topic the
 * questions not yet answered right come first.
 */
import { shuffle, type Rng } from '../../lib/rng.js'

export const SPRINT_SIZE = 50
export const SPRINT_FLOOR = 0.05

export interface SprintTopic { key: string, mastery: number, available: number }

/** Questions per topic (largest remainders; a topic's cap frees its share for the others). */
export function sprintShares (topics: readonly SprintTopic[], size = SPRINT_SIZE): Map<string, number> {
  const out = new Map(topics.map((t) => [t.key, 0]))
  let left = Math.min(size, topics.reduce((n, t) => n + t.available, 0))
  let open = topics.filter((t) => t.available > 0)
  while (left > 0 && open.length > 0) {
    const weights = open.map((t) => (1 - Math.min(1, Math.max(0, t.mastery))) + SPRINT_FLOOR)
    const sum = weights.reduce((a, b) => a + b, 0)
    const exact = open.map((t, i) => ({ t, x: (left * weights[i]!) / sum }))
    const given = exact.map((e) => ({ ...e, n: Math.min(Math.floor(e.x), e.t.available - out.get(e.t.key)!) }))
    let handed = given.reduce((a, g) => a + g.n, 0)
    // The remainder, one each, to the largest fractions among topics with room left (ties: listed order).
    const byFraction = [...given].sort((a, b) => (b.x - Math.floor(b.x)) - (a.x - Math.floor(a.x)))
    for (const g of byFraction) {
      if (handed >= left) break
      if (g.n < g.t.available - out.get(g.t.key)!) { g.n++; handed++ }
    }
    for (const g of given) out.set(g.t.key, out.get(g.t.key)! + g.n)
    left -= handed
    open = open.filter((t) => out.get(t.key)! < t.available)
    if (handed === 0) break
  }
  return out
}

/** A topic's questions for the sprint: those not yet answered right first, each group shuffled. */
export function sprintPick<T> (questions: readonly T[], isRight: (q: T) => boolean, n: number, rng: Rng): T[] {
  const notYet = shuffle(questions.filter((q) => !isRight(q)), rng)
  const right = shuffle(questions.filter((q) => isRight(q)), rng)
  return [...notYet, ...right].slice(0, n)
}
