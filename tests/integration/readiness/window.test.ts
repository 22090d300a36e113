import { describe, test, expect } from 'vitest'
import type { TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { declareAll, nationalMock } from '../../helpers/readiness.js'
import { attempts } from '../../../src/db/schema.js'
import { evaluateMany, readEligibilitySettings } from '../../../src/features/readiness/queries.js'
import { exec } from '../../../src/db/engine.js'
import { eq } from 'drizzle-orm'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

describe('the 60-day window in the display zone', () => {
  // The clock is 2026-11-26 10:00 in Shanghai: the window starts on 2026-09-28 (local).
  const evaluate = async (finishedUtc: string) => {
    const p = await w.addPerson(w.ids.entA, 'Window')
    await declareAll(t, p.traineeId, w.users.trainerA)
    const first = await nationalMock(t, p.traineeId, 0, true)
    await t.db.update(attempts).set({ finishedAt: new Date(finishedUtc) }).where(eq(attempts.id, first))
    await nationalMock(t, p.traineeId, 1, true)
    const person = { id: p.traineeId, birthDate: '1990-01-01', education: 'junior-middle' as const }
    return (await exec(t.db, evaluateMany, [person], await exec(t.db, readEligibilitySettings), t.clock.now(), t.config.timeZone)).get(p.traineeId)!.evaluation
  }

  test('a pass at 00:30 local on the first day of the window counts, though it is the day before in UTC', async () => {
    const ev = await evaluate('2026-09-27T16:30:00Z')
    expect(ev.windowStart).toBe('2026-09-28')
    expect(ev.status).toBe('eligible')
  })

  test('a pass at 23:30 local the day before does not', async () => {
    const ev = await evaluate('2026-09-27T15:30:00Z')
    expect(ev.rules.find((r) => r.rule === 'mock-passes')!.met).toBe(false)
    expect(ev.status).toBe('not-yet')
  })
})
