import { describe, test, expect } from 'vitest'
import { chooseQuestions, readSetChoice, type PoolQuestion, type QuestionState } from '../../../src/features/practice/sets.js'
import { optionOrder, readResponse, encodeAnswer, decodeAnswer } from '../../../src/features/practice/answering.js'
import { seededRng } from '../../../src/lib/rng.js'

const pool: PoolQuestion[] = Array.from({ length: 30 }, (_, i) => ({ id: 100 + i, keyId: 100 + i, domain: i < 20 ? 'law' : 'skills', topic: i < 10 ? 't1' : i < 20 ? 't2' : 't3', type: i % 3 === 0 ? 'judge' : 'single' }))
const now = new Date('2026-03-10T02:00:00Z')
const ctx = { now, today: 20_522, rng: seededRng('s'), topicMastery: new Map<string, number>() }
const state = (s: Partial<QuestionState>): QuestionState => ({ lastRight: null, lastAt: null, inBook: false, favourite: false, box: 0, dueDay: null, ...s })
const choice = (c: Partial<Parameters<typeof chooseQuestions>[2]>) => ({ mode: 'sequential' as const, domain: null, topic: null, itemType: null, size: 0, ...c })

describe('choosing a set', () => {
  test('sequential keeps bank order within the scope', () => {
    expect(chooseQuestions(pool, new Map(), choice({ domain: 'law', topic: 't2' }), ctx)).toEqual(pool.slice(10, 20).map((q) => q.id))
  })

  test('random leaves out questions answered right in the last 7 days while others remain', () => {
    const recent = new Map(pool.slice(0, 25).map((q) => [q.keyId, state({ lastRight: true, lastAt: new Date(now.getTime() - 86_400_000) })]))
    const ids = chooseQuestions(pool, recent, choice({ mode: 'random', size: 10 }), { ...ctx, rng: seededRng('r') })
    expect(ids).toHaveLength(10)
    // The five not answered recently come first, then recent ones fill the set.
    expect(ids.slice(0, 5).sort()).toEqual(pool.slice(25).map((q) => q.id))
    const old = new Map(pool.map((q) => [q.keyId, state({ lastRight: true, lastAt: new Date(now.getTime() - 8 * 86_400_000) })]))
    expect(chooseQuestions(pool, old, choice({ mode: 'random', size: 20 }), ctx)).toHaveLength(20)
  })

  test('by type: one item type of a subject', () => {
    const ids = chooseQuestions(pool, new Map(), choice({ mode: 'type', domain: 'law', itemType: 'judge' }), ctx)
    expect(ids).toEqual(pool.filter((q) => q.domain === 'law' && q.type === 'judge').map((q) => q.id))
  })

  test('the book, favourites and due reviews take their questions from the state', () => {
    const states = new Map([[101, state({ inBook: true, box: 1, dueDay: ctx.today })], [102, state({ favourite: true })], [103, state({ inBook: true, box: 2, dueDay: ctx.today + 1 })]])
    expect(chooseQuestions(pool, states, choice({ mode: 'wrong' }), ctx)).toEqual([101, 103])
    expect(chooseQuestions(pool, states, choice({ mode: 'favourites' }), ctx)).toEqual([102])
    expect(chooseQuestions(pool, states, choice({ mode: 'review' }), ctx)).toEqual([101])
  })

  test('the sprint asks up to 50, more from the weaker topic', () => {
    const big: PoolQuestion[] = Array.from({ length: 120 }, (_, i) => ({ id: i + 1, keyId: i + 1, domain: 'law', topic: i < 60 ? 'weak' : 'strong', type: 'single' }))
    const ids = chooseQuestions(big, new Map(), choice({ mode: 'sprint' }), { ...ctx, topicMastery: new Map([['law/strong', 0.9]]) })
    expect(ids).toHaveLength(50)
    expect(ids.filter((id) => id <= 60).length).toBeGreaterThan(ids.filter((id) => id > 60).length)
  })
})

describe('reading the set form', () => {
  const known = { domains: new Set(['law']), topics: new Set(['law/t1']) }
  test('a scope names a subject or a topic', () => {
    expect(readSetChoice({ mode: 'sequential', scope: 'law/t1' }, known)).toMatchObject({ domain: 'law', topic: 't1' })
    expect(readSetChoice({ mode: 'random', scope: '', size: '20' }, known)).toMatchObject({ domain: null, size: 20 })
  })
  test.each([
    [{ mode: 'cooking' }, 'practice.bad-mode'],
    [{ mode: 'sequential', scope: 'maths' }, 'practice.bad-scope'],
    [{ mode: 'random', size: '15' }, 'practice.bad-size'],
    [{ mode: 'type', domain: 'law' }, 'practice.type-needs-subject'],
    [{ mode: 'recite', scope: 'law' }, 'practice.recite-needs-topic']
  ])('%o is refused (%s)', (body, code) => {
    expect(() => readSetChoice(body, known)).toThrow(expect.objectContaining({ code }))
  })
})

describe('answers', () => {
  test('options are shuffled per set and position; true/false keeps its order', () => {
    const keys = ['A', 'B', 'C', 'D']
    const orders = new Set(Array.from({ length: 20 }, (_, i) => optionOrder('seed', i + 1, 'single', keys).join('')))
    expect(orders.size).toBeGreaterThan(1)
    expect(optionOrder('seed', 3, 'single', keys)).toEqual(optionOrder('seed', 3, 'single', keys))
    expect(optionOrder('seed', 3, 'judge', [])).toEqual(['true', 'false'])
  })

  test('a posted code reads back to its key; anything else is refused', () => {
    const order = ['C', 'A', 'B']
    const codes = ['x1', 'y2', 'z3']
    expect(readResponse('single', order, codes, 'y2')).toEqual(['A'])
    expect(readResponse('multi', order, codes, ['z3', 'x1'])).toEqual(['B', 'C'])
    expect(() => readResponse('single', order, codes, 'A')).toThrow(expect.objectContaining({ code: 'practice.bad-answer' }))
    expect(() => readResponse('single', order, codes, ['x1', 'y2'])).toThrow(expect.objectContaining({ code: 'practice.bad-answer' }))
    expect(() => readResponse('single', order, codes, undefined)).toThrow(expect.objectContaining({ code: 'practice.no-answer' }))
  })

  test('an answer is stored as a bit mask of the options and read back', () => {
    expect(encodeAnswer('multi', ['A', 'B', 'C', 'D', 'E'], ['A', 'C', 'E'])).toBe(0b10101)
    expect(decodeAnswer('multi', ['A', 'B', 'C', 'D', 'E'], 0b10101)).toEqual(['A', 'C', 'E'])
    expect(encodeAnswer('judge', [], ['false'])).toBe(2)
    expect(decodeAnswer('judge', [], 1)).toEqual(['true'])
  })
})
