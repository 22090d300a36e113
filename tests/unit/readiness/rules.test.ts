import { describe, test, expect } from 'vitest'
import { evaluateEligibility, birthdayOf, readSettings, DEFAULT_SETTINGS, DISQUALIFYING, type TraineeRecord, type MockResult } from '../../../src/features/readiness/rules.js'
import type { DeclarationKind } from '../../../src/db/schema.js'
import { addDays } from '../../../src/lib/time.js'

const TODAY = '2026-06-30'
const mock = (id: number, finishedOn: string, passed: boolean): MockResult => ({
  attemptId: id, finishedOn, finishedAt: new Date(`${finishedOn}T04:00:00Z`), score: passed ? 80 : 40, maxScore: 100, passed, release: '2026.1'
})
const allDeclared: Partial<Record<DeclarationKind, boolean>> = { healthy: true, 'good-conduct': true, ...Object.fromEntries(DISQUALIFYING.map((k) => [k, false])) }
const ready = (over: Partial<TraineeRecord> = {}): TraineeRecord => ({
  birthDate: '1990-05-05', education: 'junior-middle', declarations: allDeclared, mandatory: [],
  mocks: [mock(1, '2026-06-01', true), mock(2, '2026-06-20', true)], ...over
})
const rule = (r: TraineeRecord, id: string, today = TODAY, s = DEFAULT_SETTINGS) => evaluateEligibility(r, s, today).rules.find((x) => x.rule === id)!

