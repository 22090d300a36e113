import { describe, test, expect } from 'vitest'
import type { TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { readinessScene, EVENT_KINDS, type EventKind } from '../../helpers/readiness-events.js'
import { enterpriseCountsCheck } from '../../helpers/readiness.js'
import { seededRng } from '../../../src/lib/rng.js'
import { storedReadiness, rulesGeneration } from '../../../src/features/readiness/store.js'
import { workOut, reevaluateStale } from '../../../src/features/readiness/keeper.js'
import { storedLearning } from '../../../src/features/learning/index.js'
import { exec } from '../../../src/db/engine.js'
import { onPostgres } from '../../helpers/db.js'

/**
 * The issue asks for 1,000 sequences: the default. They take about four minutes of one core on an
 * idle machine (about 20,000 events, each through its area's transaction); READINESS_SEQUENCES
 * runs fewer while working on this code.
 */
const SEQUENCES = Number(process.env.READINESS_SEQUENCES ?? 1000)
let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

/**
 * The stored rows of these people, and what rules.ts works out for them now, without the day each
 * was worked out; and their stored learning summaries beside those learningFor works out now (the
 * keeper's pass works out both from one learning record, so this costs one more read of their
 * latest mocks).
 */
const compare = async (ids: readonly number[]) => {
  const stored = await exec(t.db, storedReadiness, ids)
  const storedSummaries = await exec(t.db, storedLearning, ids)
  const worked = await exec(t.db, workOut, ids, t.clock.now(), t.config.timeZone)
  const fresh = worked.readiness
  const strip = ({ evaluatedOn: _, ...rest }: { evaluatedOn: string } & Record<string, unknown>) => rest
  return {
    stored: fresh.map((f) => { const s = stored.get(f.traineeId); return s ? strip(s) : { traineeId: f.traineeId, missing: true } }),
    fresh: fresh.map(strip),
    storedLearning: worked.learning.map((f) => storedSummaries.get(f.traineeId) ?? { traineeId: f.traineeId, missing: true }),
    freshLearning: worked.learning
  }
}

describe('stored readiness agrees with the rules', () => {
  test('after each of 1,000 random sequences of 20 events of every kind (seeded), stored equals recomputed for everyone touched (readiness and learning summary), and the enterprises\' counts equal a recount', async () => {
    // Twenty thousand small transactions: durability is not under test here, so commits skip the disk sync.
    if (!onPostgres) t.db.$client.pragma('synchronous = OFF')
    const scene = await readinessScene(t, w)
    const rng = seededRng('readiness-property-1')
    const seen = new Map<EventKind, number>()
    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      const touched = new Set<number>()
      const kinds: EventKind[] = []
      for (let i = 0; i < 20; i++) {
        const kind = EVENT_KINDS[rng.int(EVENT_KINDS.length)]!
        kinds.push(kind)
        for (const id of await scene.events[kind](rng)) touched.add(id)
        seen.set(kind, (seen.get(kind) ?? 0) + 1)
      }
      // A rule change's background re-evaluation finishes (the pages meanwhile mark the rows stale).
      await reevaluateStale(t.db, t.clock, t.config.timeZone)
      const { stored, fresh, storedLearning: summaries, freshLearning } = await compare([...touched])
      if (JSON.stringify(stored) !== JSON.stringify(fresh)) expect(stored, `sequence ${sequence}: ${kinds.join(', ')}`).toEqual(fresh)
      if (JSON.stringify(summaries) !== JSON.stringify(freshLearning)) expect(summaries, `learning, sequence ${sequence}: ${kinds.join(', ')}`).toEqual(freshLearning)
      // Each enterprise's stored counts equal a recount of the rows (kept by the same writes, no pass of their own).
      const counted = await enterpriseCountsCheck(t)
      if (JSON.stringify(counted.stored) !== JSON.stringify(counted.recounted)) expect(counted.stored, `counts after sequence ${sequence}: ${kinds.join(', ')}`).toEqual(counted.recounted)
    }
    // Every kind of event happened, many times; the rows are all of the rules in force.
    for (const kind of EVENT_KINDS) expect(seen.get(kind) ?? 0, kind).toBeGreaterThan(SEQUENCES / 2)
    const generation = await exec(t.db, rulesGeneration)
    expect(Object.values((await compare(scene.people)).stored).every((r) => 'generation' in r && r.generation === generation)).toBe(true)
  }, 1_200_000)
})
