import { describe, test, expect } from 'vitest'
import { parseIdNumber, parseCreditCode, idCheckChar, creditCheckChar, ageOn, maskIdNumber, isRealDate } from '../../../src/lib/id-checksums.js'

const TODAY = '2026-11-26'

describe('GB 11643 resident ID numbers', () => {
  // 11010519491231002X is the standard's own worked example; 440524190001010017 and
  // 110101200811260011 have hand-computed check digits (sum mod 11 -> '10X98765432').
  test.each([
    ['11010519491231002X', '1949-12-31'],
    ['11010519491231002x', '1949-12-31'],
    ['110101200811260011', '2008-11-26'],
    ['440524190001010017', '1900-01-01']
  ])('%s is valid, born %s', (id, birth) => {
    expect(parseIdNumber(id, TODAY)).toEqual({ ok: true, value: { idNumber: id.toUpperCase(), birthDate: birth } })
  })

  test('the standard example has check character X', () => {
    expect(idCheckChar('11010519491231002')).toBe('X')
  })

  test.each([
    ['110105194912310021', 'checksum'],
    ['110105194912310020', 'checksum'],
    ['11010519490231002X', 'birth-date'],
    ['11010519491332002X', 'birth-date'],
    ['11010518991231002X', 'birth-date'],
    ['110105203012310021', 'birth-date'],
    ['1101051949123100', 'format'],
    ['11010519491231002Y', 'format'],
    ['1101051949123100X2', 'format'],
    ['', 'format']
  ])('%j is refused: %s', (id, problem) => {
    const r = parseIdNumber(id, TODAY)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problem).toBe(problem)
  })

  test('a person born today is accepted, tomorrow is not', () => {
    const first17 = '110101' + '20261126' + '001'
    expect(parseIdNumber(first17 + idCheckChar(first17), TODAY).ok).toBe(true)
    const tomorrow = '110101' + '20261127' + '001'
    expect(parseIdNumber(tomorrow + idCheckChar(tomorrow), TODAY)).toEqual({ ok: false, problem: 'birth-date' })
  })

  test.each([
    ['2008-11-26', '2026-11-26', 18],
    ['2008-11-27', '2026-11-26', 17],
    ['2008-02-29', '2026-02-28', 17],
    ['2008-02-29', '2026-03-01', 18],
    ['1949-12-31', '2026-11-26', 76]
  ])('born %s, on %s: age %d', (birth, day, age) => {
    expect(ageOn(birth, day)).toBe(age)
  })

  test('leap days', () => {
    expect(isRealDate(2024, 2, 29)).toBe(true)
    expect(isRealDate(2025, 2, 29)).toBe(false)
    expect(isRealDate(2000, 2, 29)).toBe(true)
    expect(isRealDate(1900, 2, 29)).toBe(false)
  })

  test('masking keeps the first and last four', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X')
  })
})

describe('GB 32100 unified social credit codes', () => {
  const base = '91350100M000100Y4'
  const valid = base + creditCheckChar(base)

  test('a code with its computed check character is valid; lower case is accepted', () => {
    expect(parseCreditCode(valid)).toEqual({ ok: true, value: valid })
    expect(parseCreditCode(valid.toLowerCase())).toEqual({ ok: true, value: valid })
  })

  test('a published example code checks', () => {
    // The check character of 91350100M000100Y4 is 3 (91350100M000100Y43).
    expect(creditCheckChar('91350100M000100Y4')).toBe('3')
  })

  test('every wrong check character is refused', () => {
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
    for (const c of chars) {
      if (c === valid[17]) continue
      expect(parseCreditCode(base + c)).toEqual({ ok: false, problem: 'checksum' })
    }
  })

  test.each([
    ['91350100M000100Y4', 'format'],
    ['91350100M000100Y4I', 'format'],
    ['9135010OM000100Y43', 'format'],
    ['', 'format']
  ])('%j is refused: %s', (code, problem) => {
    expect(parseCreditCode(code)).toEqual({ ok: false, problem })
  })
})
