/**
 * Which questions a practice set asks, pure: one function per mode over the
 * current release's questions in bank order (syllabus order of subjects and
 * topics, then key) and the trainee's per-question state.
 */
import { BadRequest } from '../../http/errors.js'
import { shuffle, type Rng } from '../../lib/rng.js'
import type { PracticeMode } from '../../db/schema.js'
import type { QuestionType } from '../bank/index.js'
import { isDue, type Schedule } from './schedule.js'
import { sprintShares, sprintPick, SPRINT_SIZE } from './sprint.js'
import { masteryOf } from './mastery.js'

export interface PoolQuestion { id: number, keyId: number, domain: string, topic: string, type: QuestionType }
export interface QuestionState extends Schedule { lastRight: boolean | null, lastAt: Date | null, inBook: boolean, favourite: boolean }
export interface SetChoice { mode: PracticeMode, domain: string | null, topic: string | null, itemType: QuestionType | null, size: number }

export const RANDOM_SIZES = [10, 20, 50] as const
/** A question answered right this recently is left out of a random set while others remain. */
export const RECENT_MS = 7 * 86_400_000
/** The most questions one set of the book, favourites or due reviews asks (the rest in the next). */
export const LIST_SET_MAX = 100

const inScope = (c: SetChoice) => (q: PoolQuestion) =>
  (c.domain === null || q.domain === c.domain) && (c.topic === null || q.topic === c.topic) && (c.itemType === null || q.type === c.itemType)

/**
 * The question version ids of a new set (empty: nothing to practise in that scope).
 * `topicMastery` gives each topic's mastery (`domain/topic`); absent is 0.
 */
export function chooseQuestions (pool: readonly PoolQuestion[], states: ReadonlyMap<number, QuestionState>, c: SetChoice, ctx: { now: Date, today: number, rng: Rng, topicMastery: ReadonlyMap<string, number> }): number[] {
  const scoped = pool.filter(inScope(c))
  const state = (q: PoolQuestion) => states.get(q.keyId)
  switch (c.mode) {
    case 'sequential':
    case 'recite':
    case 'type':
      return scoped.map((q) => q.id)
    case 'random': {
      const recent = (q: PoolQuestion) => { const s = state(q); return s?.lastRight === true && s.lastAt !== null && ctx.now.getTime() - s.lastAt.getTime() < RECENT_MS }
      const fresh = shuffle(scoped.filter((q) => !recent(q)), ctx.rng)
      const rest = shuffle(scoped.filter(recent), ctx.rng)
      return [...fresh, ...rest].slice(0, c.size).map((q) => q.id)
    }
    case 'wrong':
      return scoped.filter((q) => state(q)?.inBook).slice(0, LIST_SET_MAX).map((q) => q.id)
    case 'favourites':
      return scoped.filter((q) => state(q)?.favourite).slice(0, LIST_SET_MAX).map((q) => q.id)
    case 'review':
      return scoped.filter((q) => { const s = state(q); return s !== undefined && isDue(s, ctx.today) }).slice(0, LIST_SET_MAX).map((q) => q.id)
    case 'sprint': {
      const byTopic = new Map<string, PoolQuestion[]>()
      for (const q of scoped) {
        const k = `${q.domain}/${q.topic}`
        byTopic.set(k, [...(byTopic.get(k) ?? []), q])
      }
      const shares = sprintShares([...byTopic].map(([key, qs]) => ({ key, mastery: ctx.topicMastery.get(key) ?? 0, available: qs.length })), SPRINT_SIZE)
      const picked = [...byTopic].flatMap(([key, qs]) => sprintPick(qs, (q) => state(q)?.lastRight === true, shares.get(key) ?? 0, ctx.rng))
      return shuffle(picked, ctx.rng).map((q) => q.id)
    }
  }
}

/** Each topic's mastery from its counts and the number of its questions in the pool. */
export function topicMasteries (pool: readonly PoolQuestion[], counts: ReadonlyMap<string, { seen: number, right: number }>): Map<string, number> {
  const totals = new Map<string, number>()
  for (const q of pool) totals.set(`${q.domain}/${q.topic}`, (totals.get(`${q.domain}/${q.topic}`) ?? 0) + 1)
  return new Map([...totals].map(([k, n]) => [k, masteryOf(counts.get(k) ?? { seen: 0, right: 0 }, n)]))
}

const TYPES: readonly QuestionType[] = ['single', 'multi', 'judge']
const one = (raw: unknown): string | undefined => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined)

/**
 * Reads the set form: the mode, its scope and size. A topic needs its subject;
 * 专项 needs a subject and an item type; 背题 needs a topic; a random size is 10, 20 or 50.
 */
export function readSetChoice (body: Record<string, unknown>, known: { domains: ReadonlySet<string>, topics: ReadonlySet<string> }): SetChoice {
  const mode = one(body.mode) as PracticeMode | undefined
  const modes: readonly PracticeMode[] = ['sequential', 'random', 'type', 'wrong', 'favourites', 'review', 'sprint', 'recite']
  if (!mode || !modes.includes(mode)) throw new BadRequest('practice.bad-mode')
  // The scope comes as one value ("law" or "law/guard-eligibility") or as subject and topic.
  const [scopeDomain, scopeTopic] = (one(body.scope) ?? '').split('/')
  const domain = one(body.domain) ?? one(scopeDomain) ?? null
  const topic = domain ? one(body.topic) ?? one(scopeTopic) ?? null : null
  if (domain !== null && !known.domains.has(domain)) throw new BadRequest('practice.bad-scope')
  if (topic !== null && !known.topics.has(`${domain}/${topic}`)) throw new BadRequest('practice.bad-scope')
  const rawType = one(body.itemType)
  const itemType = rawType && (TYPES as readonly string[]).includes(rawType) ? rawType as QuestionType : null
  if (rawType && !itemType) throw new BadRequest('practice.bad-scope')
  if (mode === 'type' && (!domain || !itemType)) throw new BadRequest('practice.type-needs-subject')
  if (mode === 'recite' && !topic) throw new BadRequest('practice.recite-needs-topic')
  const size = mode === 'random' ? Number(one(body.size) ?? 10) : 0
  if (mode === 'random' && !(RANDOM_SIZES as readonly number[]).includes(size)) throw new BadRequest('practice.bad-size')
  return { mode, domain, topic, itemType: mode === 'type' ? itemType : null, size }
}
