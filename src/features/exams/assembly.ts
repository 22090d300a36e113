import { seededRng, shuffle } from '../../lib/rng.js'
import type { Cell, QuestionType } from '../bank/index.js'

/**
 * Assembles a paper from a blueprint, pure: a stratified draw per cell from the
 * active question versions, preferring questions the trainee has not seen
 * recently, then shuffled question and option order, all from the seed. The
 * same inputs always give the same paper.
 */
export interface PoolQuestion {
  versionId: number
  questionKey: string
  domain: string
  topic: string
  type: QuestionType
  /** Option keys in the bank's order; empty for true/false. */
  optionKeys: string[]
}

export interface PaperItem {
  slot: number
  versionId: number
  questionKey: string
  domain: string
  type: QuestionType
  /** The order the options are shown in (option keys); ['true', 'false'] for true/false. */
  optionOrder: string[]
  points: number
}

export interface AssemblyInput {
  cells: Cell[]
  shuffleOptions: boolean
  pool: PoolQuestion[]
  seed: string
  /** Question keys the trainee met in recent attempts: drawn only when nothing else is left. */
  recentlySeen: ReadonlySet<string>
}

export class PoolTooSmall extends Error {
  constructor (readonly cell: Cell, readonly have: number) {
    super(`cell ${cell.domain}${cell.topic ? `/${cell.topic}` : ''} x ${cell.type} needs ${cell.count}, the pool has ${have}`)
  }
}

export function assemblePaper (input: AssemblyInput): PaperItem[] {
  const rng = seededRng(input.seed)
  // Sort first so the draw does not depend on the order the database returned rows in.
  const pool = [...input.pool].sort((a, b) => a.questionKey.localeCompare(b.questionKey))
  const taken = new Set<string>()
  const drawn: Array<Omit<PaperItem, 'slot' | 'optionOrder'> & { optionKeys: string[] }> = []
  // Topic-specific cells draw first, so a general cell of the same domain and type cannot empty them.
  const cells = input.cells.map((c, i) => ({ c, i })).sort((x, y) => Number(!x.c.topic) - Number(!y.c.topic) || x.i - y.i)
  for (const { c } of cells) {
    const candidates = pool.filter((q) => q.domain === c.domain && q.type === c.type && (!c.topic || q.topic === c.topic) && !taken.has(q.questionKey))
    const fresh = shuffle(candidates.filter((q) => !input.recentlySeen.has(q.questionKey)), rng)
    const seen = shuffle(candidates.filter((q) => input.recentlySeen.has(q.questionKey)), rng)
    const chosen = [...fresh, ...seen].slice(0, c.count)
    if (chosen.length < c.count) throw new PoolTooSmall(c, candidates.length)
    for (const q of chosen) {
      taken.add(q.questionKey)
      drawn.push({ versionId: q.versionId, questionKey: q.questionKey, domain: q.domain, type: q.type, points: c.points, optionKeys: q.optionKeys })
    }
  }
  return shuffle(drawn, rng).map((q, i) => ({
    slot: i + 1,
    versionId: q.versionId,
    questionKey: q.questionKey,
    domain: q.domain,
    type: q.type,
    points: q.points,
    optionOrder: q.type === 'judge' ? ['true', 'false'] : input.shuffleOptions ? shuffle([...q.optionKeys], rng) : [...q.optionKeys]
  }))
}
