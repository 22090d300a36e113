import { describe, test, expect } from 'vitest'
import { groupScreens, examPosition, prefersScreens, estimatedHeight } from '../../../src/features/exams/screens.js'

const paper = (types: string) => [...types].map((c, i) => ({ slot: i + 1, type: c === 'm' ? 'multi' : c === 'j' ? 'judge' : 'single' }))

describe('a phone’s screens', () => {
  test('a screen ends with a single-choice or true/false question; multiple-choice ones ride along with the next', () => {
    expect(groupScreens(paper('smjmms'))).toEqual([[1], [2, 3], [4, 5, 6]])
  })
  test('at most three questions; a run of multiple-choice questions is cut, and the last screen may end with one', () => {
    expect(groupScreens(paper('mmmmsm'))).toEqual([[1, 2, 3], [4, 5], [6]])
  })
  test('a screen that would grow too tall is cut before the question that does not fit', () => {
    const long = 'x'.repeat(400)
    const items = [
      { slot: 1, type: 'multi', stem: long, options: [long, long, long, long, long] },
      { slot: 2, type: 'single', stem: long, options: [long, long, long, long] }
    ]
    expect(estimatedHeight(items[0]!) + estimatedHeight(items[1]!)).toBeGreaterThan(2 * 844 - 320)
    expect(groupScreens(items)).toEqual([[1], [2]])
    expect(groupScreens(items.map((i) => ({ ...i, stem: '短', options: ['甲', '乙'] })))).toEqual([[1, 2]])
  })
  test('a position finds the screen of a slot, with the first slots of the screens around it', () => {
    expect(examPosition(paper('smjmms'), 'screens', { slot: 5 })).toEqual({ layout: 'screens', index: 3, count: 3, slots: [4, 5, 6], prevSlot: 2, nextSlot: null })
    expect(examPosition(paper('s'.repeat(25)), 'pages', { page: 2 })).toMatchObject({ index: 2, count: 3, slots: [11, 12, 13, 14, 15, 16, 17, 18, 19, 20], prevSlot: 1, nextSlot: 21 })
    expect(examPosition(paper('s'.repeat(25)), 'pages', { page: 99 }).index).toBe(3)
  })
  test.each([
    [{ 'sec-ch-ua-mobile': '?1' }, true],
    [{ 'sec-ch-ua-mobile': '?0', 'user-agent': 'Mobile' }, false],
    [{ 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' }, true],
    [{ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0' }, false],
    [{}, false]
  ])('prefersScreens(%j) = %s', (headers, expected) => {
    expect(prefersScreens(headers)).toBe(expected)
  })
})
