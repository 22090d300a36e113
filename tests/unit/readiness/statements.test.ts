import { describe, test, expect } from 'vitest'
import { randomBytes } from 'node:crypto'
import { makeCode, formatCode, normaliseCode, statementState, expiryFrom, maskName, CODE_ALPHABET, CODE_LENGTH } from '../../../src/features/readiness/statements.js'
import { applyProblem, decisionProblem, resultProblem, validateSitting, mayDecide, type ApplyFacts } from '../../../src/features/readiness/sittings.js'

describe('verification codes', () => {
  test('at least 50 bits of randomness from an unambiguous alphabet', () => {
    expect(CODE_ALPHABET).toHaveLength(32)
    expect(CODE_LENGTH * Math.log2(CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50)
    for (const ch of '01IO') expect(CODE_ALPHABET).not.toContain(ch)
    const codes = new Set(Array.from({ length: 2000 }, () => makeCode((n) => randomBytes(n))))
    expect(codes.size).toBe(2000)
    for (const c of codes) expect(c).toMatch(new RegExp(`^[${CODE_ALPHABET}]{12}$`))
  })

  test('every symbol is reachable and a byte maps without bias', () => {
    const bytes = Uint8Array.from({ length: 12 }, (_, i) => i * 32 + i) // low five bits 0..11
    expect(makeCode(() => bytes)).toBe(CODE_ALPHABET.slice(0, 12))
    expect(makeCode(() => new Uint8Array(12).fill(255))).toBe('Z'.repeat(12))
  })

  test('grouped by four for reading aloud; typing is forgiving about case, spaces and dashes', () => {
    expect(formatCode('7KQ4M2XD9HPA')).toBe('7KQ4-M2XD-9HPA')
    expect(normaliseCode(' 7kq4 m2xd-9hpa ')).toBe('7KQ4M2XD9HPA')
    expect(normaliseCode('7KQ4M2XD9HP')).toBeNull()
    expect(normaliseCode('7KQ4M2XD9HP0')).toBeNull()
    expect(normaliseCode('<script>')).toBeNull()
  })
})

describe('statement state', () => {
  const issued = new Date('2026-01-01T02:00:00Z')
  const expiresAt = expiryFrom(issued, 90)
  test('valid until the 90 days have run, expired from that instant', () => {
    expect(expiresAt.toISOString()).toBe('2026-04-01T02:00:00.000Z')
    expect(statementState({ expiresAt, revokedAt: null }, new Date(expiresAt.getTime() - 1))).toBe('valid')
    expect(statementState({ expiresAt, revokedAt: null }, expiresAt)).toBe('expired')
  })
  test('revoked wins over expired and valid', () => {
    expect(statementState({ expiresAt, revokedAt: new Date('2026-02-01T00:00:00Z') }, new Date('2026-03-01T00:00:00Z'))).toBe('revoked')
    expect(statementState({ expiresAt, revokedAt: new Date('2026-02-01T00:00:00Z') }, new Date('2026-05-01T00:00:00Z'))).toBe('revoked')
  })
  test('names are masked to first and last character', () => {
    expect(maskName('王小明')).toBe('王*明')
    expect(maskName('李明')).toBe('李*')
    expect(maskName('欧阳志强')).toBe('欧**强')
  })
})

describe('applications', () => {
  const base: ApplyFacts = { today: '2026-03-10', sitting: { applyBy: '2026-03-10', capacity: 2, taken: 1 }, eligibility: 'eligible', statement: 'valid', hasCertificate: false, history: [] }
  test('on the deadline day it is still open; the day after it is refused', () => {
    expect(applyProblem(base)).toEqual({ problem: null, resit: false })
    expect(applyProblem({ ...base, today: '2026-03-11' })).toEqual({ problem: 'application.deadline-passed' })
  })
  test('capacity counts accepted and pending', () => {
    expect(applyProblem({ ...base, sitting: { ...base.sitting, taken: 2 } })).toEqual({ problem: 'application.full' })
  })
  test('not eligible, no statement, or an expired or revoked one is refused', () => {
    expect(applyProblem({ ...base, eligibility: 'not-yet' })).toEqual({ problem: 'application.not-eligible' })
    expect(applyProblem({ ...base, statement: null })).toEqual({ problem: 'application.no-statement' })
    expect(applyProblem({ ...base, statement: 'expired' })).toEqual({ problem: 'application.statement-expired' })
    expect(applyProblem({ ...base, statement: 'revoked' })).toEqual({ problem: 'application.statement-revoked' })
  })
  test('one application in flight; a fail allows the free re-sit once', () => {
    expect(applyProblem({ ...base, history: [{ status: 'pending', result: null, resit: false }] })).toEqual({ problem: 'application.already-open' })
    expect(applyProblem({ ...base, history: [{ status: 'accepted', result: null, resit: false }] })).toEqual({ problem: 'application.already-open' })
    expect(applyProblem({ ...base, history: [{ status: 'returned', result: null, resit: false }] })).toEqual({ problem: null, resit: false })
    expect(applyProblem({ ...base, history: [{ status: 'accepted', result: 'fail', resit: false }] })).toEqual({ problem: null, resit: true })
    expect(applyProblem({ ...base, history: [{ status: 'returned', result: null, resit: true }, { status: 'accepted', result: 'fail', resit: false }] })).toEqual({ problem: null, resit: true })
    expect(applyProblem({ ...base, history: [{ status: 'accepted', result: 'fail', resit: true }, { status: 'accepted', result: 'fail', resit: false }] })).toEqual({ problem: null, resit: false })
    expect(applyProblem({ ...base, hasCertificate: true })).toEqual({ problem: 'application.has-certificate' })
  })
  test('decisions and results', () => {
    expect(decisionProblem('pending', 'return', 'valid', '  ')).toBe('application.reason-required')
    expect(decisionProblem('pending', 'accept', 'expired', '')).toBe('application.statement-expired')
    expect(decisionProblem('accepted', 'accept', 'valid', '')).toBe('application.already-decided')
    expect(decisionProblem('pending', 'accept', 'valid', '')).toBeNull()
    expect(resultProblem({ status: 'accepted', result: null }, '2026-04-01', '2026-03-31')).toBe('application.before-sitting')
    expect(resultProblem({ status: 'accepted', result: null }, '2026-04-01', '2026-04-01')).toBeNull()
    expect(resultProblem({ status: 'pending', result: null }, '2026-04-01', '2026-04-02')).toBe('application.not-accepted')
  })
  test('sittings: future date, deadline before it, a sensible capacity; district or above decide', () => {
    expect(validateSitting({ sitsOn: '2026-04-01', startsAt: '09:00', venue: 'Hall 1', capacity: '40', applyBy: '2026-03-20' }, '2026-03-10').ok).toBe(true)
    const bad = validateSitting({ sitsOn: '2026-03-01', startsAt: '9am', venue: '', capacity: '0', applyBy: '2026-02-01' }, '2026-03-10')
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['applyBy', 'capacity', 'sitsOn', 'startsAt', 'venue'])
    const late = validateSitting({ sitsOn: '2026-04-01', startsAt: '09:00', venue: 'Hall', capacity: '1', applyBy: '2026-04-01' }, '2026-03-10')
    expect(!late.ok && late.errors.applyBy).toBe('sitting.deadline-before-sitting')
    expect([mayDecide('city'), mayDecide('district'), mayDecide('station'), mayDecide(undefined)]).toEqual([true, true, false, false])
  })
})
