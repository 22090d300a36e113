import { describe, test, expect } from 'vitest'
import { bookAfter } from '../../../src/features/practice/book.js'

describe('the wrong-answer book', () => {
  const out = { inBook: false, streak: 0, misses: 0 }
  test('a miss puts a question in the book and counts it', () => {
    expect(bookAfter(out, false, 2)).toEqual({ inBook: true, streak: 0, misses: 1, left: false })
  })

  test.each([1, 2, 3])('it leaves after %i right answers in a row', (n) => {
    let s = bookAfter(out, false, n)
    for (let i = 1; i < n; i++) {
      s = bookAfter(s, true, n)
      expect(s.inBook).toBe(true)
    }
    s = bookAfter(s, true, n)
    expect(s).toMatchObject({ inBook: false, left: true, misses: 1 })
  })

  test('a miss between right answers starts the count again', () => {
    let s = bookAfter(out, false, 2)
    s = bookAfter(s, true, 2)
    s = bookAfter(s, false, 2)
    s = bookAfter(s, true, 2)
    expect(s).toMatchObject({ inBook: true, streak: 1, misses: 2 })
    expect(bookAfter(s, true, 2)).toMatchObject({ inBook: false, left: true })
  })

  test('right answers to a question never missed do not put it in the book', () => {
    expect(bookAfter(bookAfter(out, true, 2), true, 2)).toEqual({ inBook: false, streak: 2, misses: 0, left: false })
  })
})