describe('eligibility', () => {
  test('a complete record is eligible with every rule met', () => {
    const ev = evaluateEligibility(ready(), DEFAULT_SETTINGS, TODAY)
    expect(ev.status).toBe('eligible')
    expect(ev.rules.every((r) => r.met)).toBe(true)
    expect(ev.qualifying.map((q) => q.attemptId)).toEqual([2, 1])
  })

  test.each([
    ['2026-06-29', false], // the day before the 18th birthday
    ['2026-06-30', true], // the 18th birthday itself
    ['2026-07-01', true]
  ])('age on %s: 18 reached %s', (today, met) => {
    const r = ready({ birthDate: '2008-06-30', mocks: [mock(1, '2026-06-01', true), mock(2, '2026-06-20', true)] })
    const ev = evaluateEligibility(r, DEFAULT_SETTINGS, today)
    expect(ev.rules.find((x) => x.rule === 'age')!.met).toBe(met)
    expect(ev.status).toBe(met ? 'eligible' : 'not-yet')
    if (!met) expect(ev.rules.find((x) => x.rule === 'age')!.reason).toEqual({ key: 'readiness.reason.age', params: { min: 18, date: '2026-06-30' } })
  })

  test('a 29 February birthday turns 18 on 1 March in a common year', () => {
    expect(birthdayOf('2008-02-29', 18)).toBe('2026-03-01')
    expect(rule(ready({ birthDate: '2008-02-29' }), 'age', '2026-02-28').met).toBe(false)
    expect(rule(ready({ birthDate: '2008-02-29' }), 'age', '2026-03-01').met).toBe(true)
  })

  test('education below junior middle school is not yet; junior middle and above meet it', () => {
    expect(rule(ready({ education: 'primary' }), 'education').met).toBe(false)
    expect(rule(ready({ education: 'junior-middle' }), 'education').met).toBe(true)
    expect(rule(ready({ education: 'college' }), 'education').met).toBe(true)
  })

  test('health and conduct must be declared yes; missing and no give different reasons', () => {
    const { healthy: _h, ...noHealth } = allDeclared
    expect(rule(ready({ declarations: noHealth }), 'health').reason?.key).toBe('readiness.reason.health-missing')
    expect(rule(ready({ declarations: { ...allDeclared, healthy: false } }), 'health').reason?.key).toBe('readiness.reason.health-no')
    expect(evaluateEligibility(ready({ declarations: { ...allDeclared, 'good-conduct': false } }), DEFAULT_SETTINGS, TODAY).status).toBe('not-yet')
  })

  test.each(DISQUALIFYING)('a declared %s disqualifies', (kind) => {
    const ev = evaluateEligibility(ready({ declarations: { ...allDeclared, [kind]: true } }), DEFAULT_SETTINGS, TODAY)
    expect(ev.status).toBe('disqualified')
    expect(ev.rules.find((r) => r.rule === 'records')!.reason).toEqual({ key: 'readiness.reason.records-yes', params: { record: kind } })
  })

  test('records not yet declared are not yet, not disqualified', () => {
    const { 'intentional-crime': _x, ...partial } = allDeclared
    const ev = evaluateEligibility(ready({ declarations: partial }), DEFAULT_SETTINGS, TODAY)
    expect(ev.status).toBe('not-yet')
    expect(ev.rules.find((r) => r.rule === 'records')!.reason).toEqual({ key: 'readiness.reason.records-missing', params: { count: 1 } })
  })

  test('an incomplete mandatory curriculum is not yet, naming the curriculum', () => {
    const mandatory = [
      { assignmentId: 1, curriculumId: 3, title: 'Fire safety basics', dueOn: '2026-07-01', complete: false, overdue: false },
      { assignmentId: 2, curriculumId: 4, title: 'Patrol', dueOn: null, complete: true, overdue: false }
    ]
    const ev = evaluateEligibility(ready({ mandatory }), DEFAULT_SETTINGS, TODAY)
    expect(ev.status).toBe('not-yet')
    expect(ev.rules.find((r) => r.rule === 'curriculum')!.reason).toEqual({ key: 'readiness.reason.curriculum', params: { title: 'Fire safety basics', count: 1 } })
    expect(rule(ready({ mandatory: [{ ...mandatory[0]!, complete: true }] }), 'curriculum').met).toBe(true)
  })

  test('the 60-day window counts local dates, today included: day 60 back counts, day 61 does not', () => {
    expect(addDays(TODAY, -59)).toBe('2026-05-02')
    const inside = ready({ mocks: [mock(1, '2026-05-02', true), mock(2, '2026-06-30', true)] })
    expect(rule(inside, 'mock-passes').met).toBe(true)
    const outside = ready({ mocks: [mock(1, '2026-05-01', true), mock(2, '2026-06-30', true)] })
    const r = rule(outside, 'mock-passes')
    expect(r.met).toBe(false)
    expect(r.reason).toEqual({ key: 'readiness.reason.mock-passes', params: { required: 2, days: 60, have: 1 } })
  })

  test('the window follows the setting', () => {
    const r = ready({ mocks: [mock(1, '2026-06-01', true), mock(2, '2026-06-30', true)] })
    expect(rule(r, 'mock-passes', TODAY, { ...DEFAULT_SETTINGS, windowDays: 30 }).met).toBe(true)
    expect(rule(r, 'mock-passes', TODAY, { ...DEFAULT_SETTINGS, windowDays: 29 }).met).toBe(false)
  })

  test('the most recent finished national mock must be a pass', () => {
    const failedLast = ready({ mocks: [mock(1, '2026-06-01', true), mock(2, '2026-06-10', true), mock(3, '2026-06-25', false)] })
    expect(rule(failedLast, 'latest-mock').met).toBe(false)
    expect(rule(failedLast, 'latest-mock').reason?.key).toBe('readiness.reason.latest-mock-failed')
    expect(evaluateEligibility(failedLast, DEFAULT_SETTINGS, TODAY).status).toBe('not-yet')
    // Passing again afterwards restores it.
    const passedAgain = ready({ mocks: [...failedLast.mocks, mock(4, '2026-06-28', true)] })
    expect(evaluateEligibility(passedAgain, DEFAULT_SETTINGS, TODAY).status).toBe('eligible')
    // Same day: the later finish decides.
    const sameDay = ready({ mocks: [mock(1, '2026-06-01', true), mock(2, '2026-06-28', true), { ...mock(3, '2026-06-28', false), finishedAt: new Date('2026-06-28T09:00:00Z') }] })
    expect(rule(sameDay, 'latest-mock').met).toBe(false)
    expect(rule(failedLast, 'latest-mock', TODAY, { ...DEFAULT_SETTINGS, latestMustPass: false }).met).toBe(true)
  })

  test('no mock at all: both mock rules unmet, one reason each', () => {
    const ev = evaluateEligibility(ready({ mocks: [] }), DEFAULT_SETTINGS, TODAY)
    expect(ev.rules.filter((r) => !r.met).map((r) => r.reason!.key)).toEqual(['readiness.reason.mock-passes', 'readiness.reason.latest-mock-none'])
  })

  test('one reason per unmet rule', () => {
    const ev = evaluateEligibility({ birthDate: '2010-01-01', education: 'primary', declarations: {}, mandatory: [], mocks: [] }, DEFAULT_SETTINGS, TODAY)
    expect(ev.status).toBe('not-yet')
    const unmet = ev.rules.filter((r) => !r.met)
    expect(unmet.map((r) => r.rule)).toEqual(['age', 'education', 'health', 'conduct', 'records', 'mock-passes', 'latest-mock'])
    expect(unmet.every((r) => r.reason)).toBe(true)
  })
})

describe('settings', () => {
  test('defaults pass their own check', () => {
    expect(readSettings({ ...DEFAULT_SETTINGS })).toEqual({ ok: true, value: DEFAULT_SETTINGS })
  })
  test('form values are read; out-of-range numbers are field errors', () => {
    const ok = readSettings({ minAge: '18', minEducation: 'senior-middle', mockBlueprint: 'national-mock', requiredPasses: '3', windowDays: '45', statementDays: '30' })
    expect(ok).toEqual({ ok: true, value: { minAge: 18, minEducation: 'senior-middle', mockBlueprint: 'national-mock', requiredPasses: 3, windowDays: 45, latestMustPass: false, statementDays: 30 } })
    const bad = readSettings({ minAge: '5', minEducation: 'phd', mockBlueprint: 'Bad Key', requiredPasses: 'x', windowDays: '0', statementDays: '999' })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['minAge', 'minEducation', 'mockBlueprint', 'requiredPasses', 'statementDays', 'windowDays'])
  })
})
