import { describe, test, expect } from 'vitest'
import { maskIdNumbersIn, idCheckChar } from '../../../src/lib/id-checksums.js'

const id = (first17: string) => first17 + idCheckChar(first17)

describe('ID numbers typed into free text', () => {
  test('are masked where they stand; other long numbers are left alone', () => {
    const a = id('11010119900307123')
    const x = id('44030519851124002')
    expect(maskIdNumbersIn(`checking ${a}, see ${x.toLowerCase()}.`)).toBe(`checking ${a.slice(0, 4)}**********${a.slice(-4)}, see ${x.slice(0, 4)}**********${x.slice(-4).toUpperCase()}.`)
    // A wrong check character is not an ID number; a longer run of digits is not one either.
    const wrong = a.slice(0, 17) + (a[17] === '0' ? '1' : '0')
    expect(maskIdNumbersIn(`code ${wrong}`)).toBe(`code ${wrong}`)
    expect(maskIdNumbersIn(`ticket 9${a}`)).toBe(`ticket 9${a}`)
    expect(maskIdNumbersIn('国庆节检查')).toBe('国庆节检查')
  })
})
